"""`boardpack init`: a new, empty plan workbook laid out the way the rules expect.

The sheets and headers come from the rules, so a team that renames a column in its rules.yaml
gets a workbook with that column. Excel itself then helps people fill it in: a Status dropdown
of the key's names, status colours by conditional formatting, date checks with a hint to type
dates the UK way, a frozen header row and a Guide sheet explaining the columns and the key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator.common.a1 import column_letter
from generator.common.atomic import write_zip_atomically
from generator.errors import OutputError
from generator.schema.fields import (
    ACTIONS,
    LEAD_EMAIL,
    MEASURES,
    REPORT,
    SECTIONS,
    report_field_kinds,
)
from generator.schema.rules import Rules
from generator.schema.status import StatusKey

# (column name, type) per sheet, in order; type is text, date, status or number.
SheetColumns = Mapping[str, Sequence[tuple[str, str]]]

# How far down the dropdowns, date checks and colours reach: far beyond any real plan, yet
# a fixed range, so that the file carries no formatting for a million empty rows.
LAST_ROW = 2000
UK_DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
# Columns people write sentences in: wide and wrapped.
LONG_TEXT = {
    ACTIONS.recommendation.name,
    ACTIONS.action.name,
    ACTIONS.partners.name,
    ACTIONS.progress_update.name,
    ACTIONS.evidence_of_impact.name,
    SECTIONS.commentary.name,
    MEASURES.name.name,
    MEASURES.commentary.name,
    REPORT.value.name,
}
WIDTHS = {"text": 22, "date": 14, "status": 12, "number": 11}
LONG_WIDTH = 45
DATE_HINT = "Type dates like 23/04/2026."
GUIDE_TEXT = {
    ACTIONS.ref.name: "A short, unique reference for the action, such as QP-01.",
    ACTIONS.section.name: "The section of the plan; list every section on the Sections sheet.",
    ACTIONS.recommendation.name: "The recommendation it answers: its Ref on the "
    "Recommendations sheet (several Refs separated by semicolons), or its text.",
    ACTIONS.action.name: "What will be done.",
    ACTIONS.lead.name: "The officer responsible, by job title.",
    ACTIONS.partners.name: "Other services or agencies involved.",
    ACTIONS.start_date.name: "When work starts.",
    ACTIONS.due_date.name: "When the action is due to be complete.",
    ACTIONS.revised_due_date.name: "A new date agreed by the board; the report uses it in place of "
    "the Due date.",
    ACTIONS.completed_date.name: "When the action was completed; needed for Blue.",
    ACTIONS.status.name: "The BRAG status: choose from the list (see the key below).",
    ACTIONS.progress_update.name: "What has happened since the last update; needed for "
    "Amber and Red.",
    ACTIONS.evidence_of_impact.name: "How you know the action is making a difference.",
    ACTIONS.last_updated.name: "When the row was last brought up to date.",
    LEAD_EMAIL.name: "The lead's email address, if the Distribution sheet does not list them "
    "(boardpack chase emails each lead for their update).",
}


def report_field_names(rules: Rules) -> list[tuple[str, str]]:
    """The Report sheet's Field names (the first rules.yaml gives each) and their kinds."""
    return [
        (rules.report_fields[attr][0], kind)
        for attr, kind in report_field_kinds().items()
        if rules.report_fields.get(attr)
    ]


def sheet_columns(rules: Rules) -> dict[str, list[tuple[str, str]]]:
    """Each sheet's (column name, type) pairs, in the order rules.yaml lists them."""
    return {
        name: [(column.name, column.type) for column in sheet.columns.values()]
        for name, sheet in rules.sheets.items()
    }


def build_blank_workbook(rules: Rules) -> Workbook:
    """A new plan workbook: one sheet per sheet in the rules, then a Guide sheet."""
    return build_workbook_from_columns(sheet_columns(rules), rules.key, report_field_names(rules))


def build_workbook_from_columns(
    sheet_columns: SheetColumns,
    key: StatusKey,
    report_fields: Sequence[tuple[str, str]] = (),
) -> Workbook:
    """A new plan workbook: one sheet per entry of ``sheet_columns``, then a Guide sheet."""
    workbook = Workbook()
    first = workbook.active
    if first is not None:
        workbook.remove(first)
    for sheet_name, columns in sheet_columns.items():
        sheet = workbook.create_sheet(sheet_name)
        _write_headers(sheet, columns)
        for number, (name, kind) in enumerate(columns, start=1):
            _prepare_column(sheet, number, name, kind, key)
        if sheet_name == REPORT.sheet:
            _prefill_report(sheet, report_fields)
    _write_guide(workbook.create_sheet("Guide"), sheet_columns, key)
    workbook.active = 0
    return workbook


def write_blank_workbook(path: Path, rules: Rules) -> None:
    """Write a new plan workbook to ``path``; an existing file is never overwritten."""
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"{path}: a new plan must be an .xlsx file; give a name ending .xlsx")
    if os.path.lexists(path):  # a dangling link too: writing there would follow it
        raise OutputError(
            f"{path}: already exists; boardpack init never overwrites a file, so choose a new name"
        )
    workbook = build_blank_workbook(rules)
    # Exclusive: a file (or a dangling link) that appears meanwhile is never replaced.
    write_zip_atomically(path, workbook.save, exclusive=True)


def _write_headers(sheet: Worksheet, columns: Sequence[tuple[str, str]]) -> None:
    for number, (name, _) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=number, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30


def _prepare_column(sheet: Worksheet, number: int, name: str, kind: str, key: StatusKey) -> None:
    """Width, wrapping and Excel's own checks for one column, down to ``LAST_ROW``."""
    letter = column_letter(number)
    cells = f"{letter}2:{letter}{LAST_ROW}"
    dimension = sheet.column_dimensions[letter]
    long_text = name in LONG_TEXT
    dimension.width = LONG_WIDTH if long_text else WIDTHS.get(kind, WIDTHS["text"])
    dimension.alignment = WRAP if long_text else TOP
    if kind == "date":
        dimension.number_format = UK_DATE_FORMAT
        _add_validation(sheet, date_validation(name), cells)
    elif kind == "status":
        _add_validation(sheet, list_validation(name, key.names), cells)
        colour_statuses(sheet, cells, key)
    elif name == MEASURES.better.name:
        _add_validation(sheet, list_validation(name, ["higher", "lower"]), cells)


def _add_validation(sheet: Worksheet, validation: DataValidation, cells: str) -> None:
    sheet.add_data_validation(validation)
    validation.add(cells)


def list_validation(name: str, choices: Sequence[str]) -> DataValidation:
    """A dropdown of ``choices`` that warns (never blocks) when something else is typed."""
    listed = ", ".join(choices)
    return DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=name,
        error=f"Choose one of: {listed}.",
        showInputMessage=True,
        promptTitle=name,
        prompt=f"Choose one of: {listed}.",
    )


def date_validation(name: str) -> DataValidation:
    """A check that the cell holds a date, with a hint to type it the UK way."""
    # Any real date from 2000 to 2099 (Excel serials 36526 and 73050).
    return DataValidation(
        type="date",
        operator="between",
        formula1="36526",
        formula2="73050",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=name,
        error=f"That is not a date Excel recognises. {DATE_HINT}",
        showInputMessage=True,
        promptTitle=name,
        prompt=DATE_HINT,
    )


def colour_statuses(sheet: Worksheet, cells: str, key: StatusKey) -> None:
    """Each status's colour on ``cells`` by conditional formatting, so it follows the value."""
    for status in key.statuses:
        sheet.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="equal",
                formula=[f'"{status.name}"'],
                fill=PatternFill("solid", fgColor=status.colour, bgColor=status.colour),
                font=Font(color=status.text_colour),
            ),
        )


def _prefill_report(sheet: Worksheet, fields: Sequence[tuple[str, str]]) -> None:
    for row, (field, kind) in enumerate(fields, start=2):
        sheet.cell(row=row, column=1, value=field).font = Font(bold=True)
        if kind == "date":
            value = sheet.cell(row=row, column=2)
            value.number_format = UK_DATE_FORMAT
            _add_validation(sheet, date_validation(field), value.coordinate)
    sheet.column_dimensions["A"].width = WIDTHS["text"]


def _write_guide(sheet: Worksheet, sheet_columns: SheetColumns, key: StatusKey) -> None:
    """Plain instructions and the BRAG key, for whoever fills the plan in."""
    lines: list[tuple[str, str]] = [
        ("How to fill in this plan", ""),
        ("", ""),
        ("Actions sheet", "One row per action. Keep the header row as it is."),
    ]
    for name, _ in sheet_columns.get(ACTIONS.sheet, ()):
        lines.append((name, GUIDE_TEXT.get(name, "")))
    lines += [
        ("", ""),
        ("BRAG status key", ""),
    ]
    key_start = len(lines) + 1
    lines += [(status.name, status.meaning) for status in key.statuses]
    lines += [
        ("", ""),
        ("Dates", f"{DATE_HINT} A date typed as text is read day first, as in the UK."),
        ("Sections sheet", "Every Section used on the Actions sheet; its order is the report's."),
        (
            "Recommendations sheet",
            "What the inspectors or peer reviewers asked for: a Ref, the recommendation, its "
            "source and its lead. boardpack checks that every one has an action.",
        ),
        ("Report sheet", "The details for the report's front sheet: fill in the Value column."),
        ("Measures sheet", "Performance indicators; Better says whether higher or lower is good."),
        ("Distribution sheet", "Who receives the report by email."),
        ("Checking", "Run: boardpack validate plan.xlsx"),
    ]
    for row, (label, text) in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=label or None).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=text or None).alignment = WRAP
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for offset, status in enumerate(key.statuses):
        cell = sheet.cell(row=key_start + offset, column=1)
        cell.fill = PatternFill("solid", fgColor=status.colour)
        cell.font = Font(bold=True, color=status.text_colour)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 80
