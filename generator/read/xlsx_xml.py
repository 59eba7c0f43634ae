"""What only an .xlsx file's XML says about cells: fill colours and formulas with no value.

python-calamine gives values, not styles. Two checks need more: a Status given only as the
cell's colour, and a formula whose result was never saved (files written by scripts, or
never opened in Excel). Both are answered by scanning the sheet's XML with regular
expressions, which costs a few milliseconds where a full styled load would cost seconds.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from functools import cached_property, lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from generator.common.a1 import column_number

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_STYLE = re.compile(rb'\bs="([0-9]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")
_INLINE = re.compile(rb"<(?:\w+:)?is>")
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v>\s*([^<\s]+)")
# Markers with a literal start, which the regular expression engine finds by fast search.
_ERROR_TYPE = re.compile(rb' t="e"')
_PLAIN_FORMULA = re.compile(rb"<f\b")
_CELL_START = re.compile(rb"<(?:\w+:)?c\s")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")


def _cells_containing(
    xml: bytes, marker: re.Pattern[bytes], *, in_tag: bool = False
) -> Iterator[tuple[tuple[int, int], bytes, bytes]]:
    """((row, col) 0-based, attributes, content) of each cell whose XML holds ``marker``
    (in its start tag, with ``in_tag``).

    The search starts from the marker, which is rare (formulas, error cells, coloured
    cells), and works outwards to its cell, so a sheet of plain values costs one scan of
    the marker in C and nothing per cell.

    Every byte is looked at a bounded number of times whatever the XML, because a hostile
    sheet can hold markers by the thousand outside any cell or in cells never closed: the
    search back for a cell's start covers only what the previous marker did not, a start tag
    ends before the next ``<``, a cell's end is sought only up to the next cell's start, and
    a cell already answered (or found not to be one) is not examined again.
    """
    prefixed = b":c " in xml  # cells written as <x:c ...>, which a few programs do
    done = 0  # the end of the last cell given: markers before it were inside it
    searched = 0  # cell starts before here are known: ``start`` is the last of them
    start = examined = -1
    position = 0
    while (hit := marker.search(xml, position)) is not None:
        at = hit.start()
        position = max(hit.end(), at + 1)
        # A marker can begin on the space of "<c ", so the search runs one byte past it.
        found = xml.rfind(b"<c ", searched, at + 1)
        if prefixed:
            colon = xml.rfind(b":c ", searched, at + 1)
            if colon > found:
                found = xml.rfind(b"<", max(searched, colon - _MAX_PREFIX), colon)
        searched = max(searched, at - 2)
        if found >= 0:
            start = found
        if start < done or start == examined:
            continue  # no cell open here, or this cell was already found wanting
        examined = start
        cell = _cell_at(xml, start, at, in_tag=in_tag)
        if cell is not None:
            attrs, body, done = cell
            position = max(position, done)  # further markers in this cell are skipped in C
            ref = _REF.search(attrs)
            if ref:
                yield (int(ref[2]) - 1, column_number(ref[1]) - 1), attrs, body


#: The longest namespace prefix looked for before ``:c`` (``x`` in practice).
_MAX_PREFIX = 32
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\s[^<>]*>")


def _cell_at(xml: bytes, start: int, at: int, *, in_tag: bool) -> tuple[bytes, bytes, int] | None:
    """(attributes, content, end) of the cell whose start tag begins at ``start``, if the
    marker at ``at`` is inside it (inside its start tag, with ``in_tag``)."""
    tag = _CELL_TAG.match(xml, start)  # attributes never hold "<", so this stops at the next
    if tag is None:
        return None
    tag_end = tag.end() - 1
    if in_tag and at > tag_end:
        return None
    attrs = xml[start:tag_end]
    if attrs.endswith(b"/"):
        return (attrs, b"", tag_end) if at < tag_end else None
    following = _CELL_START.search(xml, tag_end)  # cells do not nest: the end comes first
    close = _CELL_END.search(xml, tag_end, following.start() if following else len(xml))
    if close is None or close.start() < at:
        return None
    return attrs, xml[tag_end + 1 : close.start()], close.end()


def _may_have_formulas(xml: bytes) -> bool:
    """A quick byte search before any regular expression runs over a large sheet."""
    return any(tag in xml for tag in (b"<f>", b"<f ", b":f>", b":f ", b"<f/>"))


class XlsxCells:
    """Answers about cells of one .xlsx file; safe to call on any zip (answers empty)."""

    def __init__(
        self,
        path: Path,
        parts_with_formulas: frozenset[str] | None = None,
        parts_with_errors: frozenset[str] | None = None,
        *,
        data: bytes | None = None,
    ) -> None:
        """``parts_with_*``: worksheet parts known to be worth a look (None: look at all);
        ``data``: the workbook's bytes when they are not the file's own (decrypted)."""
        self.path = path
        self._data = data
        self._formula_parts = parts_with_formulas
        self._error_parts = parts_with_errors

    def _worth_reading(self, sheet: str, parts: frozenset[str] | None) -> bool:
        return parts is None or self._parts.get(sheet) in parts

    @cached_property
    def _parts(self) -> dict[str, str]:
        archive = self._zip()
        if archive is None:
            return {}
        with archive:
            return _sheet_parts(archive)

    def empty_formulas(self, sheet: str) -> set[tuple[int, int]]:
        """(row, col), 0-based, of formula cells that have no saved value."""
        if not self._worth_reading(sheet, self._formula_parts):
            return set()
        xml = self._sheet_xml(sheet)
        if not xml or not _may_have_formulas(xml):
            return set()
        found = set()
        marker = _FORMULA if b":f" in xml else _PLAIN_FORMULA
        for ref, _, body in _cells_containing(xml, marker):
            if not _VALUE.search(body) and not _INLINE.search(body):
                found.add(ref)
        return found

    def error_values(self, sheet: str) -> dict[tuple[int, int], str]:
        """(row, col), 0-based, of cells holding a spreadsheet error such as #REF!, with it.

        calamine reads an error cell as empty; the XML marks it with t="e".
        """
        if not self._worth_reading(sheet, self._error_parts):
            return {}
        xml = self._sheet_xml(sheet)
        if not xml or b't="e"' not in xml:
            return {}
        found = {}
        for ref, _, body in _cells_containing(xml, _ERROR_TYPE):
            value = _ERROR_VALUE.search(body)
            found[ref] = value[1].decode("ascii", "replace") if value else "#VALUE!"
        return found

    def fills(self, sheet: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """Solid fill colours (RRGGBB) of the given (row, col) cells, where they have one."""
        if not cells:
            return {}
        return self._by_style(sheet, cells, self._style_fills())

    def number_formats(self, sheet: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """The number format code ("0%", "#,##0.0") of the given (row, col) cells, where it is
        not General: what Excel shows a number as. Read for a few cells of one small sheet
        (Measures), never for the whole plan."""
        if not cells:
            return {}
        return self._by_style(sheet, cells, self._style_number_formats())

    def _by_style(
        self, sheet: str, cells: set[tuple[int, int]], by_style: dict[int, str]
    ) -> dict[tuple[int, int], str]:
        """What ``by_style`` says of each given cell's style, for cells whose style it names."""
        xml = self._sheet_xml(sheet)
        if not xml or not by_style:
            return {}
        # Only cells with one of those styles are looked at, found by the style's number.
        styled = re.compile(
            rb' s="(?:' + b"|".join(str(index).encode() for index in sorted(by_style)) + rb')"'
        )
        found: dict[tuple[int, int], str] = {}
        for ref, attrs, _ in _cells_containing(xml, styled, in_tag=True):
            style = _STYLE.search(attrs)
            if ref in cells and style:
                found[ref] = by_style[int(style[1])]
        return found

    @cached_property
    def _styles(self) -> Element | None:
        """styles.xml, parsed once; None when the file has none or it is damaged (which only
        costs the number formats and the colour fallback)."""
        archive = self._zip()
        if archive is None:
            return None
        with archive:
            try:
                root: Element = ElementTree.fromstring(archive.read("xl/styles.xml"))
            except Exception:  # defusedxml, zlib, KeyError: any damage is the file's
                return None
        return root

    def _by_cell_format(self, attribute: str) -> Iterator[tuple[int, int]]:
        """Each cell format (cellXfs entry) by index, with the number its ``attribute`` gives
        (numFmtId, fillId); a format whose attribute is not a number is passed over."""
        root = self._styles
        xfs = root.find(f"{_NS_MAIN}cellXfs") if root is not None else None
        for index, xf in enumerate(xfs if xfs is not None else []):
            try:
                yield index, int(xf.get(attribute, "0") or 0)
            except ValueError:
                continue

    def _style_number_formats(self) -> dict[int, str]:
        """Cell style index -> its number format code, for styles that are not General."""
        root = self._styles
        if root is None:
            return {}
        custom = {
            int(element.get("numFmtId", "-1") or -1): element.get("formatCode", "")
            for element in root.iter(f"{_NS_MAIN}numFmt")
            if (element.get("numFmtId", "-1") or "-1").lstrip("-").isdigit()
        }
        result: dict[int, str] = {}
        for index, number in self._by_cell_format("numFmtId"):
            code = custom.get(number) or _BUILT_IN_NUMBER_FORMATS.get(number, "")
            if code and code != "General":
                result[index] = code
        return result

    def _zip(self) -> zipfile.ZipFile | None:
        try:
            return zipfile.ZipFile(io.BytesIO(self._data) if self._data else self.path)
        except (OSError, zipfile.BadZipFile):
            return None

    @lru_cache(maxsize=8)  # noqa: B019 - one small object per file read
    def _sheet_xml(self, sheet: str) -> bytes:
        archive = self._zip()
        if archive is None:
            return b""
        with archive:
            part = self._parts.get(sheet)
            if part is None:
                return b""
            try:
                return archive.read(part)
            except (KeyError, OSError, zipfile.BadZipFile):
                return b""

    def _style_fills(self) -> dict[int, str]:
        """Cell style index -> the colour of its solid fill, for styles that have one."""
        root = self._styles
        if root is None:
            return {}
        fills = [_solid_colour(fill) for fill in root.iter(f"{_NS_MAIN}fill")]
        return {
            index: fills[fill_id]
            for index, fill_id in self._by_cell_format("fillId")
            if 0 <= fill_id < len(fills) and fills[fill_id]
        }


#: Excel's built-in number formats that a Measures cell may use (ECMA-376 Part 1, 18.8.30).
_BUILT_IN_NUMBER_FORMATS = {
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
}


def _solid_colour(fill: Element) -> str:
    pattern = fill.find(f"{_NS_MAIN}patternFill")
    if pattern is None or pattern.get("patternType") != "solid":
        return ""
    colour = pattern.find(f"{_NS_MAIN}fgColor")
    rgb = colour.get("rgb", "") if colour is not None else ""
    return rgb[-6:].upper() if len(rgb) in (6, 8) else ""


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the zip member that holds it."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # no usable workbook part: nothing to add to calamine's reading
        return {}
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_NS_PKG_REL}Relationship")
    }
    parts = {}
    for element in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(element.get(f"{_NS_REL}id"), "")
        if target:
            parts[element.get("name", "")] = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
    return parts
