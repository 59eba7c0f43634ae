"""Write the Eastbridge plan again in three layouts councils use, as they would write it.

    python workbooks/make_layouts.py

writes, beside this script (or into a folder given as the argument):

- layout-heading-rows.xlsx: one sheet, "Improvement Plan 2026", with a title block; the
  section of each action is a heading row merged across the table (bold and shaded); the
  headers are questions ("What will we do?", "Who?", "By when?"); the progress column carries
  its month ("Progress update November 2026") beside last month's; target dates are written
  as plans write them ("End of March 2027", "Autumn 2026", "Q3 26/27", "2026/27").
- layout-sheet-per-section.xlsx: a cover sheet, then a sheet per section ("1. Practice"),
  each titled above its header row ("Priority 1: Quality of Practice"); no Section column.
- layout-theme-column.xlsx: a cover sheet, then "Action Plan v3": a Theme column merged down
  each theme's actions, each recommendation merged down its actions, and the RAG column
  shown by fill colour alone, as many trackers do.

The actions, leads, dates and statuses are example-plan.xlsx's (from plan_data.py), so each
layout gives the same counts by section; every date typed as text names the same day as the
example's real date. Every run gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import plan_data as data
from make_examples import HERE, save_deterministically, status_colours
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

UK_DATE = "dd/mm/yyyy"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
HEADING_FILL = PatternFill("solid", fgColor="E7E6E6")
WRAP = Alignment(wrap_text=True, vertical="top")
PRIORITIES = {  # the section's own short name, for a sheet name Excel allows (31 characters)
    data.QP: "Practice",
    data.WF: "Workforce",
    data.LM: "Leadership",
    data.QA: "Quality assurance",
    data.PW: "Partnerships",
}


def by_section() -> list[tuple[str, list[data.PlanRow]]]:
    """The plan's rows grouped by section, in the Sections sheet's order."""
    order = [name for name, *_ in data.SECTIONS]
    return [(name, [row for row in data.ROWS if row.section == name]) for name in order]


def as_written(day: dt.date | None, ref: str) -> Any:
    """A due date the way plans often type it, naming the same day; else the real date.

    Month ends become "End of March 2027" or "March 2027"; 30 November "Autumn 2026";
    31 December "Q3 26/27"; 31 March "2026/27" (a financial year). Refs decide which, so
    every wording appears beside real dates.
    """
    if day is None:
        return None
    last_day = (day + dt.timedelta(days=1)).month != day.month
    if not last_day:
        return day
    spread = sum(map(ord, ref)) % 3
    if (day.month, day.day) == (11, 30):
        return f"Autumn {day.year}"
    if (day.month, day.day) == (12, 31) and spread == 0:
        return f"Q3 {day.year % 100}/{day.year % 100 + 1}"
    if (day.month, day.day) == (3, 31) and spread == 0:
        return f"{day.year - 1}/{day.year % 100:02d}"
    if spread == 2:
        return day  # most cells are real dates, as in most plans
    month = day.strftime("%B")
    return f"End of {month} {day.year}" if ref[-1] in "13579" else f"{month} {day.year}"


def put(sheet: Worksheet, row: int, values: Sequence[Any], widths: Sequence[int]) -> None:
    for column, (value, width) in enumerate(zip(values, widths, strict=True), start=1):
        if value is None or value == "":
            continue
        cell = sheet.cell(row=row, column=column, value=value)
        cell.alignment = WRAP
        if isinstance(value, dt.date):
            cell.number_format = UK_DATE
        sheet.column_dimensions[get_column_letter(column)].width = width


def header(sheet: Worksheet, row: int, names: Sequence[str], widths: Sequence[int]) -> None:
    put(sheet, row, names, widths)
    for column in range(1, len(names) + 1):
        sheet.cell(row=row, column=column).font = BOLD
        sheet.cell(row=row, column=column).fill = HEADER_FILL
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def colour_status(sheet: Worksheet, row: int, column: int, status: str, *, text: bool) -> None:
    fill, font = status_colours()[status]
    cell = sheet.cell(row=row, column=column)
    cell.fill = PatternFill("solid", fgColor=fill)
    if text:
        cell.value = status
        cell.font = Font(color=font, bold=True)


def cover(book: Workbook, subtitle: str) -> None:
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cover"
    sheet["A1"] = data.ORGANISATION
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "Children's Services Improvement Plan"
    sheet["A3"] = subtitle
    sheet.column_dimensions["A"].width = 70


def report_sheet(book: Workbook) -> None:
    """The front-sheet details, as example-plan.xlsx has them."""
    sheet = book.create_sheet("Report")
    header(sheet, 1, ["Field", "Value"], [22, 90])
    for row, item in enumerate(data.REPORT.items(), start=2):
        put(sheet, row, item, [22, 90])


def heading_rows(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Improvement Plan 2026"
    names = ["Ref", "What will we do?", "Who?", "By when?", "Revised date", "Date completed",
             "RAG rating", "Update October 2026", "Progress update November 2026",
             "Date updated"]  # fmt: skip
    widths = [8, 50, 26, 18, 12, 12, 10, 40, 55, 12]
    sheet["A1"] = f"{data.ORGANISATION}: Improvement Plan 2026"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "Following the Ofsted inspection of children's services, March 2026"
    for line in (1, 2):
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(names))
    header(sheet, 4, names, widths)
    row = 5
    for section, actions in by_section():
        sheet.cell(row=row, column=1, value=section).font = Font(bold=True, size=12)
        for column in range(1, len(names) + 1):
            sheet.cell(row=row, column=column).fill = HEADING_FILL
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(names))
        row += 1
        for action in actions:
            put(
                sheet,
                row,
                [action.ref, action.action, action.lead, as_written(data.d(action.due),
                 action.ref), data.d(action.revised), data.d(action.completed), None,
                 action.before_update or action.update, action.update, data.d(action.updated)],
                widths,
            )  # fmt: skip
            colour_status(sheet, row, 7, action.status, text=True)
            row += 1
    report_sheet(book)
    save_deterministically(book, path)


def sheet_per_section(path: Path) -> None:
    book = Workbook()
    cover(book, "One sheet for each priority of the plan; updated November 2026")
    names = ["Ref", "Action", "Lead officer", "Target date", "Revised target date",
             "Date completed", "Status", "Progress update", "Date updated"]  # fmt: skip
    widths = [8, 50, 26, 12, 12, 12, 10, 55, 12]
    for number, (section, actions) in enumerate(by_section(), start=1):
        sheet = book.create_sheet(f"{number}. {PRIORITIES[section]}")
        sheet["A1"] = f"Priority {number}: {section}"
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(names))
        header(sheet, 2, names, widths)
        for row, action in enumerate(actions, start=3):
            put(
                sheet,
                row,
                [action.ref, action.action, action.lead, data.d(action.due),
                 data.d(action.revised), data.d(action.completed), None, action.update,
                 data.d(action.updated)],
                widths,
            )  # fmt: skip
            colour_status(sheet, row, 7, action.status, text=True)
    report_sheet(book)
    save_deterministically(book, path)


def theme_column(path: Path) -> None:
    book = Workbook()
    cover(book, "Action plan following the Ofsted inspection, version 3, November 2026")
    sheet = book.create_sheet("Action Plan v3")
    names = ["No.", "Theme", "Recommendation", "Action", "Responsible officer", "Timescale",
             "Revised timescale", "Date completed", "RAG", "Commentary",
             "Date updated"]  # fmt: skip
    widths = [8, 24, 40, 50, 26, 12, 12, 12, 8, 55, 12]
    header(sheet, 1, names, widths)
    row = 2
    for section, actions in by_section():
        section_start = row
        ordered = sorted(actions, key=lambda action: action.recommendation)
        for key, group in itertools.groupby(ordered, key=lambda action: action.recommendation):
            group_start = row
            for index, action in enumerate(group):
                recommendation = data.RECOMMENDATIONS[key] if index == 0 else None
                put(
                    sheet,
                    row,
                    [action.ref, section if row == section_start else None, recommendation,
                     action.action, action.lead, data.d(action.due), data.d(action.revised),
                     data.d(action.completed), None, action.update, data.d(action.updated)],
                    widths,
                )  # fmt: skip
                colour_status(sheet, row, 9, action.status, text=False)  # colour alone
                row += 1
            if row - 1 > group_start:
                sheet.merge_cells(start_row=group_start, start_column=3, end_row=row - 1,
                                  end_column=3)  # fmt: skip
        sheet.merge_cells(start_row=section_start, start_column=2, end_row=row - 1, end_column=2)
    sheet.cell(row=row + 1, column=1, value="RAG: Blue complete; Green on track; Amber some "
               "slippage; Red not progressed as planned").font = Font(italic=True)  # fmt: skip
    report_sheet(book)
    save_deterministically(book, path)


LAYOUTS: dict[str, Callable[[Path], None]] = {
    "layout-heading-rows.xlsx": heading_rows,
    "layout-sheet-per-section.xlsx": sheet_per_section,
    "layout-theme-column.xlsx": theme_column,
}


def main(folder: Path = HERE) -> None:
    for name, write in LAYOUTS.items():
        write(folder / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
