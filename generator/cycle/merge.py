"""Deciding, cell by cell, which returned values go into the plan and which are refused.

A returned cell is the lead's change when it differs from what was sent (the chase record
says; without one, from the plan as it stands). A change is applied only when it is in a
column a lead may change, on one of that lead's own actions (matched by Ref), not changed
differently in another returned file, not changed in the plan since the chase, and not
something the rules call an error: new values are read by the same parsers and checked by
the same validation as any plan, and a change that brings a new error is refused.
Everything refused is a Finding, located in the returned file, saying why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.check.reporter import Reporter
from generator.check.validate import reading_hint, validate
from generator.common.matching import fold, ref_key
from generator.cycle.columns import LEAD_MAY_CHANGE
from generator.cycle.filenames import distinct_stems
from generator.cycle.returned import ReturnedFile, ReturnedRow
from generator.cycle.values import fingerprint, parse_value, shown, value_of, written_value
from generator.findings import Finding, Severity
from generator.pipeline import CheckedWorkbook
from generator.read.cells import Parsed, is_blank, raw_text
from generator.read.workbook import Table
from generator.schema.derived import EFFECTIVE_DUE
from generator.schema.fields import ACTIONS
from generator.schema.rules import Rule, Rules

#: Of the (sheet, A1) plan cells given, those that must not be overwritten, with the reason.
Unwritable = Callable[[Iterable[tuple[str, str]]], Mapping[tuple[str, str], str]]
#: Why a returned cell was not applied: rule id -> what the person is told. Refusals are
#: findings like any other (errors, made by the one reporter), but not switches in rules.yaml:
#: collect never applies what it refuses.
REFUSALS = {
    rule: Rule(rule, Severity.ERROR, message)
    for rule, message in {
        "returned-unreadable": "not collected: {detail}",
        "returned-whose": "cannot tell whose workbook this is: it has no chase record and its "
        "name is not a lead's; nothing in it was applied",
        "returned-no-ref": "this row has no Ref, so it cannot be matched to the plan; not applied",
        "returned-unknown-ref": "{ref} is not in the plan; this row was not applied",
        "returned-duplicate-ref": "{ref} is on more than one row of the plan, so the change "
        "cannot be placed; not applied",
        "returned-not-leads": "{ref} is not one of {lead}'s actions (its lead is {owner}); "
        "{columns} not applied",
        "returned-locked-column": "{column} is not a column a lead may change; "
        "{new} was not applied (leads may change {allowed})",
        "returned-no-column": "the plan has no {column} column; {new} was not applied",
        "returned-conflict": "{column} of {ref} was changed to {new} here but to {other} in "
        "{files}; neither was applied",
        "returned-changed-in-plan": "{column} of {ref} has been changed in the plan since the "
        "chase (to {now}); {new} was not applied",
        "returned-not-writable": "the plan's cell {cell} cannot take a value because {reason}; "
        "{new} was not applied",
        "returned-invalid": "{new} was not applied: {reason}",
    }.items()
}


def _quoted(value: Any) -> str:
    text = shown(value)
    return f'"{text}"' if text else "an empty cell"


@dataclass
class Change:
    """A value to write into one plan cell, and where it came from."""

    index: int  # position in the plan table
    row: int  # plan row number
    column: str
    sheet: str  # the plan sheet the row is on (a plan may keep a sheet per section)
    cell: str  # A1 in that sheet
    ref: str
    old: Any  # raw value in the plan
    new: Any  # value to write
    sources: list[tuple[ReturnedFile, ReturnedRow]] = field(default_factory=list)

    @property
    def files(self) -> str:
        return ", ".join(dict.fromkeys(returned.name for returned, _ in self.sources))


@dataclass
class Merge:
    """The outcome: changes to apply, and every refusal as a finding."""

    changes: list[Change] = field(default_factory=list)
    refusals: list[Finding] = field(default_factory=list)


class _Judge:
    """Holds the plan's side of the comparison while returned files are judged."""

    def __init__(self, checked: CheckedWorkbook, rules: Rules) -> None:
        self.checked = checked
        self.rules = rules
        self.table: Table = checked.workbook.actions
        self.parsed = checked.validated.sheets[rules.actions.name].values
        self.positions: dict[str, list[int]] = defaultdict(list)
        for index, ref in enumerate(self.parsed.get(ACTIONS.ref.name, [])):
            if isinstance(ref, str) and ref.strip():
                self.positions[ref_key(ref)].append(index)
        leads = self.parsed.get(ACTIONS.lead.name, [])
        self.leads = [lead if isinstance(lead, str) else "" for lead in leads]
        self.allowed = ", ".join(
            self.table.headers.get(name, name) for name in LEAD_MAY_CHANGE if self.table.has(name)
        )

    def header(self, column: str) -> str:
        return self.table.headers.get(column, column)

    def column_type(self, column: str) -> str:
        return self.rules.actions.columns[column].type

    def plan_value(self, index: int, column: str) -> Any:
        """The plan's cell as chase read it when it was sent (so a colour is not a status)."""
        return value_of(self.column_type(column), self.table.raw[column][index], self.rules)

    def sent(self, returned: ReturnedFile, ref: str, index: int | None, column: str) -> str:
        """The fingerprint of what the lead was sent: from the record, else of the plan's
        present value."""
        if returned.record is not None:
            sent = returned.record.sent_fingerprint(ref, column)
            if sent is not None:
                return sent
        if index is None or not self.table.has(column):
            return fingerprint(None)
        return fingerprint(self.plan_value(index, column))


def whose(returned: ReturnedFile, checked: CheckedWorkbook) -> str:
    """The lead a returned workbook belongs to: its record says; a file without one is
    known by its name, when that is the name chase gives one of the plan's leads."""
    if returned.record is not None:
        return returned.record.lead
    leads = list(dict.fromkeys(a.lead.strip() for a in checked.plan.actions if fold(a.lead)))
    by_stem = {stem.casefold(): lead for stem, lead in zip(distinct_stems(leads), leads)}
    return by_stem.get(returned.path.stem.casefold(), "")


def merge_returned(
    checked: CheckedWorkbook,
    returned_files: Sequence[ReturnedFile],
    rules: Rules,
    as_of: dt.date,
    unwritable: Unwritable,
) -> Merge:
    """Judge every returned cell; ``unwritable(cells)`` names the (sheet, A1) plan cells that
    must not be overwritten (formulas, merged cells), with the reason."""
    judge = _Judge(checked, rules)
    merge = Merge()
    proposals: dict[tuple[int, str], list[tuple[Any, ReturnedFile, ReturnedRow]]] = defaultdict(
        list
    )
    for returned in returned_files:
        returned.lead = whose(returned, checked)
        if not returned.lead:
            _refusal(merge, returned, None, ACTIONS.ref.name, "returned-whose", judge)
            continue
        for row in returned.rows:
            _judge_row(judge, returned, row, proposals, merge)
    candidates = _settle_conflicts(judge, proposals, merge)
    _refuse_unwritable(judge, candidates, unwritable, merge)
    _refuse_new_errors(judge, candidates, as_of, merge)
    # In the plan's order: its table's rows (sheet by sheet), then across.
    merge.changes = sorted(
        candidates.values(), key=lambda c: (c.index, judge.table.columns.get(c.column, 0))
    )
    merge.refusals.sort(key=_position)
    return merge


def _judge_row(
    judge: _Judge,
    returned: ReturnedFile,
    row: ReturnedRow,
    proposals: dict[tuple[int, str], list[tuple[Any, ReturnedFile, ReturnedRow]]],
    merge: Merge,
) -> None:
    positions = judge.positions.get(ref_key(row.ref), []) if row.ref else []
    index = positions[0] if len(positions) == 1 else None
    sent = returned.record is not None and returned.record.has(row.ref)
    changed: dict[str, tuple[Any, Parsed]] = {}
    for column, raw in row.raw.items():
        # A row that was not sent (typed or pasted in) supplies only its non-empty cells.
        if column == ACTIONS.ref.name or (not sent and is_blank(raw)):
            continue
        parsed = parse_value(judge.column_type(column), raw, judge.rules)
        value = written_value(parsed, raw)
        if fingerprint(value) != judge.sent(returned, row.ref, index, column):
            changed[column] = (value, parsed)
    if not changed:
        return
    if not row.ref:
        _refusal(merge, returned, row, ACTIONS.ref.name, "returned-no-ref", judge)
        return
    if not positions:
        _refusal(merge, returned, row, ACTIONS.ref.name, "returned-unknown-ref", judge)
        return
    if index is None:
        _refusal(merge, returned, row, ACTIONS.ref.name, "returned-duplicate-ref", judge)
        return
    owner = judge.leads[index] if index < len(judge.leads) else ""
    if fold(owner) != fold(returned.lead):
        columns = ", ".join(judge.header(column) for column in changed)
        _refusal(
            merge,
            returned,
            row,
            ACTIONS.ref.name,
            "returned-not-leads",
            judge,
            owner=owner,
            columns=columns,
        )
        return
    for column, (value, parsed) in changed.items():
        if column not in LEAD_MAY_CHANGE:
            _refusal(merge, returned, row, column, "returned-locked-column", judge, new=value)
            continue
        if not judge.table.has(column):
            _refusal(merge, returned, row, column, "returned-no-column", judge, new=value)
            continue
        rule = judge.rules.reading.get(parsed.rule) if parsed.rule else None
        if rule is not None and rule.enabled and rule.severity is Severity.ERROR:
            typed = raw_text(row.raw[column])
            hint = reading_hint(parsed.rule, row.raw[column], judge.rules)
            reason = rule.message.replace("{value}", typed).replace("{hint}", hint)
            _refusal(
                merge, returned, row, column, "returned-invalid", judge, new=value, reason=reason
            )
            continue
        now = judge.plan_value(index, column)
        if fingerprint(value) == fingerprint(now):
            continue  # already in the plan: collecting again changes nothing
        if fingerprint(now) != judge.sent(returned, row.ref, index, column):
            _refusal(
                merge, returned, row, column, "returned-changed-in-plan", judge, new=value, now=now
            )
            continue
        proposals[(index, column)].append((value, returned, row))


def _settle_conflicts(
    judge: _Judge,
    proposals: dict[tuple[int, str], list[tuple[Any, ReturnedFile, ReturnedRow]]],
    merge: Merge,
) -> dict[tuple[int, str], Change]:
    """One change per cell; a cell changed to different values in two files gets none."""
    candidates: dict[tuple[int, str], Change] = {}
    table = judge.table
    for (index, column), offers in proposals.items():
        values = {fingerprint(value) for value, _, _ in offers}
        if len(values) > 1:
            for value, returned, row in offers:
                others = [(v, r) for v, r, _ in offers if fingerprint(v) != fingerprint(value)]
                _refusal(
                    merge,
                    returned,
                    row,
                    column,
                    "returned-conflict",
                    judge,
                    new=value,
                    other=_quoted(others[0][0]),
                    files=", ".join(dict.fromkeys(r.name for _, r in others)),
                )
            continue
        candidates[(index, column)] = Change(
            index=index,
            row=table.row_numbers[index],
            column=column,
            sheet=table.sheet_at(index),
            cell=table.cell_at(column, index),
            ref=offers[0][2].ref,
            old=table.raw[column][index],
            new=offers[0][0],
            sources=[(returned, row) for _, returned, row in offers],
        )
    return candidates


def _refuse(judge: _Judge, change: Change, rule: str, merge: Merge, **fields: Any) -> None:
    for returned, row in change.sources:
        _refusal(
            merge,
            returned,
            row,
            change.column,
            rule,
            judge,
            new=change.new,
            cell=change.cell,
            **fields,
        )


def _refuse_unwritable(
    judge: _Judge, candidates: dict[tuple[int, str], Change], unwritable: Unwritable, merge: Merge
) -> None:
    reasons = unwritable((change.sheet, change.cell) for change in candidates.values())
    for key, change in list(candidates.items()):
        reason = reasons.get((change.sheet, change.cell))
        if reason:
            _refuse(judge, change, "returned-not-writable", merge, reason=reason)
            del candidates[key]


def _refuse_new_errors(
    judge: _Judge, candidates: dict[tuple[int, str], Change], as_of: dt.date, merge: Merge
) -> None:
    """Validate the plan with the changes in; a change that brings an error is refused,
    then the rest are checked again (refusing one can leave another without support)."""
    row_rules = {row_rule.rule.id: row_rule for row_rule in judge.rules.row_rules}
    before = {(f.rule, f.sheet, f.cell) for f in _errors(judge, [], as_of)}
    while candidates:
        by_cell = {(change.sheet, change.cell): key for key, change in candidates.items()}
        by_row: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
        for key, change in candidates.items():
            by_row[(change.sheet, change.row)].append(key)
        refused: dict[tuple[int, str], str] = {}
        for finding in _errors(judge, candidates.values(), as_of):
            if (finding.rule, finding.sheet, finding.cell) in before:
                continue
            if (finding.sheet, finding.cell) in by_cell:
                refused.setdefault(by_cell[(finding.sheet, finding.cell)], finding.message)
                continue
            row_rule = row_rules.get(finding.rule)
            if row_rule is None or finding.row is None:
                continue
            columns = set(row_rule.columns)
            if row_rule.compare is not None and row_rule.compare.column == EFFECTIVE_DUE:
                columns.add(ACTIONS.revised_due_date.name)
            for key in by_row.get((finding.sheet, finding.row), []):
                if key[1] in columns:
                    refused.setdefault(key, finding.message)
        if not refused:
            return
        for key, reason in refused.items():
            _refuse(judge, candidates.pop(key), "returned-invalid", merge, reason=reason)


def _errors(judge: _Judge, changes: Iterable[Change], as_of: dt.date) -> list[Finding]:
    """Error findings for the plan with ``changes`` written in."""
    table = judge.table
    raw = {name: list(values) for name, values in table.raw.items()}
    for change in changes:
        raw[change.column][change.index] = change.new
    workbook = judge.checked.workbook
    name = judge.rules.actions.name
    changed = dataclasses.replace(
        workbook, tables={**workbook.tables, name: dataclasses.replace(table, raw=raw)}
    )
    validated = validate(changed, judge.rules, as_of, file_label=judge.checked.path.name)
    return [finding for finding in validated.findings if finding.severity is Severity.ERROR]


def _position(finding: Finding) -> tuple[str, int, int, str]:
    letters = finding.cell.rstrip("0123456789")
    return (finding.file, finding.row or 0, len(letters), letters)


def _refusal(
    merge: Merge,
    returned: ReturnedFile,
    row: ReturnedRow | None,
    column: str,
    rule: str,
    judge: _Judge,
    **fields: Any,
) -> None:
    """Refuse: a finding located at the returned file's cell, in the words of ``REFUSALS``."""
    ref = row.ref if row is not None else ""
    words = {
        "ref": ref or "this row",
        "lead": returned.lead,
        "column": judge.header(column),
        "allowed": judge.allowed,
        **fields,
    }
    for name in ("new", "now"):
        if name in words:
            words[name] = _quoted(words[name])
    if "owner" in words:
        words["owner"] = words["owner"] or "nobody"
    Reporter(str(returned.path), merge.refusals).at(
        REFUSALS[rule],
        words,
        sheet=returned.table.sheet,
        cell=returned.cell(column, row.row) if row is not None else "",
        row=row.row if row is not None else None,
        column=judge.header(column) if row is not None and column != ACTIONS.ref.name else "",
        ref=ref,
        value=row.raw.get(column) if row is not None else None,
    )
