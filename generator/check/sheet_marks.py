"""A worksheet's XML with chosen cells given new styles, every other byte kept.

Used by ``--annotate``: each problem cell's ``s`` (style index) attribute is replaced; a cell
the XML does not have yet (an empty required cell) is inserted into its row in column order,
and a row it does not have is created in row order. Rows are found by one pass over their
start tags; only rows holding a marked cell are looked into, so the cost is one scan of the
sheet plus a little per mark, and everything else (formulas, shared or inline strings, data
validations, conditional formats, extensions) is copied through untouched.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from generator.common.a1 import column_letter, column_number
from generator.common.ooxml import attribute, start_tag, with_attribute, without_attribute

_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b[^>]*?(/?)>")
_ROW_START = re.compile(rb"<(?:\w+:)?row\b[^>]*?/?>")
# A cell's start tag: nothing inside a cell (<v>, <f>, <is>, <t>, <r>) starts "<c".
_CELL_START = re.compile(rb"<(?:\w+:)?c\b[^>]*>")
_REFERENCE = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})""")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,7})["']""")
_COL = re.compile(rb"<(?:\w+:)?col\b[^>]*?/?>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"'
)
_LEGACY_DRAWING = re.compile(rb"<(?:\w+:)?legacyDrawing\b[^>]*?/?>")
_TAG = re.compile(rb"<(/?)([\w:.-]+)[^>]*?(/?)>")
_SHEET_VIEW = re.compile(rb"<(?:\w+:)?sheetView\b[^>]*?>")
# Worksheet children that come after <legacyDrawing> (ECMA-376 Part 1, CT_Worksheet).
_AFTER_LEGACY_DRAWING = frozenset(
    {
        b"legacyDrawingHF",
        b"drawingHF",
        b"picture",
        b"oleObjects",
        b"controls",
        b"webPublishItems",
        b"tableParts",
        b"extLst",
    }
)

Cell = tuple[int, int]  # (row, column), both from 1
Mark = TypeVar("Mark")


class SheetNotEditable(ValueError):
    """The worksheet's XML is not laid out as a worksheet must be."""


@dataclass(frozen=True)
class Layout:
    """Where a worksheet's parts are: its cell table and the element prefix it uses."""

    prefix: bytes
    data_start: int  # just after <sheetData>
    data_end: int  # at </sheetData>, or where it would be for <sheetData/>
    empty: bool  # written as <sheetData/>


def layout(xml: bytes) -> Layout:
    """Find the cell table; raise SheetNotEditable if the sheet has none."""
    found = _SHEET_DATA.search(xml)
    if found is None:
        raise SheetNotEditable("the worksheet has no table of cells (sheetData)")
    prefix = found[1] or b""
    if found[2]:
        return Layout(prefix, found.start(), found.end(), empty=True)
    end = xml.find(b"</" + prefix + b"sheetData>", found.end())
    if end < 0:
        raise SheetNotEditable("the worksheet's table of cells is not closed")
    return Layout(prefix, found.end(), end, empty=False)


def merged_top_left(xml: bytes, cells: set[Cell]) -> dict[Cell, Cell]:
    """For each of ``cells`` inside a merged range other than its first, that first cell:
    only the top-left cell of a merged range shows, so the mark goes there."""
    rows = sorted({row for row, _ in cells})
    moved: dict[Cell, Cell] = {}
    start = xml.find(b"mergeCells", layout(xml).data_end)  # they follow the cells
    if not rows or start < 0:
        return moved
    for found in _MERGE.finditer(xml, start):
        top, left = int(found[2]), column_number(found[1])
        bottom = int(found[4]) if found[4] else top
        right = column_number(found[3]) if found[3] else left
        at = bisect.bisect_left(rows, top)
        while at < len(rows) and rows[at] <= bottom:
            row = rows[at]
            for column in range(left, right + 1):
                if (row, column) in cells and (row, column) != (top, left):
                    moved[(row, column)] = (top, left)
            at += 1
    return moved


def column_styles(xml: bytes) -> dict[int, int]:
    """Column number -> the style Excel gives a new cell there (from <col style>)."""
    styles: dict[int, int] = {}
    data = _SHEET_DATA.search(xml)
    for found in _COL.finditer(xml, 0, data.start() if data else len(xml)):
        style, low, high = (attribute(found[0], name) for name in (b"style", b"min", b"max"))
        if style and style.isdigit() and low and high and low.isdigit() and high.isdigit():
            for column in range(int(low), min(int(high), 16_384) + 1):
                styles[column] = int(style)
    return styles


@dataclass(frozen=True)
class Slot:
    """One cell to be written: where it is, and what the sheet has there now."""

    row: int
    column: int
    prefix: bytes  # the sheet's element prefix ("x:" or nothing)
    element: bytes | None  # the cell's element as written, or None when the sheet has none
    style: int | None  # its ``s``; for a new cell, the row's or column's style (None: neither)

    @property
    def reference(self) -> bytes:
        return f"{column_letter(self.column)}{self.row}".encode()


def mark_cells(
    xml: bytes, marks: Mapping[Cell, Mark], restyle: Callable[[int, Mark], int]
) -> bytes:
    """``xml`` with each cell in ``marks`` given the style ``restyle(its style, mark)``.

    A cell not in the XML is inserted (in its row, in column order; or in a new row, in row
    order), with the row's or column's style as its own before restyling.
    """

    def restyled(slot: Slot, mark: Mark) -> bytes:
        style = str(restyle(slot.style or 0, mark)).encode()
        if slot.element is None:
            return _empty_cell(slot.prefix, slot.row, slot.column, int(style))
        tag = start_tag(slot.element)
        return with_attribute(tag, b"s", style) + slot.element[len(tag) :]

    return edit_cells(xml, marks, restyled)


def edit_cells(
    xml: bytes, edits: Mapping[Cell, Mark], write: Callable[[Slot, Mark], bytes]
) -> bytes:
    """``xml`` with each cell in ``edits`` replaced by ``write(its slot, edit)``.

    A cell not in the XML is inserted (in its row, in column order; or in a new row, in row
    order); the sheet's ``dimension`` and each row's ``spans`` grow to cover the new cells.
    Everything else is copied byte for byte. The one place boardpack writes into a
    worksheet's cells: the annotated copy's marks, and collect's returned values.
    """
    where = layout(xml)
    by_row: dict[int, dict[int, Mark]] = {}
    for (row, column), edit in edits.items():
        by_row.setdefault(row, {})[column] = edit
    wanted = sorted(by_row)
    columns = column_styles(xml)
    p = where.prefix
    pieces: list[bytes] = []
    position = where.data_start
    pending = 0  # index into ``wanted`` of the first row not yet written

    def new_rows_before(limit: int | None) -> None:
        nonlocal pending
        while pending < len(wanted) and (limit is None or wanted[pending] < limit):
            number = wanted[pending]
            cells = b"".join(
                write(Slot(number, column, p, None, columns.get(column)), edit)
                for column, edit in sorted(by_row[number].items())
            )
            pieces.append(b"<" + p + b'row r="' + str(number).encode() + b'">' + cells)
            pieces.append(b"</" + p + b"row>")
            pending += 1

    if where.empty:
        head = xml[: where.data_start] + b"<" + p + b"sheetData>"
        new_rows_before(None)
        tail = b"</" + p + b"sheetData>" + xml[where.data_end :]
        return _widened_dimension(head, edits) + b"".join(pieces) + tail

    head = xml[: where.data_start]
    number = 0
    for found in _ROW_START.finditer(xml, where.data_start, where.data_end):
        declared = _ROW_NUMBER.search(found[0])
        number = int(declared[1]) if declared else number + 1
        if pending >= len(wanted):
            break
        if wanted[pending] < number:
            pieces.append(xml[position : found.start()])
            position = found.start()
            new_rows_before(number)
        if pending < len(wanted) and wanted[pending] == number:
            end = _row_end(xml, found, p)
            pieces.append(xml[position : found.start()])
            pieces.append(_edited_row(xml, found, end, number, by_row[number], p, columns, write))
            position = end
            pending += 1
    pieces.append(xml[position : where.data_end])
    new_rows_before(None)
    pieces.append(xml[where.data_end :])
    return _widened_dimension(head, edits) + b"".join(pieces)


def _row_end(xml: bytes, found: re.Match[bytes], prefix: bytes) -> int:
    if found[0].endswith(b"/>"):
        return found.end()
    close = b"</" + prefix + b"row>"
    end = xml.find(close, found.end())
    if end < 0:
        raise SheetNotEditable("a row of the worksheet is not closed")
    return end + len(close)


def _cell_end(xml: bytes, start: int, tag: bytes, prefix: bytes, limit: int) -> int:
    """Where the cell whose start tag ``tag`` is at ``start`` ends."""
    if tag.endswith(b"/>"):
        return start + len(tag)
    close = b"</" + prefix + b"c>"
    end = xml.find(close, start + len(tag), limit)
    if end < 0:
        raise SheetNotEditable("a cell of the worksheet is not closed")
    return end + len(close)


def _edited_row(
    xml: bytes,
    row: re.Match[bytes],
    end: int,
    number: int,
    edits: dict[int, Mark],
    prefix: bytes,
    columns: dict[int, int],
    write: Callable[[Slot, Mark], bytes],
) -> bytes:
    """The row's XML with its edited cells rewritten and missing ones inserted."""
    row_tag = row[0]
    custom = attribute(row_tag, b"customFormat") in (b"1", b"true")
    own = attribute(row_tag, b"s") if custom else None

    def new_slot(column: int) -> Slot:
        style = int(own) if own and own.isdigit() else columns.get(column)
        return Slot(number, column, prefix, None, style)

    if row_tag.endswith(b"/>"):
        cells = b"".join(write(new_slot(column), edit) for column, edit in sorted(edits.items()))
        opened = _widened_spans(row_tag[:-2].rstrip() + b">", edits)
        return opened + cells + b"</" + prefix + b"row>"
    body_start = row.end()
    body_end = end - len(b"</" + prefix + b"row>")
    changes: list[tuple[int, int, bytes]] = []  # (start, end, new bytes) in the sheet
    existing: dict[int, tuple[int, bytes]] | None = None
    for column, edit in sorted(edits.items()):
        reference = f"{column_letter(column)}{number}".encode()
        cell = _cell_at(xml, body_start, body_end, reference)
        if cell is None:
            existing = _cells(xml, body_start, body_end) if existing is None else existing
            cell = existing.get(column)
        if cell is not None:
            cell_start, cell_tag = cell
            cell_end = _cell_end(xml, cell_start, cell_tag, prefix, body_end)
            style = attribute(cell_tag, b"s")
            slot = Slot(
                number,
                column,
                prefix,
                xml[cell_start:cell_end],
                int(style) if style and style.isdigit() else None,
            )
            changes.append((cell_start, cell_end, write(slot, edit)))
            continue
        assert existing is not None
        later = [at for other, (at, _) in existing.items() if other > column]
        at = min(later) if later else body_end
        changes.append((at, at, write(new_slot(column), edit)))
    pieces = [_widened_spans(row_tag, edits)]
    position = body_start
    for change_start, change_end, new in sorted(changes, key=lambda change: change[0]):
        pieces.append(xml[position:change_start] + new)
        position = change_end
    pieces.append(xml[position:end])
    return b"".join(pieces)


def _cells(xml: bytes, start: int, end: int) -> dict[int, tuple[int, bytes]]:
    """Column -> (position, start tag) of each cell between ``start`` and ``end``."""
    cells: dict[int, tuple[int, bytes]] = {}
    column = 0
    for found in _CELL_START.finditer(xml, start, end):
        ref = _REFERENCE.search(found[0])
        column = column_number(ref[1]) if ref else column + 1
        cells[column] = (found.start(), found[0])
    return cells


def _cell_at(xml: bytes, start: int, end: int, reference: bytes) -> tuple[int, bytes] | None:
    """(position, start tag) of the cell ``reference`` ("H5") between ``start`` and ``end``,
    found by a byte search for its ``r`` attribute; None if that does not find it."""
    at = xml.find(b' r="' + reference + b'"', start, end)
    if at < 0:
        return None
    opening = xml.rfind(b"<", start, at)
    found = _CELL_START.match(xml, opening) if opening >= 0 else None
    # The same bytes in a cell's text are not in a <c> start tag: the slow path decides.
    if found is None or found.end() <= at:
        return None
    return opening, found[0]


def _empty_cell(prefix: bytes, row: int, column: int, style: int) -> bytes:
    reference = f"{column_letter(column)}{row}".encode()
    return b"<" + prefix + b'c r="' + reference + b'" s="' + str(style).encode() + b'"/>'


def _widened_spans(row_tag: bytes, marks: Mapping[int, object]) -> bytes:
    """The row's start tag with its optional ``spans`` hint covering the marked columns."""
    spans = attribute(row_tag, b"spans")
    if not spans or b":" not in spans or b" " in spans:
        return row_tag
    low, _, high = spans.partition(b":")
    if not (low.isdigit() and high.isdigit()):
        return row_tag
    wider = f"{min(int(low), *marks)}:{max(int(high), *marks)}".encode()
    return with_attribute(row_tag, b"spans", wider)


def _widened_dimension(head: bytes, marks: Mapping[Cell, object]) -> bytes:
    """The sheet's head with its ``dimension`` reference covering every marked cell."""
    found = _DIMENSION.search(head)
    if found is None or not marks:
        return head
    top, left = int(found[2]), column_number(found[1])
    bottom = int(found[4]) if found[4] else top
    right = column_number(found[3]) if found[3] else left
    rows = [row for row, _ in marks]
    columns = [column for _, column in marks]
    new = (min(top, *rows), min(left, *columns), max(bottom, *rows), max(right, *columns))
    if new == (top, left, bottom, right):
        return head
    reference = f"{column_letter(new[1])}{new[0]}:{column_letter(new[3])}{new[2]}".encode()
    tag = with_attribute(found[0] + b"/>", b"ref", reference)[:-2]
    return head[: found.start()] + tag + head[found.end() :]


# --- The sheet's comments drawing and tab selection --------------------------------------


def legacy_drawing_id(xml: bytes) -> str | None:
    """The relationship id of the sheet's legacy (VML) drawing, which holds comment boxes."""
    found = _LEGACY_DRAWING.search(xml, layout(xml).data_end)
    if found is None:
        return None
    value = re.search(rb"\s[\w]+:id\s*=\s*\"([^\"]*)\"", found[0])
    return value[1].decode("utf-8", "replace") if value else None


def with_legacy_drawing(xml: bytes, rid: str, relationships_namespace: str) -> bytes:
    """``xml`` with a ``<legacyDrawing>`` pointing at ``rid``, where the schema puts it."""
    where = layout(xml)
    closing = b"</" + where.prefix + b"worksheet>"
    at = xml.rfind(closing)
    if at < 0:
        raise SheetNotEditable("the worksheet is not closed")
    depth = 0
    for found in _TAG.finditer(xml, where.data_end, at):
        name = found[2].rpartition(b":")[2]
        if found[1]:
            depth -= 1
            continue
        if depth == 0 and name in _AFTER_LEGACY_DRAWING:
            at = found.start()
            break
        if not found[3]:
            depth += 1
    element = (
        b"<" + where.prefix + b'legacyDrawing xmlns:r="' + relationships_namespace.encode()
        + b'" r:id="' + rid.encode() + b'"/>'
    )  # fmt: skip
    return xml[:at] + element + xml[at:]


def without_tab_selection(xml: bytes) -> bytes:
    """``xml`` with no sheet view marked as a selected tab (another sheet will be)."""
    data = _SHEET_DATA.search(xml)
    end = data.start() if data else len(xml)
    pieces = []
    position = 0
    for found in _SHEET_VIEW.finditer(xml, 0, end):
        if attribute(found[0], b"tabSelected") in (b"1", b"true"):
            pieces.append(xml[position : found.start()])
            pieces.append(without_attribute(found[0], b"tabSelected"))
            position = found.end()
    pieces.append(xml[position:])
    return b"".join(pieces)


def is_tab_selected(head: bytes) -> bool:
    """Whether the start of a sheet's XML marks one of its views as a selected tab."""
    views = _SHEET_VIEW.finditer(head)
    return any(attribute(found[0], b"tabSelected") in (b"1", b"true") for found in views)
