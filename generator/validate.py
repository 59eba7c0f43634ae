"""Check a read workbook against the rules: every problem becomes a located Finding.

Validation knows nothing of Word or email. It parses each cell by its column's type,
applies the per-column Cerberus checks, the row rules and the table rules, and hands back
the parsed rows so the plan can be built from exactly what was checked.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.cellvalues import (
    Parsed,
    parse_date,
    parse_number,
    parse_status,
    parse_text,
    raw_text,
    uk_date,
)
from generator.checks import SchemaCheck
from generator.findings import Finding
from generator.headers import fold
from generator.rules import AS_OF, EFFECTIVE_DUE, RowRule, Rule, Rules
from generator.workbook import Table, Workbook

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: Longest value quoted in a message or a finding; a 30,000-character cell is cut short.
MAX_SHOWN = 200


@dataclass
class ParsedRow:
    """A data row's values after parsing, keyed by canonical column name."""

    row: int
    values: dict[str, Any]
    raw: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)  # column -> reading rule that fired

    @property
    def ref(self) -> str:
        ref = self.values.get("Ref")
        return ref if isinstance(ref, str) else ""


@dataclass
class Validated:
    """The outcome of validating one workbook: findings and the parsed rows of each sheet."""

    findings: list[Finding]
    sheets: dict[str, list[ParsedRow]]


@dataclass
class CellExtras:
    """What only the file's XML can tell about cells (xlsx): fill colours and empty formulas.

    Both map (0-based row, 0-based column) of one sheet; filled in by the caller when the
    workbook format allows it.
    """

    fills: Callable[[str, set[tuple[int, int]]], dict[tuple[int, int], str]] | None = None
    empty_formulas: Callable[[str], set[tuple[int, int]]] | None = None


def shown(value: Any) -> str:
    """A value as a message shows it: UK dates, "empty" for nothing, long text cut short."""
    if value is None or value == "":
        return "empty"
    if isinstance(value, dt.date):
        return uk_date(value)
    text = raw_text(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def finding_value(value: Any) -> str:
    """The value a finding reports: as found (ISO for dates), long text cut short."""
    if value is None:
        return ""
    text = raw_text(value)
    return text if len(text) <= 2 * MAX_SHOWN else text[: 2 * MAX_SHOWN - 1] + "…"


def render_message(template: str, fields: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders; unknown ones stay as typed, nothing else is evaluated."""
    return _PLACEHOLDER.sub(
        lambda match: str(fields[match[1]]) if match[1] in fields else match[0], template
    )


class _Reporter:
    """Builds findings for one sheet of one file, with the sheet's locations."""

    def __init__(self, file: str, table: Table) -> None:
        self.file = file
        self.table = table
        self.findings: list[Finding] = []

    def cell(
        self, rule: Rule, row: ParsedRow | None, where_column: str, value: Any, **extra: Any
    ) -> None:
        """Record a finding for ``rule`` at ``where_column`` of ``row`` (None: the sheet)."""
        if not rule.enabled:
            return
        column = where_column
        table = self.table
        where = table.cell(column, row.row) if row and column in table.columns else ""
        fields = {
            "value": shown(value),
            "column": table.headers.get(column, column),
            "ref": row.ref if row else "",
            **{key: shown(item) if key == "other" else item for key, item in extra.items()},
        }
        self.findings.append(
            Finding(
                file=self.file,
                sheet=table.sheet,
                cell=where,
                row=row.row if row else None,
                column=table.headers.get(column, column) if column else "",
                ref=row.ref if row else "",
                rule=rule.id,
                severity=rule.severity,
                message=render_message(rule.message, fields),
                value=finding_value(value),
            )
        )


def validate(
    workbook: Workbook,
    rules: Rules,
    as_of: dt.date,
    *,
    file_label: str,
    extras: CellExtras | None = None,
) -> Validated:
    """Every finding for the workbook, and its parsed rows by sheet name."""
    extras = extras or CellExtras()
    findings: list[Finding] = []
    sheets: dict[str, list[ParsedRow]] = {}
    for name, table in workbook.tables.items():
        reporter = _Reporter(file_label, table)
        rows = list(_parse_table(table, rules, reporter, extras))
        _column_checks(table, rows, reporter)
        if name == "Actions":
            _row_rules(table, rows, rules, as_of, reporter)
            _table_rules(table, rows, rules, workbook, reporter)
        sheets[name] = rows
        findings.extend(sorted(reporter.findings, key=_position))
    return Validated(findings=findings, sheets=sheets)


def _position(finding: Finding) -> tuple[int, int, str]:
    """Sort key: row, then column (A < B < ... < AA), keeping rule order within a cell."""
    letters = finding.cell.rstrip("0123456789")
    return (finding.row or 0, len(letters), letters)


def _parser(column_type: str, rules: Rules) -> Callable[[Any], Parsed]:
    if column_type == "date":
        words = rules.no_date_words
        return lambda raw: parse_date(raw, words)
    if column_type == "status":
        key = rules.key
        return lambda raw: parse_status(raw, key)
    if column_type == "number":
        return parse_number
    return parse_text


def _parse_table(
    table: Table, rules: Rules, reporter: _Reporter, extras: CellExtras
) -> Iterator[ParsedRow]:
    parsers = {name: _parser(table.spec.columns[name].type, rules) for name in table.columns}
    reading = rules.reading
    status_columns = [n for n in table.columns if table.spec.columns[n].type == "status"]
    uncoloured: list[tuple[ParsedRow, str]] = []
    parsed_rows = []
    for row_number, raw in table.rows:
        values: dict[str, Any] = {}
        row = ParsedRow(row=row_number, values=values, raw=raw)
        for name, parse in parsers.items():
            parsed = parse(raw[name])
            values[name] = parsed.value
            if parsed.rule:
                row.notes[name] = parsed.rule
        for name in status_columns:
            if raw[name] is None:
                uncoloured.append((row, name))
        parsed_rows.append(row)
    if uncoloured and extras.fills is not None:
        _status_from_colour(table, uncoloured, rules, reporter, extras)
    if extras.empty_formulas is not None:
        _empty_formulas(table, parsed_rows, rules, reporter, extras)
    for row in parsed_rows:
        for name, rule_id in row.notes.items():
            if rule_id in ("status-from-colour", "formula-without-value"):
                continue
            rule = reading[rule_id]
            reporter.cell(rule, row, name, row.raw[name], other=_shown_as(row, name, rules))
        yield row


def _shown_as(row: ParsedRow, column: str, rules: Rules) -> str:
    value = row.values.get(column)
    return uk_date(value) if isinstance(value, dt.date) else shown(value)


def _status_from_colour(
    table: Table,
    uncoloured: list[tuple[ParsedRow, str]],
    rules: Rules,
    reporter: _Reporter,
    extras: CellExtras,
) -> None:
    """Best effort: a Status left empty but filled with a key colour is read as that status."""
    assert extras.fills is not None
    wanted = {(row.row - 1, table.columns[name]) for row, name in uncoloured}
    fills = extras.fills(table.sheet, wanted)
    for row, name in uncoloured:
        colour = fills.get((row.row - 1, table.columns[name]))
        status = rules.key.from_colour(colour) if colour else None
        if status:
            row.values[name] = status
            reporter.cell(rules.reading["status-from-colour"], row, name, None, other=status)


def _empty_formulas(
    table: Table, rows: list[ParsedRow], rules: Rules, reporter: _Reporter, extras: CellExtras
) -> None:
    assert extras.empty_formulas is not None
    cells = extras.empty_formulas(table.sheet)
    if not cells:
        return
    by_index = {index: name for name, index in table.columns.items()}
    rule = rules.reading["formula-without-value"]
    for row in rows:
        for name, index in table.columns.items():
            if (row.row - 1, index) in cells and row.raw[name] is None:
                reporter.cell(rule, row, by_index[index], None)


def _column_checks(table: Table, rows: list[ParsedRow], reporter: _Reporter) -> None:
    for name in table.columns:
        for check in table.spec.columns[name].checks:
            if not check.rule.enabled:
                continue
            schema = SchemaCheck({name: check.schema})
            for row in rows:
                if name in row.notes:  # the cell could not be read: one finding is enough
                    continue
                if not schema.passes(row.values):
                    reporter.cell(check.rule, row, name, row.raw[name])


def _missing(table: Table, needed: set[str]) -> list[str]:
    return sorted(name for name in needed if name not in table.columns)


def _row_rules(
    table: Table, rows: list[ParsedRow], rules: Rules, as_of: dt.date, reporter: _Reporter
) -> None:
    skipped: dict[str, list[str]] = defaultdict(list)
    active: list[tuple[RowRule, SchemaCheck | None, SchemaCheck | None]] = []
    for row_rule in rules.row_rules:
        if not row_rule.rule.enabled:
            continue
        missing = _missing(table, row_rule.columns)
        if missing:
            for name in missing:
                skipped[name].append(row_rule.rule.id)
            continue
        active.append(
            (
                row_rule,
                SchemaCheck(row_rule.when) if row_rule.when else None,
                SchemaCheck(row_rule.require) if row_rule.require else None,
            )
        )
    for rule in rules.table_rules:
        if rule.rule.enabled and rule.column not in table.columns:
            skipped[rule.column].append(rule.rule.id)
    for name in table.spec.columns:
        if name in table.columns:
            continue
        for check in table.spec.columns[name].checks:
            if check.rule.enabled:
                skipped[name].append(check.rule.id)
    for name, rule_ids in sorted(skipped.items()):
        reporter.cell(
            rules.reading["missing-optional-column"],
            None,
            "",
            None,
            column=name,
            other=", ".join(rule_ids),
        )
    for row in rows:
        values = row.values
        if "Due date" in values:
            values[EFFECTIVE_DUE] = values.get("Revised due date") or values["Due date"]
        for row_rule, when, require in active:
            if when is not None and not when.passes(values):
                continue
            if require is not None:
                if require.passes(values):
                    continue
            elif row_rule.compare is not None:
                other = _compare_fails(row_rule, values, as_of)
                if other is None:
                    continue
            column = _locate(row_rule.column, values)
            compare = row_rule.compare
            other_value = values.get(compare.than) if compare and compare.than != AS_OF else as_of
            reporter.cell(
                row_rule.rule,
                row,
                column,
                values.get(column),
                other=other_value,
                days=compare.minus_days if compare else "",
                status=values.get("Status") or "",
            )


def _locate(column: str, values: Mapping[str, Any]) -> str:
    """The cell a row rule points at; the effective due date lives in one of two columns."""
    if column == EFFECTIVE_DUE:
        return "Revised due date" if values.get("Revised due date") else "Due date"
    return column


def _compare_fails(row_rule: RowRule, values: Mapping[str, Any], as_of: dt.date) -> Any:
    """The value compared against when the comparison holds (the rule fires), else None."""
    compare = row_rule.compare
    assert compare is not None
    left = values.get(compare.column)
    right = as_of if compare.than == AS_OF else values.get(compare.than)
    if left is None or right is None:
        return None
    if compare.minus_days and isinstance(right, dt.date):
        right = right - dt.timedelta(days=compare.minus_days)
    try:
        return right if _OPS[compare.op](left, right) else None
    except TypeError:  # a rule comparing a date with text: nothing to say
        return None


def _table_rules(
    table: Table, rows: list[ParsedRow], rules: Rules, workbook: Workbook, reporter: _Reporter
) -> None:
    for table_rule in rules.table_rules:
        if not table_rule.rule.enabled or table_rule.column not in table.columns:
            continue
        column = table_rule.column
        if table_rule.unique:
            first_seen: dict[str, ParsedRow] = {}
            for row in rows:
                value = row.values.get(column)
                if value is None:
                    continue
                folded = fold(str(value)) or str(value)
                if folded in first_seen:
                    reporter.cell(
                        table_rule.rule,
                        row,
                        column,
                        value,
                        other=first_seen[folded].row,
                    )
                else:
                    first_seen[folded] = row
        else:
            other = workbook.tables.get(table_rule.lookup_sheet)
            if other is None or table_rule.lookup_column not in other.columns:
                continue  # the optional sheet is absent: nothing to look up against
            listed = {
                fold(raw_text(raw[table_rule.lookup_column]))
                for _, raw in other.rows
                if raw.get(table_rule.lookup_column) is not None
            }
            for row in rows:
                value = row.values.get(column)
                if value is not None and fold(str(value)) not in listed:
                    reporter.cell(table_rule.rule, row, column, value)
