"""Valid plans of any size, written straight as sheet XML: 100,000 actions in about a second.

bench/make_plans.py writes richer plans through openpyxl, but takes ten seconds at 100,000
actions; tests need the size, not the prose. The plan is clean at any as-of date from
23 November 2026 to 1 January 2027: due dates are in 2027, Blue actions were completed in
October 2026, Amber and Red ones have an update and every Section is listed.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from generator.common.a1 import column_letter

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

HEADERS = (
    "Ref", "Section", "Action", "Lead", "Due date", "Completed date", "Status",
    "Progress update", "Last updated", "Revised due date",
)  # fmt: skip
SECTIONS = ("Quality of Practice", "Workforce", "Leadership", "Partnerships")
STATUSES = ("Green", "Blue", "Amber", "Green", "Red")


def _serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


_DUE = _serial(dt.date(2027, 3, 31))
_COMPLETED = _serial(dt.date(2026, 10, 1))
_UPDATED = _serial(dt.date(2026, 11, 1))


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _date_cell(ref: str, serial: int) -> str:
    return f'<c r="{ref}" s="1"><v>{serial}</v></c>'


def _header_row(headers: Sequence[str]) -> str:
    cells = "".join(_text_cell(f"{column_letter(i + 1)}1", name) for i, name in enumerate(headers))
    return f'<row r="1">{cells}</row>'


def _action_row(number: int) -> str:
    row = number + 1
    status = STATUSES[number % len(STATUSES)]
    cells = [
        _text_cell(f"A{row}", f"A-{number:06}"),
        _text_cell(f"B{row}", SECTIONS[number % len(SECTIONS)]),
        _text_cell(f"C{row}", f"Review practice standard {number}"),
        _text_cell(f"D{row}", "Head of Service"),
        _date_cell(f"E{row}", _DUE),
    ]
    if status == "Blue":
        cells.append(_date_cell(f"F{row}", _COMPLETED))
    cells.append(_text_cell(f"G{row}", status))
    if status in ("Amber", "Red"):
        cells.append(_text_cell(f"H{row}", "Slipped while the team was recruited"))
    cells.append(_date_cell(f"I{row}", _UPDATED))
    return f'<row r="{row}">{"".join(cells)}</row>'


def _actions_sheet(n_actions: int) -> Iterator[str]:
    yield f'{_DECLARATION}<worksheet xmlns="{_MAIN}"><sheetData>{_header_row(HEADERS)}'
    batch: list[str] = []
    for number in range(1, n_actions + 1):
        batch.append(_action_row(number))
        if len(batch) == 5_000:
            yield "".join(batch)
            batch.clear()
    yield "".join(batch) + "</sheetData></worksheet>"


def _sections_sheet() -> str:
    rows = [_header_row(("Section", "Lead"))]
    for number, name in enumerate(SECTIONS, start=2):
        rows.append(
            f'<row r="{number}">{_text_cell(f"A{number}", name)}'
            f"{_text_cell(f'B{number}', 'Director')}</row>"
        )
    sheet_data = "".join(rows)
    return (
        f'{_DECLARATION}<worksheet xmlns="{_MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>'
    )


_CONTENT_TYPES = (
    f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
    f'Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>'
    '<sheet name="Actions" sheetId="1" r:id="rId1"/>'
    '<sheet name="Sections" sheetId="2" r:id="rId2"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet2.xml"/>'
    f'<Relationship Id="rId3" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 1 is a date (built-in number format 14), which is how Excel marks a date cell.
_STYLES = (
    f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)


def write_big_plan(path: Path, n_actions: int) -> Path:
    """A valid plan of ``n_actions`` actions and a Sections sheet, as a real .xlsx."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/worksheets/sheet2.xml", _sections_sheet())
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            for piece in _actions_sheet(n_actions):
                stream.write(piece.encode())
    return path
