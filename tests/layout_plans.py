"""Plans written the ways councils lay them out, for the layout tests.

``write_layout(path, actions, layout)`` writes the same actions as:

- ``columns``: the default layout, a Section column on an Actions sheet;
- ``headings``: one sheet ("Improvement Plan 2026") with a title block, and a heading row
  merged across the table above each section's actions, no Section column;
- ``sheets``: a sheet per section ("1. Leadership"), each titled above its header row
  ("Priority 1: Leadership"), no Section column;
- ``named-sheets``: a sheet per section named for it, with the same title on every sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

HEADERS = ["Ref", "Section", "Action", "Lead", "Due date", "Completed date", "Status",
           "Progress update"]  # fmt: skip
LAYOUTS = ("columns", "headings", "sheets", "named-sheets")
PLAN_TITLE = "Eastbridge Improvement Plan 2026"
BOLD = Font(bold=True)
SHADE = PatternFill("solid", fgColor="D9E1F2")


def sections_in_order(actions: Sequence[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for action in actions:
        if action["Section"] not in seen:
            seen.append(action["Section"])
    return seen


def write_layout(
    path: Path,
    actions: Sequence[dict[str, Any]],
    layout: str,
    *,
    headers: Sequence[str] = HEADERS,
) -> Path:
    """Write ``actions`` (dicts by header, with a Section) in ``layout``; see the module."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    if layout == "columns":
        first.title = "Actions"
        first.append(list(headers))
        for action in actions:
            first.append([action.get(header) for header in headers])
    elif layout == "headings":
        own = [header for header in headers if header != "Section"]
        first.title = "Improvement Plan 2026"
        first.append([PLAN_TITLE])
        first.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(own))
        first.append(["Updated November 2026"])
        first.append(own)
        for section in sections_in_order(actions):
            first.append([section])
            row = first.max_row
            first.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(own))
            first.cell(row, 1).font = BOLD
            first.cell(row, 1).fill = SHADE
            for action in actions:
                if action["Section"] == section:
                    first.append([action.get(header) for header in own])
    elif layout in ("sheets", "named-sheets"):
        own = [header for header in headers if header != "Section"]
        book.remove(first)
        for number, section in enumerate(sections_in_order(actions), start=1):
            if layout == "sheets":
                sheet = book.create_sheet(f"{number}. Priority {number}")
                sheet.append([f"Priority {number}: {section}"])
            else:
                sheet = book.create_sheet(f"{number}. {section}"[:31])
                sheet.append([PLAN_TITLE])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(own))
            sheet.append(own)
            for action in actions:
                if action["Section"] == section:
                    sheet.append([action.get(header) for header in own])
    else:
        raise ValueError(layout)
    for sheet in book.worksheets:
        for index in range(1, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 18
    book.save(path)
    return path


def action(ref: str, section: str, **values: Any) -> dict[str, Any]:
    """A valid Green action due in the future, with ``values`` (by header, _ for space)."""
    row: dict[str, Any] = {
        "Ref": ref,
        "Section": section,
        "Action": f"Action {ref}",
        "Lead": "Head of Service",
        "Due date": dt.date(2027, 3, 31),
        "Status": "Green",
    }
    row.update({key.replace("_", " "): value for key, value in values.items()})
    return row


# --- Golden cases: one workbook for each layout, and one for each family of wordings --------


def _book(title: str) -> tuple[Any, Any]:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    return book, sheet


def heading_rows(path: Path) -> None:
    """One sheet, question headers, a dated update column beside last month's, and section
    headings three ways: merged and bold, a number beside the name, merged and shaded."""
    book, sheet = _book("Improvement Plan 2026")
    sheet.append(["Ofsted Improvement Plan: Children's Services"])
    sheet.merge_cells("A1:G1")
    sheet.append([])
    sheet.append(["Ref", "What will we do?", "Who?", "By when?", "RAG rating",
                  "Update Oct 26", "Progress update November 2026"])  # fmt: skip
    sheet.append(["Vision, strategy and leadership"])
    sheet.merge_cells("A4:G4")
    sheet["A4"].font = BOLD
    sheet.append(["1.1", "Refresh the improvement board's terms of reference", "Chief Executive",
                  dt.date(2027, 1, 31), "Green", "Drafted", "Agreed by the board"])  # fmt: skip
    sheet.append(["1.2", "Member training on corporate parenting", "Director of Children's "
                  "Services", "Autumn 2026", "Amber", "Booked", None])  # fmt: skip
    sheet.append(["2", "Effective practice and the voice of the child"])
    sheet.append(["2.1", "Audit 20 case files a month", "Principal Social Worker", "Monthly",
                  "Green", "Started", "On track"])  # fmt: skip
    sheet.append(["2.2", "Single front door with partners", "Head of Service", "2026/27",
                  "Red", "Late", "Delayed by the MASH move"])  # fmt: skip
    sheet.append(["Outcomes, impact and performance management"])
    sheet.merge_cells("A10:G10")
    sheet["A10"].fill = SHADE
    sheet.append(["3.1", "Monthly performance clinic", "Head of Performance", "Q3 26/27",
                  "Green", None, "Running"])  # fmt: skip
    book.save(path)


def sheet_per_section(path: Path) -> None:
    """A sheet per section titled above its header row; a Ref used on two sheets; "Gren"."""
    book, first = _book("1. Leadership")
    book.remove(first)
    titles = ["Priority 1: Leadership and governance", "Priority 2: Workforce",
              "Priority 3: Partnership working"]  # fmt: skip
    rows = [
        [["P1.1", "Appoint a permanent Director", "Chief Executive", dt.date(2026, 12, 31),
          "Blue", dt.date(2026, 10, 1), "Appointed"],
         ["P1.2", "Quarterly scrutiny of the plan", "Chair of Scrutiny", "Quarterly", "Green",
          None, None]],
        [["P2.1", "Reduce agency social workers to 15%", "Head of HR", "December 2026/January "
          "2027", "Gren", None, None],
         ["P1.2", "Caseloads of no more than 18", "Head of Service", "w/c 14/12/2026", "Amber",
          None, "Two teams above 22"]],
        [["P3.1", "Joint protocol with the police", "Head of Safeguarding", "By 31/03/2027",
          "Green", None, None]],
    ]  # fmt: skip
    names = ["1. Leadership", "2. Workforce", "3. Partners"]
    for name, title, actions in zip(names, titles, rows, strict=True):
        sheet = book.create_sheet(name)
        sheet.append([title])
        sheet.merge_cells("A1:G1")
        sheet.append(["Ref", "Action", "Lead officer", "Target date", "Status",
                      "Completed date", "Progress update"])  # fmt: skip
        for row in actions:
            sheet.append(row)
    book.save(path)


def sheet_per_section_by_name(path: Path) -> None:
    """A sheet per section, named for it; every sheet carries the plan's title, not its own."""
    book, first = _book("x")
    book.remove(first)
    for number, name in enumerate(["Leadership", "Workforce"], start=1):
        sheet = book.create_sheet(f"{number}. {name}")
        sheet.append([PLAN_TITLE])
        sheet.append(["Ref", "Action", "Responsible", "Timescale", "RAG"])
        sheet.append([f"{name[0]}{number}", f"Act on {name.lower()}", "Director",
                      "End of May", "Green"])  # fmt: skip
        sheet.append([f"{name[0]}{number}b", f"Report on {name.lower()}", "Director",
                      "Spring 2027", "Green"])  # fmt: skip
    book.save(path)


def theme_column(path: Path) -> None:
    """A cover sheet first; the plan on "Action Plan v3" with a Theme column and each
    recommendation merged down its actions; RAG shown by fill colour alone."""
    book, cover = _book("Cover")
    cover.append(["Eastbridge Borough Council"])
    cover.append(["Action plan following the LGA peer review"])
    sheet = book.create_sheet("Action Plan v3")
    sheet.append(["No.", "Theme", "Recommendation", "Action", "Lead officer", "Target date",
                  "RAG"])  # fmt: skip
    fills = {"Green": "00B050", "Amber": "FFC000", "Red": "FF0000"}
    rows = [
        ("1", "Front door", "Realise the unified front door", "Co-locate the MASH",
         "Head of Service", dt.date(2027, 3, 31), "Green"),
        ("2", "Front door", None, "Triage at first contact", "Team Manager",
         dt.date(2027, 1, 31), "Amber"),
        ("3", "Workforce", "Retain experienced staff", "Career pathway for social workers",
         "Head of HR", dt.date(2027, 6, 30), "Green"),
        ("4", "Workforce", None, "Exit interviews reviewed quarterly", "Head of HR",
         dt.date(2027, 2, 28), "Red"),
    ]  # fmt: skip
    for row in rows:
        sheet.append([*row[:6], None])
        sheet.cell(sheet.max_row, 7).fill = PatternFill("solid", fgColor=fills[row[6]])
    sheet.merge_cells("C2:C3")
    sheet.merge_cells("C4:C5")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("B4:B5")
    book.save(path)


#: Every wording of a target date the issue names, and a few more; the value is the Ref.
DATE_WORDINGS = [
    "End of May", "Autumn 2026", "2019/20", "2026-27", "By 31/03/2027", "w/c 14/12/2026",
    "December 2026/January 2027", "Q3 26/27", "Monthly", "Quarterly", "Immediate", "Q1 2027",
    "March 2027", "Mar-27", "End of March 2027", "Nov/Dec 2026", "Winter 2026/27",
    "31/02/2020", "after the summer", "Ongoing", "TBC", "12/26",
]  # fmt: skip


def date_wordings(path: Path) -> None:
    """Each wording in the Due date of its own action."""
    book, sheet = _book("Actions")
    sheet.append(["Ref", "Section", "Action", "Lead", "Due date", "Status"])
    for number, wording in enumerate(DATE_WORDINGS, start=1):
        sheet.append([f"D-{number:02d}", "Dates", f"Action {number}", "Lead", wording, "Green"])
    book.save(path)


def status_typos(path: Path) -> None:
    """Statuses as people mistype them: some plausibly mean one status, some do not."""
    book, sheet = _book("Actions")
    sheet.append(["Ref", "Section", "Action", "Lead", "Due date", "Status", "Progress update"])
    for number, typed in enumerate(["ambre", "Gren", "Amber - slippage", "Purple", "Red/Amber",
                                    "Blu"], start=1):  # fmt: skip
        sheet.append([f"S-{number}", "Statuses", "Act", "Lead", dt.date(2027, 3, 31), typed,
                      "Update"])  # fmt: skip
    book.save(path)


GOLDEN_CASES = {
    "heading-rows": heading_rows,
    "sheet-per-section": sheet_per_section,
    "sheet-per-section-by-name": sheet_per_section_by_name,
    "theme-column": theme_column,
    "date-wordings": date_wordings,
    "status-typos": status_typos,
}
