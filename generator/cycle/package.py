"""Writing returned values into a copy of the plan by editing only the changed cells' XML.

A workbook is a zip of XML parts. openpyxl would load the whole plan into its own model and
write a new one, dropping what it does not model (images, charts, slicers, sparklines,
threaded comments, newer data-validation and conditional-format extensions) and rewriting
every part. Instead, every part is copied byte for byte except:

* the plan's sheet, where only the changed ``<c>`` elements are replaced (or inserted into
  their ``<row>``); every other byte of the sheet stays as it was;
* ``styles.xml``, only when a date lands in a cell without a date format (the cell's own
  style is cloned with a date format added) and for the Changes sheet's bold header;
* the Changes sheet, and the three small parts that list sheets (workbook, its
  relationships, content types), each edited by inserting one element.

The cells are written by ``check/sheet_marks.edit_cells`` and the styles added by
``check/highlight_styles.Stylesheet``, the code the annotated copy edits a workbook with: one
place for each. Values are written as values (text as inline strings, never formulas), so a
lead cannot put a formula into the plan. Cells holding formulas, and cells inside a merged
range other than its first, are reported as not writable rather than overwritten.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO, Any

from defusedxml import ElementTree

from generator.check.findings_sheet import cell_text
from generator.check.highlight_styles import Stylesheet
from generator.check.sheet_marks import (
    SheetNotEditable,
    Slot,
    edit_cells,
    merged_top_left,
)
from generator.common.a1 import column_letter, column_number
from generator.common.atomic import write_zip_atomically
from generator.common.ooxml import (
    attribute,
    copied_entry,
    insert_before_close,
    relationship_element,
    relative,
    unused_id,
    unused_sheet_name,
    with_sheet,
    xml_text,
)
from generator.cycle.layout import lines_needed, row_height
from generator.errors import DamagedWorkbook
from generator.read.workbook import open_calamine

CHANGES_SHEET = "Changes"
CHANGES_HEADERS = ("Sheet", "Cell", "Ref", "Column", "Old value", "New value", "From file")
_CHANGES_WIDTHS = (14, 8, 12, 20, 40, 40, 36)
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"
_STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
NEIGHBOURS = 20  # rows looked at, above and below, for an empty cell's style

# A row's (a cell's) content is runs of text and tags up to its closing tag, never past the
# next row's (cell's) start, and a start tag ends before the next "<": each byte is scanned a
# bounded number of times, so thousands of unclosed "<row" or "<c" (in a comment, say) cost
# linear time. With ".*?" each scanned to the end of the sheet: 80 KB took collect 53 s.
_ROW = re.compile(
    rb"<(?:\w+:)?row\b[^<>]*(?:/>|>(?:[^<]*<(?!/?(?:\w+:)?row\b))*[^<]*</(?:\w+:)?row>)"
)
_CELL = re.compile(rb"<(?:\w+:)?c\b[^<>]*(?:/>|>(?:[^<]*<(?!/?(?:\w+:)?c\b))*[^<]*</(?:\w+:)?c>)")
_START_TAG = re.compile(rb"<[^>]*>")
_PREFIX = re.compile(rb"<(\w+:)?sheetData\b")
_A1 = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")


class NotWritable(DamagedWorkbook):
    """The plan's package is not one this module can edit safely."""


@dataclass(frozen=True)
class ChangeRow:
    """One line of the Changes sheet."""

    sheet: str
    cell: str
    ref: str
    column: str
    old: str
    new: str
    files: str

    def cells(self) -> tuple[str, ...]:
        return (self.sheet, self.cell, self.ref, self.column, self.old, self.new, self.files)


def _text(value: str) -> bytes:
    return xml_text(cell_text(value.replace("\r\n", "\n")))


@dataclass
class _Row:
    number: int
    start: int
    end: int


class PlanPackage:
    """An .xlsx or .xlsm plan, opened to write a changed copy of one of its sheets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with zipfile.ZipFile(path) as archive:
                self.infos = archive.infolist()
                self.workbook_part = self._office_document(archive)
                self.rels_part = posixpath.join(
                    posixpath.dirname(self.workbook_part),
                    "_rels",
                    posixpath.basename(self.workbook_part) + ".rels",
                )
                self.workbook_xml = archive.read(self.workbook_part)
                self.rels_xml = archive.read(self.rels_part)
                self.content_types = archive.read("[Content_Types].xml")
                self.sheets = self._sheets()
                self.styles_part = self._styles_part()
                self.styles_xml = archive.read(self.styles_part) if self.styles_part else b""
        except (KeyError, zipfile.BadZipFile, OSError, ElementTree.ParseError) as error:
            raise self._not_writable(error) from None
        self.date1904 = re.search(rb'date1904="(1|true)"', self.workbook_xml) is not None
        self._parts: dict[str, _SheetPart] = {}

    def _not_writable(self, error: Exception) -> NotWritable:
        return NotWritable(
            f"{self.path}: the workbook's parts cannot be edited ({error}); open it in Excel, "
            "save it again as .xlsx and run collect on that"
        )

    def sheet(self, name: str) -> _SheetPart:
        """The named sheet's part, read once."""
        if name not in self._parts:
            try:
                part = self._part_of(name)
                with zipfile.ZipFile(self.path) as archive:
                    xml = archive.read(part)
            except (KeyError, zipfile.BadZipFile, OSError) as error:
                raise self._not_writable(error) from None
            self._parts[name] = _SheetPart(self.path, name, part, xml, self.date1904)
        return self._parts[name]

    def unwritable(self, cells: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Of the (sheet, A1) ``cells``, those that must not be overwritten, with the reason."""
        by_sheet: dict[str, list[str]] = {}
        for sheet, cell in cells:
            by_sheet.setdefault(sheet, []).append(cell)
        return {
            (sheet, cell): reason
            for sheet, wanted in by_sheet.items()
            for cell, reason in self.sheet(sheet).unwritable(wanted).items()
        }

    # -- Reading the package ------------------------------------------------------------

    def _office_document(self, archive: zipfile.ZipFile) -> str:
        root = ElementTree.fromstring(archive.read("_rels/.rels"))
        for rel in root.iter(f"{_PKG_REL}Relationship"):
            if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
                return rel.get("Target", "").lstrip("/")
        raise KeyError("no workbook part")

    def _targets(self) -> dict[str, tuple[str, str]]:
        """Relationship id -> (part name, relationship type) for the workbook part."""
        root = ElementTree.fromstring(self.rels_xml)
        folder = posixpath.dirname(self.workbook_part)
        targets = {}
        for rel in root.iter(f"{_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            part = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            targets[rel.get("Id", "")] = (part, rel.get("Type", ""))
        return targets

    def _sheets(self) -> list[tuple[str, int, str]]:
        """(name, sheetId, relationship id) of every sheet, in order."""
        root = ElementTree.fromstring(self.workbook_xml)
        sheets = []
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
            sheets.append((element.get("name", ""), int(element.get("sheetId", "0") or 0), rid))
        return sheets

    def _part_of(self, sheet: str) -> str:
        targets = self._targets()
        for name, _, rid in self.sheets:
            if name == sheet and rid in targets:
                return targets[rid][0]
        raise KeyError(f"no part for the sheet {sheet!r}")

    def _styles_part(self) -> str:
        for part, kind in self._targets().values():
            if kind.endswith("/styles"):
                return part
        return ""

    # -- Writing the copy -------------------------------------------------------------

    def write(
        self,
        destination: Path,
        values: Mapping[tuple[str, str], Any],
        changes: Sequence[ChangeRow],
    ) -> None:
        """Write a copy with ``values`` ((sheet, A1) -> value) in place, and a Changes sheet.

        The copy is built whole before anything is placed: a failure on the way (a full
        disc, a sheet that cannot be patched) leaves any earlier file at ``destination``
        exactly as it was.
        """
        write_zip_atomically(destination, lambda buffer: self._save(buffer, values, changes))

    def _save(
        self,
        buffer: IO[bytes],
        values: Mapping[tuple[str, str], Any],
        changes: Sequence[ChangeRow],
    ) -> None:
        """Write the changed copy of the package into ``buffer``."""
        styles = self._stylesheet()
        by_sheet: dict[str, dict[str, Any]] = {}
        for (sheet, cell), value in values.items():
            by_sheet.setdefault(sheet, {})[cell] = value
        new_parts: dict[str, bytes] = {
            self.sheet(sheet).part: self.sheet(sheet).patched(cells, styles)
            for sheet, cells in by_sheet.items()
        }
        changes_xml = self._changes_xml(
            changes,
            header=styles.bold() if styles else 0,
            wrapped=styles.wrapped() if styles else 0,
        )
        replaced, added = self._changes_part()
        if styles and styles.changed:
            new_parts[self.styles_part] = styles.xml
        if replaced:
            new_parts[replaced] = changes_xml
        extra: list[tuple[str, bytes]] = []
        if added is not None:
            part, name = added
            new_parts.update(self._listing_with(part, name))
            extra.append((part, changes_xml))
        stamp = next(
            (info.date_time for info in self.infos if info.filename == self.workbook_part),
            (2026, 1, 1, 0, 0, 0),
        )
        with zipfile.ZipFile(self.path) as source, zipfile.ZipFile(buffer, "w") as target:
            for info in self.infos:
                data = new_parts.get(info.filename)
                target.writestr(copied_entry(info), source.read(info) if data is None else data)
            for part, data in extra:
                entry = zipfile.ZipInfo(part, stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(entry, data)

    def _stylesheet(self) -> Stylesheet | None:
        """The plan's styles, added to only as needed (None: the package has none)."""
        if not self.styles_part:
            return None
        try:
            return Stylesheet(self.styles_xml, reuse=True)
        except ValueError as error:
            raise self._not_writable(error) from None

    def _changes_part(self) -> tuple[str, tuple[str, str] | None]:
        """(part to replace, "") when the plan has boardpack's Changes sheet from an earlier
        collect, else ("", (new part, new sheet name))."""
        if self.has_our_changes_sheet:
            return self._part_of(self._changes_name), None
        name = unused_sheet_name(CHANGES_SHEET, (name for name, _, _ in self.sheets))
        folder = posixpath.join(posixpath.dirname(self.workbook_part), "worksheets")
        existing = {info.filename for info in self.infos}
        index = len(self.sheets) + 1
        while posixpath.join(folder, f"sheet{index}.xml") in existing:
            index += 1
        return "", (posixpath.join(folder, f"sheet{index}.xml"), name)

    @cached_property
    def _changes_name(self) -> str:
        """The sheet an earlier collect wrote ("Changes", or "Changes 2" beside a plan's own
        sheet of that name), known by its name and its header row; "" when there is none."""
        pattern = re.compile(re.escape(CHANGES_SHEET) + r"( \d+)?", re.IGNORECASE)
        candidates = [name for name, _, _ in self.sheets if pattern.fullmatch(name)]
        if not candidates:
            return ""
        try:
            book = open_calamine(self.path)
            for name in reversed(candidates):
                first = book.get_sheet_by_name(name).to_python(nrows=1)
                headers = tuple(str(value) for value in first[0]) if first else ()
                if headers[: len(CHANGES_HEADERS)] == CHANGES_HEADERS:
                    return name
        except Exception:  # an unreadable sheet is not ours to replace
            return ""
        return ""

    @property
    def has_our_changes_sheet(self) -> bool:
        """Whether the plan has the Changes sheet of an earlier collect (it is replaced)."""
        return bool(self._changes_name)

    def _changes_xml(self, changes: Sequence[ChangeRow], *, header: int, wrapped: int) -> bytes:
        """The Changes sheet: a bold header row, frozen; values wrapped; printed landscape,
        as wide as the page."""
        namespace = _STRICT_MAIN if _STRICT_MAIN.encode() in self.workbook_xml[:2000] else _MAIN
        rows = [_changes_row(1, CHANGES_HEADERS, header)]
        rows += [
            _changes_row(number, change.cells(), wrapped)
            for number, change in enumerate(changes, start=2)
        ]
        last = len(changes) + 1
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
            for n, width in enumerate(_CHANGES_WIDTHS, start=1)
        )
        return (
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{namespace}">'
                '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                f'<dimension ref="A1:{column_letter(len(CHANGES_HEADERS))}{last}"/>'
                '<sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                "</sheetView></sheetViews>"
                '<sheetFormatPr defaultRowHeight="15"/>'
                f"<cols>{cols}</cols>"
                "<sheetData>"
            ).encode()
            + b"".join(rows)
            + (
                b"</sheetData>"
                b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                b'footer="0.3"/>'
                b'<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                b"</worksheet>"
            )
        )

    def _listing_with(self, part: str, name: str) -> dict[str, bytes]:
        """workbook.xml, its relationships and the content types, each with the new sheet."""
        targets = self._targets()
        # The worksheet relationship type as this package spells it (transitional or strict).
        sheet_type = next(kind for _, kind in targets.values() if kind.endswith("/worksheet"))
        rid = unused_id(set(targets))
        target = relative(part, posixpath.dirname(self.workbook_part))
        rels = self._inserted(
            self.rels_xml, b"Relationships", relationship_element(rid, sheet_type, target)
        )
        sheet_id = max((sheet_id for _, sheet_id, _ in self.sheets), default=0) + 1
        try:
            workbook = with_sheet(
                self.workbook_xml, name, rid, sheet_id, sheet_type.rpartition("/")[0]
            )
        except ValueError as error:
            raise self._not_writable(error) from None
        override = (f'<Override PartName="/{part}" ContentType="{_WORKSHEET_TYPE}"/>').encode()
        types = self._inserted(self.content_types, b"Types", override)
        return {self.workbook_part: workbook, self.rels_part: rels, "[Content_Types].xml": types}

    def _inserted(self, xml: bytes, tag: bytes, element: bytes) -> bytes:
        """``xml`` with ``element`` just before its last ``</tag>``."""
        result = insert_before_close(xml, tag, element)
        if result is None:
            raise self._not_writable(ValueError(f"the package has no </{tag.decode()}>"))
        return result


class _SheetPart:
    """One worksheet's XML, indexed by row, for finding and replacing cells in place."""

    def __init__(self, path: Path, name: str, part: str, xml: bytes, date1904: bool) -> None:
        self.path = path
        self.name = name
        self.part = part
        self.sheet_xml = xml
        self.date1904 = date1904
        found = _PREFIX.search(xml)
        self.prefix = (found[1] or b"") if found else b""

    @cached_property
    def _rows(self) -> dict[int, _Row]:
        rows: dict[int, _Row] = {}
        number = 0
        for found in _ROW.finditer(self.sheet_xml):
            start_tag = _START_TAG.match(found[0])
            declared = attribute(start_tag[0], b"r") if start_tag else None
            number = int(declared) if declared else number + 1
            rows[number] = _Row(number, found.start(), found.end())
        return rows

    @cached_property
    def _row_order(self) -> list[int]:
        return sorted(self._rows)

    def _cells_of(self, row: _Row) -> list[tuple[int, int, int, bytes]]:
        """(column, start, end, element) of each cell in ``row``, positions in the sheet."""
        cells = []
        column = 0
        body = self.sheet_xml[row.start : row.end]
        for found in _CELL.finditer(body):
            start_tag = _START_TAG.match(found[0])
            ref = attribute(start_tag[0], b"r") if start_tag else None
            letters = re.match(rb"[A-Z]+", ref) if ref else None
            column = column_number(letters[0]) if letters else column + 1
            cells.append((column, row.start + found.start(), row.start + found.end(), found[0]))
        return cells

    def unwritable(self, cells: Iterable[str]) -> dict[str, str]:
        """Of the A1 ``cells``, those that must not be overwritten, each with the reason."""
        reasons: dict[str, str] = {}
        wanted: dict[int, dict[int, str]] = {}
        for cell in cells:
            found = _A1.fullmatch(cell)
            if found is None:
                reasons[cell] = "it is not a cell reference"
                continue
            row, column = int(found[2]), column_number(found[1])
            wanted.setdefault(row, {})[column] = cell
        spots = {(row, column) for row, columns in wanted.items() for column in columns}
        with contextlib.suppress(SheetNotEditable):  # no cells at all: writing says so
            for row, column in merged_top_left(self.sheet_xml, spots):
                reasons[wanted[row][column]] = "it is part of a merged cell"
        for number, columns in wanted.items():
            found_row = self._rows.get(number)
            if found_row is None:
                continue
            for column, _, _, element in self._cells_of(found_row):
                if column in columns and _FORMULA.search(element):
                    reasons[columns[column]] = "it holds a formula"
        return reasons

    def patched(self, values: Mapping[str, Any], styles: Stylesheet | None) -> bytes:
        """The sheet's XML with ``values`` (A1 -> value) written in: each cell replaced, or
        inserted where the sheet has none (sheet_marks.edit_cells, as annotate marks)."""
        cells: dict[tuple[int, int], Any] = {}
        for cell, value in values.items():
            found = _A1.fullmatch(cell)
            if found is None:
                raise ValueError(f"not a cell: {cell}")
            cells[(int(found[2]), column_number(found[1]))] = value

        def write(slot: Slot, value: Any) -> bytes:
            style = str(slot.style).encode() if slot.style is not None else None
            if slot.element is None and style is None:
                style = self._neighbour_style(slot.row, slot.column)
            return self._cell(slot.column, slot.row, value, style, styles)

        try:
            return edit_cells(self.sheet_xml, cells, write)
        except SheetNotEditable:
            raise NotWritable(
                f"{self.path}: the sheet {self.name!r} has no cell data to write into; "
                "open it in Excel, save it again and run collect on that"
            ) from None

    def _cell(
        self, column: int, row: int, value: Any, style: bytes | None, styles: Stylesheet | None
    ) -> bytes:
        """A ``<c>`` element holding ``value`` as a value (never a formula)."""
        ref = f"{column_letter(column)}{row}".encode()
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date) and styles is not None:
            style = str(styles.date_style(int(style) if style and style.isdigit() else 0)).encode()
        attrs = b'r="' + ref + b'"' + (b' s="' + style + b'"' if style else b"")
        if value is None or value == "":
            return b"<" + self.prefix + b"c " + attrs + b"/>"
        if isinstance(value, dt.date):
            epoch = _EPOCH_1904 if self.date1904 else _EPOCH_1900
            return self._value_cell(attrs, str((value - epoch).days).encode())
        if isinstance(value, bool):
            return self._value_cell(attrs + b' t="b"', b"1" if value else b"0")
        if isinstance(value, (int, float)):
            number = str(int(value)) if float(value).is_integer() else repr(float(value))
            return self._value_cell(attrs, number.encode())
        return _inline_string(self.prefix, attrs, str(value))

    def _value_cell(self, attrs: bytes, value: bytes) -> bytes:
        p = self.prefix
        return (
            b"<" + p + b"c " + attrs + b"><" + p + b"v>" + value + b"</" + p + b"v></" + p + b"c>"
        )

    def _neighbour_style(self, row: int, column: int) -> bytes | None:
        """The style of the nearest cell in the same column, so a cell that was empty looks
        like its neighbours (as Excel extends a column's formatting as you type)."""
        numbers = self._row_order
        at = bisect.bisect_left(numbers, row)
        after = at + 1 if at < len(numbers) and numbers[at] == row else at
        nearby = numbers[max(0, at - NEIGHBOURS) : at][::-1] + numbers[after : after + NEIGHBOURS]
        for number in nearby:
            for other, _, _, element in self._cells_of(self._rows[number]):
                if other == column:
                    tag = _START_TAG.match(element)
                    style = attribute(tag[0], b"s") if tag else None
                    if style:
                        return style
        return None

    # -- The Changes sheet ------------------------------------------------------------


def _inline_string(prefix: bytes, attrs: bytes, text: str) -> bytes:
    p = prefix
    return (
        b"<"
        + p
        + b"c "
        + attrs
        + b' t="inlineStr"><'
        + p
        + b"is><"
        + p
        + b't xml:space="preserve">'
        + _text(text)
        + b"</"
        + p
        + b"t></"
        + p
        + b"is></"
        + p
        + b"c>"
    )


def _changes_row(number: int, values: Sequence[str], style: int) -> bytes:
    cells = []
    lines = 1
    for column, value in enumerate(values, start=1):
        if not value:
            continue
        ref = f"{column_letter(column)}{number}".encode()
        attrs = b'r="' + ref + b'"' + (f' s="{style}"'.encode() if style else b"")
        cells.append(_inline_string(b"", attrs, value))
        lines = max(lines, lines_needed(value, _CHANGES_WIDTHS[column - 1]))
    height = f' ht="{row_height(lines)}" customHeight="1"' if lines > 1 else ""
    return f'<row r="{number}"{height}>'.encode() + b"".join(cells) + b"</row>"
