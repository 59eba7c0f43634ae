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
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.check.coverage import columns_needed, coverage_problems
from generator.check.reporter import Reporter, shown
from generator.check.schema_classes import SchemaCheck
from generator.common.matching import did_you_mean, fold, ref_keys
from generator.common.ukdates import uk_date
from generator.common.xmltext import has_xml_illegal
from generator.errors import BoardpackError, MissingColumns, MissingSheet
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
from generator.schema.derived import EFFECTIVE_DUE, effective_due, effective_due_column
from generator.schema.fields import ACTIONS, RECOMMENDATIONS, REPORT, report_field_kinds
from generator.schema.rules import AS_OF, RowRule, Rule, Rules

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
#: The types whose values can be equal across types (True == 1 == 1.0).
_EQUAL_ACROSS_TYPES = frozenset((bool, int, float))
#: Reading rules after which a date cell holds text but names no day.
_NO_DAY = frozenset(("no-date", "not-a-date", "impossible-date"))


@dataclass
class ParsedRow:
    """One data row after parsing: values and raw values by canonical column name."""

    row: int
    values: dict[str, Any]
    raw: dict[str, Any]
    undated: dict[str, str] = field(default_factory=dict)  # see ParsedTable.undated

    @property
    def ref(self) -> str:
        ref = self.values.get(ACTIONS.ref.name)
        return ref if isinstance(ref, str) else ""


@dataclass
class ParsedTable:
    """A sheet's parsed values by column, aligned with the table's row numbers."""

    table: Table
    values: dict[str, list[Any]]
    # Row index -> column -> the reading rule its cell raised while being parsed.
    readings: dict[int, dict[str, str]] = field(default_factory=dict)
    # Cells (row index, column) whose finding was made where it was found (a colour, a
    # formula with no value, an error cell): one finding per cell is enough.
    reported: set[tuple[int, str]] = field(default_factory=set)
    # Date column -> row index -> what was typed there that names no day ("Ongoing", "End
    # of May", "31/02/2027"): the report shows it in place of a date.
    undated: dict[str, dict[int, str]] = field(default_factory=dict)

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
                undated={
                    name: typed[index] for name, typed in self.undated.items() if index in typed
                },
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
    """The outcome of validating one workbook: findings and each sheet's parsed values.

    ``report`` holds the Report sheet's values by ReportFields field (a date field's value
    read as a date, a list field's as the text of each row); ``sheet_order`` names the
    sheets the findings can be about, in the workbook's order.
    """

    findings: list[Finding]
    sheets: dict[str, ParsedTable]
    report: dict[str, Any] = field(default_factory=dict)
    sheet_order: list[str] = field(default_factory=list)

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
    reporter = Reporter(file_label)
    validated = Validated(findings=reporter.findings, sheets={})
    # The coverage rules read Actions columns only when there is something to cover.
    covering = columns_needed(rules) if RECOMMENDATIONS.sheet in workbook.tables else {}
    for name, table in workbook.tables.items():
        parsed = ParsedTable(table=table, values={})
        _parse_columns(parsed, rules)
        _status_from_colour(parsed, rules, reporter, extras)
        _empty_formulas(parsed, rules, reporter, extras)
        _error_values(parsed, rules, reporter, extras)
        _reading_findings(parsed, rules, reporter)
        _column_checks(parsed, reporter)
        _row_rules(parsed, rules, as_of, reporter, covering if name == ACTIONS.sheet else {})
        _table_rules(parsed, rules, workbook, reporter)
        if name == REPORT.sheet:  # Field/Value pairs: each Value read as its Field says
            validated.report = _report_values(parsed, rules, reporter)
        validated.sheets[name] = parsed
        validated.sheet_order.extend(sheet for sheet, *_ in table.sheet_rows())
    # Coverage looks across sheets, so it comes once every sheet is parsed.
    for problem in coverage_problems(validated.sheets, rules.key):
        reporter.cell(
            validated.sheets[problem.sheet],
            rules.coverage[problem.rule],
            problem.index,
            problem.column,
            problem.value,
            actions=problem.actions,
        )
    for sheet, missing in workbook.ignored.items():
        reporter.sheet(rules.reading["sheet-left-out"], sheet, value=sheet, column=missing)
        validated.sheet_order.append(sheet)
    return validated


def _row_named(table: Table, index: int, from_index: int) -> str:
    """Row ``index``'s number, with its sheet when it is not the sheet of ``from_index``."""
    number = str(table.row_numbers[index])
    sheet = table.sheet_at(index)
    return number if sheet == table.sheet_at(from_index) else f"{number} of {sheet}"


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
            parsed.readings.setdefault(index, {})[name] = rule_id
            if column_type == "date" and rule_id in _NO_DAY:
                parsed.undated.setdefault(name, {})[index] = raw_text(raw[index]).strip()


def _parse_text_column(raw: list[Any]) -> tuple[list[Any], list[tuple[int, str]]]:
    """Text: stripped, blanks as None; the rare odd cell goes through ``parse_text``."""
    values = [(value.strip() or None) if type(value) is str else value for value in raw]
    notes: list[tuple[int, str]] = []
    strings = [value for value in values if type(value) is str]
    odd = len(strings) != len(values) - values.count(None)
    # One search over the whole column finds whether any cell needs a closer look: control
    # characters, or text starting with "#" that may be a spreadsheet error such as #REF!.
    joined = "\n".join(strings)
    suspicious = odd or has_xml_illegal(joined)
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
    keys: list[Any] = raw
    if len(set(map(type, raw)) & _EQUAL_ACROSS_TYPES) > 1:
        # Keyed by type as well as value: True == 1 == 1.0 (and False == 0), but they read
        # differently, so the keys are made distinct before any set can merge them.
        keys = list(zip(map(type, raw), raw))
        distinct = {key: parse(key[1]) for key in set(keys)}
    else:
        distinct = {value: parse(value) for value in set(raw)}
    notes = []
    if any(result.rule for result in distinct.values()):
        results = list(map(distinct.__getitem__, keys))
        notes = [(index, result.rule) for index, result in enumerate(results) if result.rule]
    value_of = {key: result.value for key, result in distinct.items()}
    return list(map(value_of.__getitem__, keys)), notes


def _reading_findings(parsed: ParsedTable, rules: Rules, reporter: Reporter) -> None:
    table = parsed.table
    for index in sorted(parsed.readings):
        for name, rule_id in parsed.readings[index].items():
            value = parsed.values[name][index]
            raw = table.raw[name][index]
            reporter.cell(
                parsed,
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
    parsed: ParsedTable, rules: Rules, reporter: Reporter, extras: CellExtras
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
                    parsed.reported.add((index, name))
                    rule = rules.reading["status-from-colour"]
                    reporter.cell(parsed, rule, index, name, None, other=status)


def _empty_formulas(
    parsed: ParsedTable, rules: Rules, reporter: Reporter, extras: CellExtras
) -> None:
    """Formulas whose result was never saved, which calamine reads as empty."""
    if extras.empty_formulas is not None:
        for sheet, start, stop, columns in parsed.table.sheet_rows():
            cells = dict.fromkeys(extras.empty_formulas(sheet))
            rule = rules.reading["formula-without-value"]
            _flag_cells(parsed, cells, rule, reporter, range(start, stop), columns)


def _error_values(
    parsed: ParsedTable, rules: Rules, reporter: Reporter, extras: CellExtras
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
    reporter: Reporter,
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
            parsed.reported.add((index, name))
            reporter.cell(parsed, rule, index, name, value)


def _column_checks(parsed: ParsedTable, reporter: Reporter) -> None:
    table = parsed.table
    for name in table.raw:
        for check in table.spec.columns[name].checks:
            if not check.rule.enabled:
                continue
            verdicts = SchemaCheck({name: check.schema}).verdicts({name: parsed.values[name]})
            for index in [index for index, passed in enumerate(verdicts) if not passed]:
                # A cell that could not be read already has its finding: one is enough.
                if (index, name) in parsed.reported:
                    continue
                if name not in parsed.readings.get(index, {}):
                    reporter.cell(parsed, check.rule, index, name, table.raw[name][index])


def _row_rules(
    parsed: ParsedTable,
    rules: Rules,
    as_of: dt.date,
    reporter: Reporter,
    also_needed: Mapping[str, list[str]],
) -> None:
    """The row rules for this sheet (rules.yaml says which sheet each is for); the
    ``also_needed`` columns (other rules that read this sheet) are warned about if absent."""
    table = parsed.table
    row_rules = [row_rule for row_rule in rules.row_rules if row_rule.sheet == table.spec.name]
    table_rules = [rule for rule in rules.table_rules if rule.sheet == table.spec.name]
    if not row_rules and not table_rules:
        return
    values = parsed.values
    due, revised_due = ACTIONS.due_date.name, ACTIONS.revised_due_date.name
    if table.spec.name == ACTIONS.sheet and due in values:
        revised = values.get(revised_due) or [None] * len(parsed)
        typed = parsed.undated.get(revised_due, {})  # a Revised due date naming no day
        values[EFFECTIVE_DUE] = effective_due_column(values[due], revised, typed)
    _skipped_rules_warning(parsed, rules, reporter, also_needed)
    for row_rule in row_rules:
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
            _report_row_rule(row_rule, index, parsed, as_of, reporter)


def skipped_rules(
    table: Table, rules: Rules, also_needed: Mapping[str, list[str]] | None = None
) -> dict[str, list[str]]:
    """Each column the sheet lacks, and the enabled rules that cannot run without it
    (``also_needed``: other rules that read the sheet's columns, by column)."""
    skipped: dict[str, list[str]] = defaultdict(list)
    for name, rule_ids in (also_needed or {}).items():
        if not table.has(name):
            skipped[name].extend(rule_ids)
    for row_rule in rules.row_rules:
        if row_rule.rule.enabled and row_rule.sheet == table.spec.name:
            for name in sorted(c for c in row_rule.columns if not table.has(c)):
                skipped[name].append(row_rule.rule.id)
    for table_rule in rules.table_rules:
        mine = table_rule.rule.enabled and table_rule.sheet == table.spec.name
        if mine and not table.has(table_rule.column):
            skipped[table_rule.column].append(table_rule.rule.id)
    for name, spec in table.spec.columns.items():
        if not table.has(name):
            skipped[name].extend(c.rule.id for c in spec.checks if c.rule.enabled)
    return {name: rule_ids for name, rule_ids in sorted(skipped.items()) if rule_ids}


def _skipped_rules_warning(
    parsed: ParsedTable, rules: Rules, reporter: Reporter, also_needed: Mapping[str, list[str]]
) -> None:
    """One warning per missing optional column, naming the rules that could not run."""
    for name, rule_ids in skipped_rules(parsed.table, rules, also_needed).items():
        reporter.cell(
            parsed,
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
    if compare.than == AS_OF:
        right, shift = [as_of - shift] * len(left), dt.timedelta(0)
    else:
        right = values[compare.than]
    try:  # one pass while every pair compares, as dates with dates do
        return [
            index
            for index, (applied, a, b) in enumerate(zip(applies, left, right, strict=True))
            if applied and a is not None and b is not None and test(a, b - shift if shift else b)
        ]
    except TypeError:  # a date and text somewhere: row by row, leaving such rows out
        pass
    firing = []
    for index, (applied, a, b) in enumerate(zip(applies, left, right, strict=True)):
        if not applied or a is None or b is None:
            continue
        try:
            if test(a, b - shift if shift else b):
                firing.append(index)
        except TypeError:  # a rule comparing a date with text: nothing to say
            continue
    return firing


def _report_row_rule(
    row_rule: RowRule,
    index: int,
    parsed: ParsedTable,
    as_of: dt.date,
    reporter: Reporter,
) -> None:
    values = parsed.values
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
        parsed,
        row_rule.rule,
        index,
        column,
        values[column][index],
        other=other,
        days=compare.minus_days if compare else "",
        status=(status[index] if status else "") or "",
    )


def _table_rules(parsed: ParsedTable, rules: Rules, workbook: Workbook, reporter: Reporter) -> None:
    table = parsed.table
    for table_rule in rules.table_rules:
        if table_rule.sheet != table.spec.name:
            continue
        if not table_rule.rule.enabled or not table.has(table_rule.column):
            continue
        column = parsed.values[table_rule.column]
        if table_rule.unique:
            first_seen: dict[str, int] = {}
            present = [index for index, value in enumerate(column) if value is not None]
            texts = [column[index] for index in present]
            keys = ref_keys([t if type(t) is str else raw_text(t) for t in texts])
            for index, value, key in zip(present, texts, keys, strict=True):
                if key in first_seen:
                    reporter.cell(
                        parsed,
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
                reporter.cell(parsed, table_rule.rule, index, table_rule.column, value)


def not_checked(error: BoardpackError, rules: Rules, file_label: str, path: Path) -> list[Finding]:
    """The finding for a workbook that could not be checked at all (``NOT_CHECKED_RULES``):
    unreadable, or without its required sheet or columns. No cell: it is about the file."""
    if isinstance(error, MissingSheet):
        rule, sheet = rules.reading["missing-sheet"], ""
    elif isinstance(error, MissingColumns):
        table = error.table
        rule, sheet = rules.reading["missing-columns"], table.sheet if table is not None else ""
    else:
        rule, sheet = rules.reading["unreadable-workbook"], ""
    # The message names the file already; the finding's location does that.
    reason = str(error).removeprefix(f"{path}: ")
    reporter = Reporter(file_label)
    reporter.sheet(rule, sheet, reason=reason)
    return reporter.findings


def _report_values(parsed: ParsedTable, rules: Rules, reporter: Reporter) -> dict[str, Any]:
    """The Report sheet's values by ReportFields field; a Field boardpack does not know, and
    a date field's Value that is not a date, are findings."""
    kinds = report_field_kinds()
    field_by_name = {
        fold(name): attr for attr, names in rules.report_fields.items() for name in names
    }
    known = [name for names in rules.report_fields.values() for name in names]
    field_column, value_column = REPORT.field.name, REPORT.value.name
    fields, texts = parsed.values[field_column], parsed.values[value_column]
    raws = parsed.table.raw[value_column]
    values: dict[str, Any] = {}
    for index, (field_value, text, raw) in enumerate(zip(fields, texts, raws, strict=True)):
        typed = raw_text(field_value).strip() if field_value is not None else ""
        attr = field_by_name.get(fold(typed))
        if attr is None:
            # Never dropped in silence: the person is told which field was not used.
            if typed:
                close = did_you_mean(typed, known)
                hint = f' (did you mean "{close}"?)' if close else ""
                rule = rules.reading["unknown-report-field"]
                reporter.cell(parsed, rule, index, field_column, typed, hint=hint)
            continue
        if kinds[attr] == "date":
            day = parse_date(raw, rules.no_date_words)
            if day.rule in ("impossible-date", "not-a-date", "error-value"):
                rule = rules.reading[day.rule]
                reporter.cell(parsed, rule, index, value_column, raw, label=typed)
            values.setdefault(attr, day.value)
        elif kinds[attr] == "list":
            values.setdefault(attr, []).append(raw_text(text))
        else:
            values.setdefault(attr, raw_text(text))
    return values
