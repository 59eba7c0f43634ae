"""What only an .ods file's XML says about cells: the number format a figure is shown in.

python-calamine gives an OpenDocument cell's value (0.85), not how the spreadsheet shows it
(85%). The format is in the cell's style: ``table:style-name`` names a cell style whose
``style:data-style-name`` names a number, percentage or currency style (in content.xml's
automatic styles or styles.xml's common ones). Each is turned into the Excel format code it
amounts to ("0%", "#,##0.00", '"£"#,##0'), so the report shows .ods and .xlsx figures alike.
Read for a few cells of one small sheet (Measures), never for the whole plan.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
_NUMERIC_STYLES = {f"{_NUMBER}number-style", f"{_NUMBER}percentage-style",
                   f"{_NUMBER}currency-style"}  # fmt: skip
_CELLS = {f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"}


def ods_number_formats(
    path: Path, sheet: str, cells: set[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """The Excel-style number format code of the given (row, col) cells (0-based, from the
    sheet's top left) of ``sheet``, where their style gives a number, percentage or currency
    format; nothing for a file that cannot be read (the figures then show as General)."""
    if not cells:
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            styles = _Styles()
            if "styles.xml" in archive.namelist():
                with archive.open("styles.xml") as part:
                    styles.read(ElementTree.parse(part).getroot())
            with archive.open("content.xml") as part:
                return _sheet_formats(part, sheet, cells, styles)
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError):
        return {}


class _Styles:
    """Cell styles (name -> data style, parent) and data styles (name -> format code)."""

    def __init__(self) -> None:
        self.cell: dict[str, tuple[str, str]] = {}
        self.codes: dict[str, str] = {}

    def read(self, root: Element) -> None:
        for element in root.iter():
            name = element.get(f"{_STYLE}name", "")
            if element.tag in _NUMERIC_STYLES:
                self.codes[name] = _excel_code(element)
            elif element.tag == f"{_STYLE}style" and element.get(f"{_STYLE}family") == "table-cell":
                self.cell[name] = (
                    element.get(f"{_STYLE}data-style-name", ""),
                    element.get(f"{_STYLE}parent-style-name", ""),
                )

    def code(self, cell_style: str) -> str:
        """The format code a cell style shows numbers in, through its parent styles."""
        seen = set()
        while cell_style and cell_style not in seen:
            seen.add(cell_style)
            data_style, parent = self.cell.get(cell_style, ("", ""))
            if data_style:
                return self.codes.get(data_style, "")
            cell_style = parent
        return ""


def _excel_code(style: Element) -> str:
    """An ODF number, percentage or currency style as an Excel format code."""
    code = ""
    for part in style:
        if part.tag == f"{_NUMBER}number":
            code += _digits(part)
        elif part.tag == f"{_NUMBER}currency-symbol":
            code += f'"{part.text or ""}"'
        elif part.tag == f"{_NUMBER}text" and part.text:
            percent = style.tag == f"{_NUMBER}percentage-style" and part.text.strip() == "%"
            code += "%" if percent else f'"{part.text}"'
    return code


def _digits(number: Element) -> str:
    places = int(number.get(f"{_NUMBER}decimal-places", "0") or 0)
    least = int(number.get(f"{_NUMBER}min-decimal-places", str(places)) or 0)
    whole = "0" * max(int(number.get(f"{_NUMBER}min-integer-digits", "1") or 0), 1)
    if number.get(f"{_NUMBER}grouping") == "true":
        whole = "#,##" + whole[-1]
    decimals = "0" * min(least, places) + "#" * max(places - least, 0)
    return f"{whole}.{decimals}" if decimals else whole


def _sheet_formats(
    part: IO[bytes], sheet: str, cells: set[tuple[int, int]], styles: _Styles
) -> dict[tuple[int, int], str]:
    """Walk content.xml once: automatic styles first, then the one sheet, row by row."""
    found: dict[tuple[int, int], str] = {}
    column_styles: list[tuple[int, int, str]] = []  # (first column, count, default style)
    in_sheet = False
    row = column = 0
    row_span, row_style = 1, ""
    for event, element in ElementTree.iterparse(part, events=("start", "end")):
        tag = element.tag
        if event == "end":
            if tag == "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}automatic-styles":
                styles.read(element)
            elif tag == f"{_TABLE}table-row" and in_sheet:
                row += row_span
            elif tag == f"{_TABLE}table" and in_sheet:
                break  # the sheet is read: the rest of the file is not needed
            if tag in _CELLS or tag == f"{_TABLE}table-row":
                element.clear()
            continue
        if tag == f"{_TABLE}table":
            in_sheet = element.get(f"{_TABLE}name") == sheet
        elif not in_sheet:
            continue
        elif tag == f"{_TABLE}table-column":
            span = int(element.get(f"{_TABLE}number-columns-repeated", "1") or 1)
            first = column_styles[-1][0] + column_styles[-1][1] if column_styles else 0
            column_styles.append((first, span, element.get(f"{_TABLE}default-cell-style-name", "")))
        elif tag == f"{_TABLE}table-row":
            row_span = int(element.get(f"{_TABLE}number-rows-repeated", "1") or 1)
            row_style = element.get(f"{_TABLE}default-cell-style-name", "")
            column = 0
        elif tag in _CELLS:
            span = int(element.get(f"{_TABLE}number-columns-repeated", "1") or 1)
            wanted = [
                (r, c) for r, c in cells
                if row <= r < row + row_span and column <= c < column + span
            ]  # fmt: skip
            if wanted:
                style = element.get(f"{_TABLE}style-name") or row_style
                for r, c in wanted:
                    code = styles.code(style or _column_style(column_styles, c))
                    if code:
                        found[(r, c)] = code
            column += span
    return found


def _column_style(columns: list[tuple[int, int, str]], column: int) -> str:
    for first, span, style in columns:
        if first <= column < first + span:
            return style
    return ""
