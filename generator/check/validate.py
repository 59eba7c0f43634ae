"""Check a read workbook against the rules: every problem becomes a located Finding.

Validation knows nothing of Word or email. It parses each column by its type, applies the
per-column Cerberus checks, the row rules and the table rules, and hands back the parsed
values so the plan is built from exactly what was checked. Work goes a column at a time:
plans repeat the same dates, statuses and sections row after row, so each distinct value
is parsed and judged once.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from generator.check.schema_classes import SchemaCheck
from generator.common.matching import fold, ref_key
from generator.common.ukdates import uk_date
from generator.common.xmltext import XML_ILLEGAL
from generator.findings import Finding
from generator.read.cells import (
    Parsed,
    parse_date,
    parse_number,
    parse_status,
    parse_text,
    raw_text,
)
from generator.read.workbook import Table, Workbook
from generator.schema.derived import EFFECTIVE_DUE, effective_due
from generator.schema.fields import ACTIONS
from generator.schema.rules import AS_OF, RowRule, Rule, Rules

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_VALUE_OF = operator.attrgetter("value")
#: Longest value quoted in a message; a 30,000-character cell is cut short.
MAX_SHOWN = 200
#: The note on a cell whose finding was made where it was found (colour, formula, error
#: cell), not by the per-cell parsers: the reading pass leaves it alone.
_ALREADY_REPORTED = "already-reported"


@dataclass
class ParsedRow:
    """One data row after parsing: values and raw values by canonical column name."""

    row: int
    values: dict[str, Any]
    raw: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)  # column -> reading rule that fired

    @property
    def ref(self) -> str:
        ref = self.values.get(ACTIONS.ref.name)
        return ref if isinstance(ref, str) else ""


@dataclass
class ParsedTable:
    """A sheet's parsed values by column, aligned with the table's row numbers."""

    table: Table
    values: dict[str, list[Any]]
    notes: dict[int, dict[str, str]] = field(default_factory=dict)  # row index -> notes

    def __len__(self) -> int:
        return len(self.table.row_numbers)

    def ref(self, index: int) -> str:
        refs = self.values.get(ACTIONS.ref.name)
        ref = refs[index] if refs is not None else None
        return ref if isinstance(ref, str) else ""

    @cached_property
    def rows(self) -> list[ParsedRow]:
        """The same values row by row, for building the plan."""
        names = list(self.values)
        raw_names = list(self.table.raw)
        return [
            ParsedRow(
                row=number,
                values=dict(zip(names, values, strict=True)),
                raw=dict(zip(raw_names, raw, strict=True)),
                notes=self.notes.get(index, {}),
            )
            for index, (number, values, raw) in enumerate(
                zip(
                    self.table.row_numbers,
                    zip(*self.values.values(), strict=False),
                    zip(*self.table.raw.values(), strict=False),
                    strict=False,
                )
            )
        ]


@dataclass
class Validated:
    """The outcome of validating one workbook: findings and each sheet's parsed values."""

    findings: list[Finding]
    sheets: dict[str, ParsedTable]

    def rows(self, sheet: str) -> list[ParsedRow]:
        parsed = self.sheets.get(sheet)
        return parsed.rows if parsed is not None else []


@dataclass
class CellExtras:
    """What only the file's XML can tell about cells (xlsx): fill colours and empty formulas.

    Both take a sheet name and use 0-based (row, column) positions; None where the
    workbook's format cannot say.
    """

    fills: Callable[[str, set[tuple[int, int]]], dict[tuple[int, int], str]] | None = None
    empty_formulas: Callable[[str], set[tuple[int, int]]] | None = None
    error_values: Callable[[str], dict[tuple[int, int], str]] | None = None


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

    def __init__(self, file: str, parsed: ParsedTable) -> None:
        self.file = file
        self.parsed = parsed
        self.table = parsed.table
        self.findings: list[Finding] = []

    def cell(
        self, rule: Rule, index: int | None, where_column: str, value: Any, **extra: Any
    ) -> None:
        """Record a finding for ``rule`` at ``where_column`` of row ``index`` (None: sheet)."""
        if not rule.enabled:
            return
        table = self.table
        row = table.row_numbers[index] if index is not None else None
        ref = self.parsed.ref(index) if index is not None else ""
        header = table.headers.get(where_column, where_column)
        fields = {
            "value": shown(value),
            "column": header,
            "ref": ref,
            **{key: shown(item) if key == "other" else item for key, item in extra.items()},
        }
        self.findings.append(
            Finding(
                file=self.file,
                sheet=table.sheet_at(index),
                cell=table.cell_at(where_column, index)
                if index is not None and table.has(where_column)
                else "",
                row=row,
                column=header if where_column else "",
                ref=ref,
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
    """Every finding for the workbook, and its parsed values by sheet name."""
    extras = extras or CellExtras()
    findings: list[Finding] = []
    sheets: dict[str, ParsedTable] = {}
    for name, table in workbook.tables.items():
        parsed = ParsedTable(table=table, values={})
        reporter = _Reporter(file_label, parsed)
        _parse_columns(parsed, rules)
        _status_from_colour(parsed, rules, reporter, extras)
        _empty_formulas(parsed, rules, reporter, extras)
        _error_values(parsed, rules, reporter, extras)
        _reading_findings(parsed, rules, reporter)
        _column_checks(parsed, reporter)
        if name == ACTIONS.sheet:
            _row_rules(parsed, rules, as_of, reporter)
            _table_rules(parsed, rules, workbook, reporter)
        sheets[name] = parsed
        # A plan kept as a sheet per section is reported sheet by sheet, in the sheets' order.
        sheet_order = {sheet: place for place, (sheet, *_) in enumerate(table.sheet_rows())}
        findings.extend(
            sorted(reporter.findings, key=lambda f: (sheet_order.get(f.sheet, 0), *_position(f)))
        )
    findings.extend(_ignored_sheets(workbook, rules, file_label))
    return Validated(findings=findings, sheets=sheets)


def _ignored_sheets(workbook: Workbook, rules: Rules, file_label: str) -> list[Finding]:
    """A warning for each optional sheet left out because its key columns are missing."""
    rule = rules.reading["sheet-left-out"]
    if not rule.enabled:
        return []
    return [
        Finding(
            file=file_label,
            sheet=sheet,
            cell="",
            row=None,
            column="",
            ref="",
            rule=rule.id,
            severity=rule.severity,
            message=render_message(rule.message, {"value": sheet, "column": missing}),
            value="",
        )
        for sheet, missing in workbook.ignored.items()
    ]


def _row_named(table: Table, index: int, from_index: int) -> str:
    """Row ``index``'s number, with its sheet when it is not the sheet of ``from_index``."""
    number = str(table.row_numbers[index])
    sheet = table.sheet_at(index)
    return number if sheet == table.sheet_at(from_index) else f"{number} of {sheet}"


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


def _parse_columns(parsed: ParsedTable, rules: Rules) -> None:
    """Parse every column by its type, noting which cells needed interpreting."""
    table = parsed.table
    for name in table.raw:
        column_type = table.spec.columns[name].type
        raw = table.raw[name]
        if column_type == "text":
            values, notes = _parse_text_column(raw)
        else:
            values, notes = _parse_repeating_column(raw, _parser(column_type, rules))
        parsed.values[name] = values
        for index, rule_id in notes:
            parsed.notes.setdefault(index, {})[name] = rule_id


def _parse_text_column(raw: list[Any]) -> tuple[list[Any], list[tuple[int, str]]]:
    """Text: stripped, blanks as None; the rare odd cell goes through ``parse_text``."""
    values = [(value.strip() or None) if type(value) is str else value for value in raw]
    notes: list[tuple[int, str]] = []
    strings = [value for value in values if type(value) is str]
    odd = len(strings) != len(values) - values.count(None)
    # One search over the whole column finds whether any cell needs a closer look: control
    # characters, or text starting with "#" that may be a spreadsheet error such as #REF!.
    joined = "\n".join(strings)
    suspicious = odd or XML_ILLEGAL.search(joined) is not None
    suspicious = suspicious or joined.startswith("#") or "\n#" in joined
    if suspicious:
        for index, value in enumerate(values):
            if value is None:
                continue
            result = parse_text(value)
            values[index] = result.value
            if result.rule:
                notes.append((index, result.rule))
    return values, notes


def _parse_repeating_column(
    raw: list[Any], parse: Callable[[Any], Parsed]
) -> tuple[list[Any], list[tuple[int, str]]]:
    """Dates, statuses, numbers: each distinct raw value is parsed once."""
    # Keyed by type as well as value: True == 1 == 1.0 (and False == 0), but they read
    # differently, so the keys are made distinct before any set can merge them.
    keys = list(zip(map(type, raw), raw))
    distinct = {key: parse(key[1]) for key in set(keys)}
    results = list(map(distinct.__getitem__, keys))
    notes = []
    if any(result.rule for result in distinct.values()):
        notes = [(index, result.rule) for index, result in enumerate(results) if result.rule]
    return list(map(_VALUE_OF, results)), notes


def _reading_findings(parsed: ParsedTable, rules: Rules, reporter: _Reporter) -> None:
    table = parsed.table
    for index in sorted(parsed.notes):
        for name, rule_id in parsed.notes[index].items():
            if rule_id == _ALREADY_REPORTED:
                continue
            value = parsed.values[name][index]
            raw = table.raw[name][index]
            reporter.cell(
                rules.reading[rule_id],
                index,
                name,
                raw,
                other=uk_date(value) if isinstance(value, dt.date) else shown(value),
                hint=reading_hint(rule_id, raw, rules),
            )


def reading_hint(rule_id: str, raw: Any, rules: Rules) -> str:
    """A reading finding's {hint}: '; did you mean "Amber"?' for a status that plausibly
    means one in the key, else "" (so the placeholder never shows)."""
    if rule_id != "unknown-status" or raw is None:
        return ""
    status = rules.key.suggest(raw_text(raw))
    return f'; did you mean "{status}"?' if status else ""


def _status_from_colour(
    parsed: ParsedTable, rules: Rules, reporter: _Reporter, extras: CellExtras
) -> None:
    """Best effort: a Status left empty but filled with a key colour is read as that status."""
    table = parsed.table
    if extras.fills is None:
        return
    numbers = table.row_numbers
    for sheet, start, stop, columns in table.sheet_rows():
        for name, col in columns.items():
            if table.spec.columns[name].type != "status":
                continue
            raw = table.raw[name]
            empty = [i for i in range(start, stop) if raw[i] is None]
            if not empty:
                continue
            fills = extras.fills(sheet, {(numbers[i] - 1, col) for i in empty})
            for index in empty:
                colour = fills.get((numbers[index] - 1, col))
                status = rules.key.from_colour(colour) if colour else None
                if status:
                    parsed.values[name][index] = status
                    parsed.notes.setdefault(index, {})[name] = _ALREADY_REPORTED
                    rule = rules.reading["status-from-colour"]
                    reporter.cell(rule, index, name, None, other=status)


def _empty_formulas(
    parsed: ParsedTable, rules: Rules, reporter: _Reporter, extras: CellExtras
) -> None:
    """Formulas whose result was never saved, which calamine reads as empty."""
    if extras.empty_formulas is not None:
        for sheet, start, stop, columns in parsed.table.sheet_rows():
            cells = dict.fromkeys(extras.empty_formulas(sheet))
            rule = rules.reading["formula-without-value"]
            _flag_cells(parsed, cells, rule, reporter, range(start, stop), columns)


def _error_values(
    parsed: ParsedTable, rules: Rules, reporter: _Reporter, extras: CellExtras
) -> None:
    """Cells holding #REF!, #DIV/0! and the like, which calamine also reads as empty."""
    if extras.error_values is not None:
        for sheet, start, stop, columns in parsed.table.sheet_rows():
            errors = extras.error_values(sheet)
            rule = rules.reading["error-value"]
            _flag_cells(parsed, errors, rule, reporter, range(start, stop), columns)


def _flag_cells(
    parsed: ParsedTable,
    cells: Mapping[tuple[int, int], str | None],
    rule: Rule,
    reporter: _Reporter,
    indexes: range,
    columns: Mapping[str, int],
) -> None:
    """Report ``rule`` at each (row, col) cell of one sheet that is in the data (rows
    ``indexes`` of the table, in ``columns``) and read as empty."""
    if not cells:
        return
    table = parsed.table
    numbers = table.row_numbers
    index_of_row = {numbers[index] - 1: index for index in indexes}
    name_of_col = {col: name for name, col in columns.items()}
    for (row, col), value in sorted(cells.items()):
        index = index_of_row.get(row)
        name = name_of_col.get(col)
        if index is not None and name is not None and table.raw[name][index] is None:
            # Noted so the empty-cell checks stay quiet: one finding per cell is enough.
            parsed.notes.setdefault(index, {})[name] = _ALREADY_REPORTED
            reporter.cell(rule, index, name, value)


def _column_checks(parsed: ParsedTable, reporter: _Reporter) -> None:
    table = parsed.table
    for name in table.raw:
        for check in table.spec.columns[name].checks:
            if not check.rule.enabled:
                continue
            verdicts = SchemaCheck({name: check.schema}).verdicts({name: parsed.values[name]})
            for index, passed in enumerate(verdicts):
                # A cell that could not be read already has its finding: one is enough.
                if not passed and name not in parsed.notes.get(index, {}):
                    reporter.cell(check.rule, index, name, table.raw[name][index])


def _row_rules(parsed: ParsedTable, rules: Rules, as_of: dt.date, reporter: _Reporter) -> None:
    table = parsed.table
    values = parsed.values
    due, revised_due = ACTIONS.due_date.name, ACTIONS.revised_due_date.name
    if due in values:
        revised = values.get(revised_due) or [None] * len(parsed)
        values[EFFECTIVE_DUE] = [
            effective_due(old, new)[0] for old, new in zip(values[due], revised, strict=True)
        ]
    _skipped_rules_warning(parsed, rules, reporter)
    for row_rule in rules.row_rules:
        if not row_rule.rule.enabled or not all(map(table.has, row_rule.columns)):
            continue
        applies = (
            SchemaCheck(row_rule.when).verdicts(values) if row_rule.when else [True] * len(parsed)
        )
        if row_rule.require is not None:
            met = SchemaCheck(row_rule.require).verdicts(values)
            firing = [i for i, (a, m) in enumerate(zip(applies, met, strict=True)) if a and not m]
        elif row_rule.compare is not None:
            firing = _compare_firing(row_rule, values, applies, as_of)
        else:
            firing = [i for i, a in enumerate(applies) if a]
        for index in firing:
            _report_row_rule(row_rule, index, values, as_of, reporter)


def skipped_rules(table: Table, rules: Rules) -> dict[str, list[str]]:
    """Each column the sheet lacks, and the enabled rules that cannot run without it."""
    skipped: dict[str, list[str]] = defaultdict(list)
    for row_rule in rules.row_rules:
        if row_rule.rule.enabled:
            for name in sorted(c for c in row_rule.columns if not table.has(c)):
                skipped[name].append(row_rule.rule.id)
    for table_rule in rules.table_rules:
        if table_rule.rule.enabled and not table.has(table_rule.column):
            skipped[table_rule.column].append(table_rule.rule.id)
    for name, spec in table.spec.columns.items():
        if not table.has(name):
            skipped[name].extend(c.rule.id for c in spec.checks if c.rule.enabled)
    return {name: rule_ids for name, rule_ids in sorted(skipped.items()) if rule_ids}


def _skipped_rules_warning(parsed: ParsedTable, rules: Rules, reporter: _Reporter) -> None:
    """One warning per missing optional column, naming the rules that could not run."""
    for name, rule_ids in skipped_rules(parsed.table, rules).items():
        reporter.cell(
            rules.reading["missing-optional-column"],
            None,
            "",
            None,
            column=name,
            other=", ".join(rule_ids),
        )


def _compare_firing(
    row_rule: RowRule, values: Mapping[str, list[Any]], applies: list[bool], as_of: dt.date
) -> list[int]:
    """Rows where the rule applies and its comparison holds (so the rule fires)."""
    compare = row_rule.compare
    assert compare is not None
    test = _OPS[compare.op]
    shift = dt.timedelta(days=compare.minus_days)
    left = values[compare.column]
    right = [as_of] * len(left) if compare.than == AS_OF else values[compare.than]
    firing = []
    for index, (applied, a, b) in enumerate(zip(applies, left, right, strict=True)):
        if not applied or a is None or b is None:
            continue
        try:
            if test(a, b - shift if compare.minus_days else b):
                firing.append(index)
        except TypeError:  # a rule comparing a date with text: nothing to say
            continue
    return firing


def _report_row_rule(
    row_rule: RowRule,
    index: int,
    values: Mapping[str, list[Any]],
    as_of: dt.date,
    reporter: _Reporter,
) -> None:
    column = row_rule.column
    if column == EFFECTIVE_DUE:  # located in the column the date came from
        revised = values.get(ACTIONS.revised_due_date.name)
        due = values[ACTIONS.due_date.name][index]
        column = effective_due(due, revised[index] if revised else None)[1]
    compare = row_rule.compare
    if compare is None or compare.than == AS_OF:
        other: Any = as_of
    else:
        other = values[compare.than][index]
    status = values.get(ACTIONS.status.name)
    reporter.cell(
        row_rule.rule,
        index,
        column,
        values[column][index],
        other=other,
        days=compare.minus_days if compare else "",
        status=(status[index] if status else "") or "",
    )


def _table_rules(
    parsed: ParsedTable, rules: Rules, workbook: Workbook, reporter: _Reporter
) -> None:
    table = parsed.table
    for table_rule in rules.table_rules:
        if not table_rule.rule.enabled or not table.has(table_rule.column):
            continue
        column = parsed.values[table_rule.column]
        if table_rule.unique:
            first_seen: dict[str, int] = {}
            for index, value in enumerate(column):
                if value is None:
                    continue
                key = ref_key(raw_text(value))
                if key in first_seen:
                    reporter.cell(
                        table_rule.rule,
                        index,
                        table_rule.column,
                        value,
                        other=_row_named(table, first_seen[key], index),
                    )
                else:
                    first_seen[key] = index
            continue
        other = workbook.tables.get(table_rule.lookup_sheet)
        if other is None or not other.has(table_rule.lookup_column):
            continue  # the optional sheet is absent: nothing to look up against
        listed = {fold(raw_text(v)) for v in other.raw[table_rule.lookup_column] if v is not None}
        known = {value: fold(str(value)) in listed for value in set(column) if value is not None}
        for index, value in enumerate(column):
            if value is not None and not known[value]:
                reporter.cell(table_rule.rule, index, table_rule.column, value)
