"""Write the golden workbooks: each shows one way real plans are messy.

Run ``python tests/golden/make_golden.py`` to rebuild them, then
``BOARDPACK_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` to record what boardpack finds
(review the diff of the .json files before committing: they are the expected answers).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import PatternFill

HERE = Path(__file__).resolve().parent
HEADERS = ["Ref", "Section", "Action", "Lead", "Due date", "Revised due date",
           "Completed date", "Status", "Progress update", "Last updated"]  # fmt: skip
SECTION = "Quality of Practice"


def row(ref: str, **values: Any) -> list[Any]:
    base = {
        "Ref": ref, "Section": SECTION, "Action": f"Action {ref}", "Lead": "Head of Service",
        "Due date": dt.date(2027, 3, 31), "Status": "Green", "Last updated": dt.date(2026, 11, 2),
    }  # fmt: skip
    base.update({key.replace("_", " ").capitalize(): value for key, value in values.items()})
    return [base.get(header) for header in HEADERS]


def book(headers: list[str] = HEADERS, title: list[str] | None = None) -> tuple[Any, Any]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    for line in title or []:
        sheet.append([line])
    sheet.append(headers)
    sections = workbook.create_sheet("Sections")
    sections.append(["Section", "Lead"])
    sections.append([SECTION, "Director"])
    return workbook, sheet


def merged_title() -> Any:
    workbook, sheet = book(title=["Eastbridge Improvement Plan", "Updated November 2026", ""])
    sheet.merge_cells("A1:J1")
    sheet.merge_cells("A2:J2")
    sheet.append(row("QP-01"))
    sheet.append(row("QP-02", status="Amber"))  # no update: an error on row 6
    return workbook


def aliases_and_extra_columns() -> Any:
    headers = ["No.", "Theme", "What?", "Who?", "Target date", "RAG status", "Notes", "Commentary"]
    workbook, sheet = book(headers=headers)
    sheet.append(
        ["1", SECTION, "Audit files", "Jo Bloggs", dt.date(2027, 1, 1), "Red", "x", "Late"]
    )
    sheet.append(["2", SECTION, "Train staff", "Al Smith", dt.date(2027, 2, 1), "g", None, None])
    return workbook


def text_dates() -> Any:
    workbook, sheet = book()
    typed = ["23/04/2027", "23 April 2027", "23-Apr-27", "2027-04-23", "March 2027", "Mar-27",
             "Q2 2027/28", "Ongoing", "TBC", "31/02/2027", "next spring"]  # fmt: skip
    for index, text in enumerate(typed, start=1):
        sheet.append(row(f"TD-{index:02d}", due_date=text))
    return workbook


def status_spellings() -> Any:
    workbook, sheet = book()
    for index, typed in enumerate(["amber", "A", "Amber ", " Green ", "BLUE", "Purple", "R"], 1):
        done = dt.date(2026, 10, 1) if typed.strip().lower() == "blue" else None
        sheet.append(
            row(
                f"ST-{index}",
                status=typed,
                progress_update="Slipped: see notes",
                completed_date=done,
            )
        )
    return workbook


def status_by_colour() -> Any:
    workbook, sheet = book()
    sheet.append(row("CL-1", status=None))
    sheet.append(row("CL-2", status=None))
    sheet["H2"].fill = PatternFill("solid", fgColor="FF00B050")  # green: read as Green
    sheet["H3"].fill = PatternFill("solid", fgColor="FFD9D9D9")  # grey banding: still empty
    return workbook


def merged_sections_and_blank_rows() -> Any:
    workbook, sheet = book()
    sheet.append(row("MS-1"))
    sheet.append([None] * len(HEADERS))
    sheet.append(row("MS-2", section=None))
    sheet.append(row("MS-3", section=None))
    sheet.merge_cells("B2:B5")
    for _ in range(50):
        sheet.append([None] * len(HEADERS))
    sheet.append(["", "", "   "])  # whitespace only: blank too
    return workbook


def hidden_sheet_and_1904_dates() -> Any:
    workbook, sheet = book()
    workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet.append(row("HD-1", due_date=dt.date(2026, 1, 15)))  # Green but overdue
    sheet.sheet_state = "hidden"
    workbook.create_sheet("Cover", 0)["A1"] = "Improvement plan"
    return workbook


def missing_optional_columns() -> Any:
    headers = ["Ref", "Section", "Action", "Lead", "Due date", "Status"]
    workbook, sheet = book(headers=headers)
    sheet.append(["OC-1", SECTION, "Do it", "Jo", dt.date(2027, 1, 1), "Blue"])
    return workbook


def untrusted_cell_text() -> Any:
    workbook, sheet = book()
    texts = ["{{ 7*7 }}", "{% raw %}", "=cmd|' /C calc'!A0", "@SUM(1+1)", "مرحبا بالعالم",
             "Emoji 🚸 ok", "x" * 30_000]  # fmt: skip
    for index, text in enumerate(texts, start=1):
        sheet.append(row(f"UT-{index}", action=text))
    return workbook


CASES = {
    "merged-title": merged_title,
    "aliases-and-extra-columns": aliases_and_extra_columns,
    "text-dates": text_dates,
    "status-spellings": status_spellings,
    "status-by-colour": status_by_colour,
    "merged-sections-and-blank-rows": merged_sections_and_blank_rows,
    "hidden-sheet-and-1904-dates": hidden_sheet_and_1904_dates,
    "missing-optional-columns": missing_optional_columns,
    "untrusted-cell-text": untrusted_cell_text,
}


if __name__ == "__main__":
    # With a folder argument (used by the tests) the workbooks go there instead.
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for name, build in CASES.items():
        build().save(folder / f"{name}.xlsx")
        print(f"wrote {name}.xlsx")
