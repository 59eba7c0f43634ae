"""Plans for the chase and collect tests, and a lead's hands on a returned workbook.

``write_cycle_plan`` builds a plan with everything collect must carry over untouched: a
merged title block, an extra column of formulas, comments, column widths, frozen panes,
data validation and conditional formatting on the Actions sheet, a Notes sheet of formulas
and a defined name, besides the Sections, Report and Distribution sheets.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner, Result
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image as PILImage

from generator.cli import main

AS_OF = dt.date(2026, 11, 23)
SMTP_VARIABLES = ("HOST", "PORT", "USER", "PASSWORD", "SECURITY", "FROM", "CAFILE", "TIMEOUT")
NEXT_MEETING = dt.date(2027, 1, 18)
TITLE_ROWS = 2  # the header row is row 3
HEADERS = [
    "Ref", "Section", "Action", "Lead", "Due date", "Revised due date", "Completed date",
    "Status", "Progress update", "Evidence of impact", "Last updated", "Days to go",
]  # fmt: skip
SECTION = "Quality of Practice"
#: Ref -> (Lead, Due date, Status, Progress update, Completed date, Last updated)
ACTIONS: dict[str, tuple[Any, ...]] = {
    # Head of Service: overdue and Amber; due soon with no update; Blue (not sent); a
    # Due date that is not a real date (a finding on the row).
    "QP-01": ("Head of Service", dt.date(2026, 10, 31), "Amber", "Slipping: staff", None, 0),
    "QP-02": ("Head of Service", dt.date(2026, 12, 15), "Green", None, None, 0),
    "QP-03": ("Head of Service", dt.date(2026, 9, 30), "Blue", "Done", dt.date(2026, 9, 1), 0),
    "QP-09": ("Head of Service", "31/02/2027", "Green", "On track", None, 0),
    # One lead whose name needs care as a file name, and who has not updated for months.
    "QP-04": ("J. O'Brien / Head of Service", dt.date(2027, 6, 30), "Green", "Fine", None, 120),
    # Two leads whose names become the same file name; one Red with no update (an error).
    "QP-05": ("Siân Jones", dt.date(2027, 5, 1), "Red", None, None, 0),
    "QP-06": ("Sian Jones", dt.date(2027, 5, 1), "Green", "Begun", None, 0),
    # A Windows device name, with nobody's address for it.
    "QP-07": ("Con", dt.date(2027, 2, 1), "Green", "Planned", None, 0),
    # Nobody leads it.
    "QP-08": (None, dt.date(2027, 2, 1), "Green", "Planned", None, 0),
}
DISTRIBUTION = [
    ("Asha Patel", "asha.patel@council.example", "Head of Service"),
    ("Siân Jones", "sian.jones@council.example", "Head of Early Help"),
    ("Sian Jones", "s.jones@council.example", "Head of Commissioning"),
    ("J. O'Brien / Head of Service", "j.obrien@council.example", ""),
    ("Margaret Oduya", "margaret.oduya@council.example", "Independent Chair"),
]
#: The file stem chase gives each lead, and the address its draft goes to.
LEAD_FILES = {
    "Head of Service": ("Head-of-Service", "asha.patel@council.example"),
    "J. O'Brien / Head of Service": ("J-OBrien-Head-of-Service", "j.obrien@council.example"),
    "Siân Jones": ("Sian-Jones", "sian.jones@council.example"),
    "Sian Jones": ("Sian-Jones-2", "s.jones@council.example"),
    "Con": ("Con-lead", ""),
}


def write_cycle_plan(path: Path, actions: Mapping[str, tuple[Any, ...]] = ACTIONS) -> Path:
    """The plan workbook; returns ``path``."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Actions"
    sheet["A1"] = "Children's Services Improvement Plan"
    sheet["A1"].font = Font(bold=True, size=16)
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Status key: Blue, Green, Amber, Red"
    sheet.append(HEADERS)
    for ref, (lead, due, status, update, completed, stale_days) in actions.items():
        row = sheet.max_row + 1
        sheet.append(
            [
                ref,
                SECTION,
                f"Action {ref}",
                lead,
                due,
                None,
                completed,
                status,
                update,
                None,
                AS_OF - dt.timedelta(days=stale_days or 10),
                f'=IF(ISNUMBER(E{row}),E{row}-TODAY(),"")',
            ]
        )
    last = sheet.max_row
    for row in range(TITLE_ROWS + 2, last + 1):
        for column in ("E", "F", "G", "K"):
            sheet[f"{column}{row}"].number_format = "dd/mm/yyyy"
    sheet["C4"].comment = Comment("Agreed at the March board", "Programme Office")
    sheet.column_dimensions["C"].width = 48
    sheet.column_dimensions["I"].width = 60
    sheet.freeze_panes = "B4"
    statuses = DataValidation(type="list", formula1='"Blue,Green,Amber,Red"', allow_blank=True)
    sheet.add_data_validation(statuses)
    statuses.add(f"H4:H{last}")
    sheet.conditional_formatting.add(
        f"H4:H{last}",
        CellIsRule(operator="equal", formula=['"Red"'], fill=PatternFill("solid", "FF0000")),
    )
    sections = book.create_sheet("Sections")
    sections.append(["Section", "Lead"])
    sections.append([SECTION, "Director"])
    report = book.create_sheet("Report")
    report.append(["Field", "Value"])
    for field, value in (
        ("Organisation", "Eastbridge Borough Council"),
        ("Meeting", "Children's Improvement Board"),
        ("Meeting date", dt.date(2026, 11, 30)),
        ("Author", "Priya Chandran"),
        ("Next meeting date", NEXT_MEETING),
    ):
        report.append([field, value])
    distribution = book.create_sheet("Distribution")
    distribution.append(["Name", "Email", "Role"])
    for recipient in DISTRIBUTION:
        distribution.append(list(recipient))
    notes = book.create_sheet("Notes")
    notes["A1"] = "Budget"
    notes["B1"] = 1200
    notes["B2"] = 800
    notes["B3"] = "=SUM(B1:B2)"
    notes["A5"] = "Kept as typed"
    notes["A5"].fill = PatternFill("solid", "DDEBF7")
    book.defined_names["Budget"] = DefinedName("Budget", attr_text="Notes!$B$1:$B$2")
    # A chart and a picture: what openpyxl's own round trip would lose or rewrite.
    chart = BarChart()
    chart.title = "Budget"
    chart.add_data(Reference(notes, min_col=2, min_row=1, max_row=2))
    notes.add_chart(chart, "D2")
    picture = io.BytesIO()
    PILImage.new("RGB", (40, 20), (0, 112, 192)).save(picture, format="PNG")
    notes.add_image(Image(picture), "D20")
    book.save(path)
    return path


def header_columns(sheet: Any, header_row: int) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[header_row] if cell.value}


def find_header_row(sheet: Any) -> int:
    for row in range(1, 15):
        if sheet.cell(row=row, column=1).value == "Ref":
            return row
    raise AssertionError("no header row")


def edit_as_lead(path: Path, edits: Mapping[tuple[str, str], Any], **options: Any) -> None:
    """Change ``(Ref, header)`` cells as a lead would in Excel, and save.

    Options, each as a person might do: ``unprotect`` (remove the sheet protection),
    ``delete`` (Refs whose rows are deleted), ``reverse`` (re-sort the rows), ``extra``
    (a column of their own notes), ``add`` (rows typed below: header -> value mappings).
    """
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header_row = find_header_row(sheet)
    columns = header_columns(sheet, header_row)
    first = header_row + 1
    rows = {
        sheet.cell(row=r, column=1).value: r
        for r in range(first, sheet.max_row + 1)
        if sheet.cell(row=r, column=1).value
    }
    for (ref, header), value in edits.items():
        sheet.cell(row=rows[ref], column=columns[header]).value = value
    if options.get("unprotect"):
        sheet.protection.sheet = False
    if options.get("reverse"):
        values = [
            [sheet.cell(row=r, column=c).value for c in range(1, sheet.max_column + 1)]
            for r in sorted(rows.values())
        ]
        for offset, row_values in enumerate(reversed(values)):
            for column, value in enumerate(row_values, start=1):
                sheet.cell(row=first + offset, column=column).value = value
    for ref in options.get("delete", ()):
        at = header_row + 1
        while sheet.cell(row=at, column=1).value != ref:
            at += 1
        sheet.delete_rows(at)
    if options.get("extra"):
        column = sheet.max_column + 1
        sheet.cell(row=header_row, column=column).value = "My notes"
        sheet.cell(row=first, column=column).value = "Ask Sam about the audit"
    for added in options.get("add", ()):
        row = sheet.max_row + 1
        for header, value in added.items():
            sheet.cell(row=row, column=columns[header]).value = value
    book.save(path)


def invoke(args: list[str], expected_exit: int = 0, **smtp: str) -> Result:
    """The CLI as a person runs it, with no BOARDPACK_SMTP_* from the machine running the
    tests (only those given); a surprise shows what it printed, and exit 2 is one line."""
    environment: dict[str, str | None] = {f"BOARDPACK_SMTP_{n}": None for n in SMTP_VARIABLES}
    environment.update({f"BOARDPACK_SMTP_{name}": value for name, value in smtp.items()})
    result = CliRunner().invoke(main, args, env=environment)
    assert result.exit_code == expected_exit, (
        f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    )
    if expected_exit == 2:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
    return result
