"""The plan from checked values: actions, sections, measures, recipients and report fields.

Validation hands over each sheet's parsed values; this builds the plain ``Plan`` the report
and the mailer are made from. Nothing here reads a file or writes a document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from generator.check.validate import ParsedRow, Validated
from generator.common.matching import fold
from generator.model.plan import (
    Action,
    Measure,
    Plan,
    Recipient,
    Recommendation,
    ReportFields,
    Section,
)
from generator.read.cells import raw_text
from generator.schema.fields import (
    ACTIONS,
    DISTRIBUTION,
    MEASURES,
    RECOMMENDATIONS,
    SECTIONS,
    Column,
)
from generator.schema.rules import Rules

_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-z][.)]|[-•*–·])\s+", re.IGNORECASE)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else raw_text(value))


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def build_plan(
    validated: Validated,
    rules: Rules,
    measure_formats: Mapping[int, tuple[str, str, str]] | None = None,
) -> Plan:
    """The Plan from parsed rows; sections named as the Sections sheet spells them.

    ``measure_formats`` gives, by workbook row, the number formats of a Measures row's
    target, previous and current cells, so the report shows them as Excel does.
    """
    sections = [
        Section(**_fields(row, SECTIONS.columns()))
        for row in validated.rows(SECTIONS.sheet)
        if row.values.get(SECTIONS.name.name)
    ]
    spelling = {fold(section.name): section.name for section in sections}
    actions = _actions(validated, spelling)
    measures = [
        _measure(row, (measure_formats or {}).get(row.row, ("", "", "")))
        for row in validated.rows(MEASURES.sheet)
    ]
    recipients = [
        Recipient(**_fields(row, DISTRIBUTION.columns()))
        for row in validated.rows(DISTRIBUTION.sheet)
        # A name with no email is kept, so the sender can be told who was left out.
        if row.values.get(DISTRIBUTION.email.name) or row.values.get(DISTRIBUTION.name.name)
    ]
    return Plan(
        actions=actions,
        sections=_unique_sections(sections),
        key=rules.key,
        report=read_report_fields(validated),
        measures=[measure for measure in measures if measure.name],
        distribution=recipients,
        recommendations=[
            Recommendation(**_fields(row, RECOMMENDATIONS.columns()), row=row.row)
            for row in validated.rows(RECOMMENDATIONS.sheet)
            if row.values.get(RECOMMENDATIONS.text.name) or row.values.get(RECOMMENDATIONS.ref.name)
        ],
    )


def _fields(row: ParsedRow, columns: tuple[tuple[str, Column], ...]) -> dict[str, Any]:
    """The plan's fields from a parsed row, by the binding: dates, statuses, numbers, text."""
    values = row.values
    return {attr: convert(values.get(name)) for attr, name, convert in _converters(columns)}


def _status(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> Any:
    return value


_CONVERT = {"date": _date, "status": _status, "number": _number}


@cache
def _converters(
    columns: tuple[tuple[str, Column], ...],
) -> tuple[tuple[str, str, Callable[[Any], Any]], ...]:
    # Chosen once per sheet rather than once per cell: a report with a dozen earlier boards
    # builds tens of thousands of rows.
    return tuple((attr, column.name, _CONVERT.get(column.type, _text)) for attr, column in columns)


def _unique_sections(sections: Iterable[Section]) -> list[Section]:
    seen: set[str] = set()
    unique = []
    for section in sections:
        if fold(section.name) not in seen:
            seen.add(fold(section.name))
            unique.append(section)
    return unique


def _actions(validated: Validated, section_spelling: dict[str, str]) -> list[Action]:
    """The Actions sheet's rows as Actions, built a column at a time: a plan has thousands
    of rows (a report with a dozen earlier boards, tens of thousands), and making a dict of
    values per row cost more than everything else in building the plan."""
    parsed = validated.sheets.get(ACTIONS.sheet)
    if parsed is None or not parsed.values:
        return []
    numbers = parsed.table.row_numbers
    attrs: list[str] = []
    columns: list[list[Any]] = []
    for attr, name, convert in _converters(ACTIONS.columns()):
        values = parsed.values.get(name)
        attrs.append(attr)
        columns.append(
            [convert(value) for value in values]
            if values is not None
            else [convert(None)] * len(numbers)
        )
    sections = columns[attrs.index("section")]
    spelt = {text: section_spelling.get(fold(text), text) for text in set(sections)}
    revised = columns[attrs.index("revised_due_date")]
    typed_due = parsed.undated.get(ACTIONS.due_date.name, {})
    typed_revised = parsed.undated.get(ACTIONS.revised_due_date.name, {})
    actions = []
    for index, (number, *values) in enumerate(zip(numbers, *columns, strict=False)):
        fields = dict(zip(attrs, values, strict=True))
        fields["section"] = spelt[fields["section"]]
        actions.append(
            Action(
                **fields,
                row=number,
                no_date_reason=_typed_target(index, revised[index], typed_due, typed_revised),
            )
        )
    return actions


def _typed_target(
    index: int,
    revised: dt.date | None,
    typed_due: Mapping[int, str],
    typed_revised: Mapping[int, str],
) -> str:
    """The text typed where the target date would be, when it gives no day ("End of May",
    "Monthly", or a date that cannot be read): the report shows it in place of a date."""
    if index in typed_revised:
        return typed_revised[index]
    if index in typed_due and revised is None:
        return typed_due[index]
    return ""


def _measure(row: ParsedRow, formats: tuple[str, str, str]) -> Measure:
    fields = _fields(row, MEASURES.columns())
    better = str(fields["better"]).strip().lower()
    return Measure(
        **{**fields, "better": "lower" if better.startswith("lower") else "higher"},
        formats=formats,
    )


def split_recommendations(text: str) -> list[str]:
    """One recommendation per line, with any typed numbering ("1)", "a.", "•") removed."""
    items = []
    for line in text.splitlines():
        item = _NUMBERING.sub("", line).strip()
        if item:
            items.append(item)
    return items


def read_report_fields(validated: Validated) -> ReportFields:
    """The Report sheet's fields, from the values validation read (and checked) for each."""
    values = dict(validated.report)
    for attr, value in values.items():
        if isinstance(value, list):  # one item per row, or per line of a row
            values[attr] = tuple(item for text in value for item in split_recommendations(text))
    return ReportFields(**values)
