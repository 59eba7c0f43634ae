"""`--annotate`: a copy of the workbook with every finding's cell highlighted and explained.

The copy is the whole workbook: every part of the package is copied as it is stored (its
compressed bytes, never inflated) except the few that change, which are edited as bytes:

* each sheet with a problem cell, where only those cells' style indices change (a cell the
  sheet does not have yet is inserted); the cell keeps its value, formula and look, and is
  filled light red (error) or amber (warning);
* styles.xml, where the highlighted formats are appended (each copied from the cell's own);
* the sheets' notes (comments part and VML drawing, added or appended to) explaining each
  problem, on at most ``MAX_COMMENTS`` cells;
* a "boardpack findings" sheet listing every finding with a link to its cell, and the three
  small parts that list sheets (workbook, its relationships, content types).

So pivot tables, charts, pictures, slicers, data validations, conditional formats and
everything else the workbook holds survive untouched, and the cost follows the size of the
sheets with problems, not the workbook's features. A macro-enabled source (.xlsm) gives a
plain .xlsx: its macros are neither run nor copied. The source is never written.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

from defusedxml import ElementTree

from generator.check.cell_notes import (
    COMMENTS_CONTENT_TYPE,
    VML_CONTENT_TYPE,
    Note,
    comments_with,
    drawing_with,
    new_comments,
    new_drawing,
    noted_cells,
    used_shape_blocks,
)
from generator.check.findings_sheet import FINDINGS_SHEET, cell_text, findings_sheet
from generator.check.highlight_styles import Stylesheet, new_stylesheet
from generator.check.sheet_marks import (
    Cell,
    is_tab_selected,
    legacy_drawing_id,
    mark_cells,
    merged_top_left,
    with_legacy_drawing,
    without_tab_selection,
)
from generator.common.a1 import column_number
from generator.common.atomic import refuse_overwriting_input, write_zip_atomically
from generator.common.files import read_bytes_or_raise
from generator.common.ooxml import (
    CONTENT_TYPES,
    ContentTypes,
    Relationship,
    attribute,
    copied_entry,
    copy_stored,
    new_relationships,
    read_relationships,
    relationship_element,
    relationships_part,
    relative,
    unused_id,
    unused_sheet_name,
    with_attribute,
    with_sheet,
)
from generator.errors import AnnotationRefused, OutputError, UnreadableWorkbook
from generator.findings import Finding, Severity
from generator.read.guard import read_part

__all__ = ["FINDINGS_SHEET", "MAX_COMMENTS", "annotate_workbook"]

#: Cells given a note; every cell with a finding is highlighted and listed regardless.
MAX_COMMENTS = 1000

# Excel's own "light red" and "yellow" conditional-format fills, which users already read
# as "bad" and "check this".
COLOURS = {Severity.ERROR: b"FFFFC7CE", Severity.WARNING: b"FFFFEB9C"}

_MAX_ROW = 1_048_576
_MAX_COLUMN = 16_384
_A1 = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TRANSITIONAL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_MACRO_KINDS = frozenset({"vbaProject", "vbaProjectSignature", "vbaProjectSignatureAgile"})
_SHEET_HEAD = 64 * 1024  # how much of a sheet is read to see whether its tab is selected
Parsed = TypeVar("Parsed")


def annotate_workbook(
    source: Path, destination: Path, findings: Sequence[Finding], data: bytes | None = None
) -> int:
    """Write a copy of ``source`` to ``destination`` with ``findings`` marked on their cells.

    Several findings on one cell share one note; the cell's fill follows the most severe.
    Findings with no cell (or a cell the workbook does not have) appear only in the
    "boardpack findings" sheet. Returns the number of cells highlighted. ``data``: the
    workbook's bytes when they are not the file's own (decrypted with Excel's default
    password). Raises AnnotationRefused, saying why, for a workbook whose cells are not
    kept as .xlsx XML (.xls, .xlsb, .ods) or whose parts cannot be edited.
    """
    if destination.suffix.lower() != ".xlsx":
        raise OutputError(
            f"{destination}: an annotated copy is saved as .xlsx; choose a name ending in .xlsx"
        )
    refuse_overwriting_input(destination, source)
    content = (
        data if data is not None else read_bytes_or_raise(source, UnreadableWorkbook, "workbook")
    )
    archive = _open_package(source, content)
    with archive:
        try:
            copy = _Package(source, archive).annotated(findings)
        except (ValueError, KeyError, ElementTree.ParseError, UnreadableWorkbook) as error:
            # A part missing or not laid out as the standard says (ValueError, with defused
            # XML's refusals); one too large or damaged (UnreadableWorkbook, from measuring).
            text = str(error.args[0] if isinstance(error, KeyError) and error.args else error)
            reason = text.strip().splitlines()[0][:160] if text.strip() else ""
            reason = reason.removeprefix(f"{source}: ")
            raise AnnotationRefused(
                f"{source}: no annotated copy written: the workbook's parts cannot be edited"
                f"{f' ({reason})' if reason else ''}; the findings above are complete"
            ) from None
        try:
            write_zip_atomically(destination, lambda buffer: copy.write(archive, buffer))
        except zipfile.BadZipFile:  # a part's stored bytes cannot be found where listed
            raise AnnotationRefused(
                f"{source}: no annotated copy written: the workbook's zip structure is damaged, "
                "so its parts cannot be copied; open it in Excel, save it again and annotate "
                "that; the findings above are complete"
            ) from None
    return copy.highlighted


def _open_package(source: Path, content: bytes) -> zipfile.ZipFile:
    """The workbook as a zip package, or AnnotationRefused saying what it is instead."""
    refusal = (
        f"{source}: no annotated copy written: {{what}}, which keeps its cells in a form "
        "boardpack cannot edit (it annotates an .xlsx workbook's own XML); save it as .xlsx "
        "and annotate that; the findings above are complete"
    )
    if content.startswith(_OLE2):
        raise AnnotationRefused(refusal.format(what="it is an Excel 97-2003 workbook (.xls)"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise AnnotationRefused(refusal.format(what="it is not an .xlsx package")) from None
    names = {name.lower() for name in archive.namelist()}
    if len(names) != len(archive.namelist()):
        archive.close()
        raise AnnotationRefused(
            f"{source}: no annotated copy written: the workbook holds two copies of a part, "
            "so programs may disagree about it; open it in Excel, save it again and annotate "
            "that; the findings above are complete"
        )
    if "mimetype" in names or "meta-inf/manifest.xml" in names:
        archive.close()
        raise AnnotationRefused(refusal.format(what="it is an OpenDocument spreadsheet (.ods)"))
    if "xl/workbook.bin" in names:
        archive.close()
        raise AnnotationRefused(refusal.format(what="it is an Excel binary workbook (.xlsb)"))
    return archive


@dataclass
class _Sheet:
    name: str
    sheet_id: int
    relationship: Relationship


@dataclass
class _Copy:
    """What the annotated copy is: parts replaced, dropped and added."""

    replaced: dict[str, bytes] = field(default_factory=dict)
    added: dict[str, bytes] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    highlighted: int = 0

    def write(self, source: zipfile.ZipFile, buffer: IO[bytes]) -> None:
        """Write the copy: every part of ``source`` as stored unless replaced or dropped."""
        stamp = (1980, 1, 1, 0, 0, 0)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                stamp = max(stamp, info.date_time)
                if info.filename in self.dropped:
                    continue
                if info.filename in self.replaced:
                    target.writestr(copied_entry(info), self.replaced[info.filename])
                else:
                    copy_stored(source, info, target)
            for name, data in self.added.items():
                entry = zipfile.ZipInfo(name, stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(entry, data)


class _Package:
    """The source workbook's package, read as far as annotating needs."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.names = {name.lower(): name for name in archive.namelist()}
        self.parts: dict[str, bytes] = {}  # parts read, edited in place until written
        self.content_types = self.parsed(CONTENT_TYPES, ContentTypes)
        self.workbook_part = self._workbook_part()
        self.workbook_rels_part = relationships_part(self.workbook_part)
        self.relationships = self.relationships_of(self.workbook_part)
        workbook = self.parsed(self.workbook_part, ElementTree.fromstring)
        self.namespace = workbook.tag[1:].partition("}")[0] if "}" in workbook.tag else _MAIN
        worksheet_types = [r.type for r in self.relationships if r.kind == "worksheet"]
        self.relationship_base = (
            worksheet_types[0].rpartition("/")[0] if worksheet_types else _TRANSITIONAL
        )
        by_id = {r.id: r for r in self.relationships}
        self.sheets: list[_Sheet] = []
        for element in workbook.iter():
            if not element.tag.endswith("}sheet") and element.tag != "sheet":
                continue
            rid = next((value for key, value in element.attrib.items() if key.endswith("}id")), "")
            if rid in by_id:
                sheet_id = element.get("sheetId", "0")
                self.sheets.append(
                    _Sheet(
                        element.get("name", ""),
                        int(sheet_id) if sheet_id.isdigit() else 0,
                        by_id[rid],
                    )
                )
        self.copy = _Copy()

    # -- Reading -------------------------------------------------------------------------

    def has(self, part: str) -> bool:
        """Whether the package (as edited so far) holds ``part``."""
        key = part.lower()
        return key in self.names or key in self.parts

    def read(self, part: str) -> bytes:
        """A part's bytes (as edited so far), measured as it is inflated."""
        key = part.lower()
        if key not in self.parts:
            if key not in self.names:
                raise ValueError(f"the part {part} is missing")
            self.parts[key] = read_part(self.path, self.archive, self.names[key])
        return self.parts[key]

    def head(self, part: str) -> bytes:
        """The first bytes of a part, without inflating the rest."""
        with self.archive.open(self.names[part.lower()]) as stream:
            return stream.read(_SHEET_HEAD)

    def put(self, part: str, data: bytes) -> None:
        """Give ``part`` new contents (replacing it, or adding it to the package)."""
        key = part.lower()
        self.parts[key] = data
        if key in self.names:
            self.copy.replaced[self.names[key]] = data
        else:
            self.copy.added[part] = data

    def unused_name(self, pattern: str) -> str:
        """The first name ``pattern`` (with "{}" for a number) makes that is not taken."""
        number = 1
        while self.has(pattern.format(number)):
            number += 1
        return pattern.format(number)

    def _workbook_part(self) -> str:
        if self.has("_rels/.rels"):
            for relationship in self.relationships_of(""):
                if relationship.kind == "officeDocument" and self.has(relationship.target):
                    return self.names[relationship.target.lower()]
        return "xl/workbook.xml"

    def relationships_of(self, part: str) -> list[Relationship]:
        """The relationships of ``part`` ("" for the package's own), as edited so far."""
        rels = relationships_part(part) if part else "_rels/.rels"
        if not self.has(rels):
            return []
        return self.parsed(rels, lambda xml: read_relationships(xml, part))

    def parsed(self, part: str, parse: Callable[[bytes], Parsed]) -> Parsed:
        """``parse`` of the part's bytes; a ValueError naming the part if it is not XML."""
        try:
            return parse(self.read(part))
        except ElementTree.ParseError as error:
            raise ValueError(f"{part} is not well-formed XML ({error})") from None

    def add_relationship(self, part: str, kind: str, target: str) -> str:
        """Relate ``part`` to ``target`` (a part name) with the relationship ``kind``
        ("comments", "vmlDrawing"...); the new relationship's id."""
        rels = relationships_part(part)
        existing = self.relationships_of(part)
        rid = unused_id({r.id for r in existing})
        element = relationship_element(
            rid, f"{self.relationship_base}/{kind}", relative(target, posixpath.dirname(part))
        )
        if self.has(rels):
            xml = self.read(rels)
            closing = re.search(rb"</(\w+:)?Relationships>", xml)
            if closing is None:
                raise ValueError(f"{rels} has no </Relationships>")
            prefixed = element.replace(b"<", b"<" + (closing[1] or b""), 1)
            self.put(rels, xml[: closing.start()] + prefixed + xml[closing.start() :])
        else:
            self.put(rels, new_relationships(element))
        return rid

    # -- Annotating ----------------------------------------------------------------------

    def annotated(self, findings: Sequence[Finding]) -> _Copy:
        """Plan the copy with ``findings`` marked, listed and explained."""
        worksheets = {
            sheet.name: sheet
            for sheet in self.sheets
            if sheet.relationship.kind == "worksheet" and self.has(sheet.relationship.target)
        }
        by_sheet: dict[str, dict[Cell, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        for finding in findings:
            cell = _cell_of(finding)
            if cell is not None and finding.sheet in worksheets:
                by_sheet[finding.sheet][cell].append(finding)

        styles = self._stylesheet()
        located: set[Finding] = set()
        notes_left = MAX_COMMENTS
        blocks = self._shape_blocks()
        for name, cells in by_sheet.items():
            part = worksheets[name].relationship.target
            xml = self.read(part)
            for moved, top_left in merged_top_left(xml, set(cells)).items():
                cells[top_left].extend(cells.pop(moved))
            marks = {cell: _worst(found) for cell, found in cells.items()}
            xml = mark_cells(
                xml, marks, lambda style, mark: styles.highlighted(style, COLOURS[mark])
            )
            notes = [
                Note(row, column, _note_text(found))
                for (row, column), found in list(cells.items())[: max(notes_left, 0)]
            ]
            notes_left -= len(notes)
            if notes:
                blocks.append(max(blocks) + 1)
                xml = self._with_notes(part, xml, notes, blocks[-1])
            self.put(part, without_tab_selection(xml))
            located.update(f for found in cells.values() for f in found)
            self.copy.highlighted += len(cells)

        self._add_findings_sheet(findings, located, styles)
        if styles.changed:
            self.put(self._styles_part(), styles.xml)
        self._drop_macros()
        self.put(CONTENT_TYPES, self.content_types.xml)
        return self.copy

    def _stylesheet(self) -> Stylesheet:
        part = next((r.target for r in self.relationships if r.kind == "styles"), None)
        if part is not None and self.has(part):
            return Stylesheet(self.read(part))
        return Stylesheet(new_stylesheet(self.namespace))

    def _styles_part(self) -> str:
        """The styles part, related to the workbook (and typed) if the source had none."""
        part = next((r.target for r in self.relationships if r.kind == "styles"), None)
        if part is not None and self.has(part):
            return part
        part = posixpath.join(posixpath.dirname(self.workbook_part), "styles.xml")
        if self.has(part):
            part = self.unused_name(posixpath.join(posixpath.dirname(part), "styles{}.xml"))
        self.add_relationship(self.workbook_part, "styles", part)
        self.content_types.override(part, _STYLES)
        return part

    def _shape_blocks(self) -> list[int]:
        """The VML shape-id blocks the package's drawings already use (0 if none)."""
        used = {0}
        for name in self.names.values():
            if name.lower().endswith(".vml"):
                used |= used_shape_blocks(self.read(name))
        return [max(used)]

    def _with_notes(self, part: str, xml: bytes, notes: list[Note], block: int) -> bytes:
        """The sheet ``xml`` with ``notes`` added to (or given) its comments and drawing."""
        relationships = self.relationships_of(part)
        comments_part = next((r.target for r in relationships if r.kind == "comments"), None)
        if comments_part is not None and self.has(comments_part):
            had = self.parsed(comments_part, noted_cells)
            self.put(
                comments_part, self.parsed(comments_part, lambda xml: comments_with(xml, notes))
            )
        else:
            had = set()
            comments_part = self.unused_name(
                posixpath.join(posixpath.dirname(self.workbook_part), "comments{}.xml")
            )
            self.put(comments_part, new_comments(notes, self.namespace))
            self.add_relationship(part, "comments", comments_part)
            self.content_types.override(comments_part, COMMENTS_CONTENT_TYPE)
        boxes = [note for note in notes if (note.row, note.column) not in had]
        drawing_id = legacy_drawing_id(xml)
        drawing = next(
            (r.target for r in relationships if r.id == drawing_id and not r.external), None
        )
        if drawing is not None and self.has(drawing):
            self.put(drawing, drawing_with(self.read(drawing), boxes, block))
            return xml
        if drawing_id is not None:
            return xml  # a drawing the package lacks: the notes are listed, not drawn
        drawing = self.unused_name(
            posixpath.join(posixpath.dirname(self.workbook_part), "drawings", "vmlDrawing{}.vml")
        )
        self.put(drawing, new_drawing(boxes, block))
        self.content_types.default("vml", VML_CONTENT_TYPE)
        rid = self.add_relationship(part, "vmlDrawing", drawing)
        return with_legacy_drawing(xml, rid, self.relationship_base)

    def _add_findings_sheet(
        self, findings: Sequence[Finding], located: set[Finding], styles: Stylesheet
    ) -> None:
        """The findings sheet, replacing one from an earlier annotation, shown first."""
        listing = styles.listing()
        xml = findings_sheet(
            findings,
            located=located,
            sheets={sheet.name for sheet in self.sheets},
            styles={"header": listing.header, "link": listing.link, "wrapped": listing.wrapped},
            severity_styles={
                severity: styles.highlighted(0, colour) for severity, colour in COLOURS.items()
            },
            namespace=self.namespace,
        )
        earlier = next(
            (
                sheet
                for sheet in self.sheets
                if sheet.name == FINDINGS_SHEET and sheet.relationship.kind == "worksheet"
            ),
            None,
        )
        workbook = self.read(self.workbook_part)
        if earlier is not None and self.has(earlier.relationship.target):
            self.put(earlier.relationship.target, xml)
            position = self.sheets.index(earlier)
        else:
            name = unused_sheet_name(FINDINGS_SHEET, (sheet.name for sheet in self.sheets))
            part = self.unused_name(
                posixpath.join(posixpath.dirname(self.workbook_part), "worksheets", "sheet{}.xml")
            )
            self.put(part, xml)
            self.content_types.override(part, _WORKSHEET)
            rid = self.add_relationship(self.workbook_part, "worksheet", part)
            sheet_id = max((sheet.sheet_id for sheet in self.sheets), default=0) + 1
            workbook = with_sheet(workbook, name, rid, sheet_id, self.relationship_base)
            position = len(self.sheets)
        self.put(self.workbook_part, _with_active_tab(workbook, position))
        for sheet in self.sheets:
            if sheet is earlier or not self.has(sheet.relationship.target):
                continue
            part = sheet.relationship.target
            if part.lower() not in self.parts and is_tab_selected(self.head(part)):
                self.put(part, without_tab_selection(self.read(part)))

    def _drop_macros(self) -> None:
        """Leave the macros of an .xlsm (or .xltm) out: the copy is a plain .xlsx."""
        main = self.content_types.of(self.workbook_part)
        if main and main != _SHEET_MAIN:  # macro-enabled, or a template
            self.content_types.override(self.workbook_part, _SHEET_MAIN)
        macros = [r for r in self.relationships if r.kind in _MACRO_KINDS and not r.external]
        for relationship in macros:
            parts = [relationship.target]
            parts += [r.target for r in self.relationships_of(relationship.target)]
            for part in parts:
                if part.lower() in self.names:
                    self.copy.dropped.add(self.names[part.lower()])
                    self.content_types.remove(part)
            rels = relationships_part(relationship.target)
            if rels.lower() in self.names:
                self.copy.dropped.add(self.names[rels.lower()])
            pattern = rb"<(?:\w+:)?Relationship\b[^>]*?\bId=\"" + re.escape(
                relationship.id.encode()
            ) + rb"\"[^>]*?/>"  # fmt: skip
            self.put(
                self.workbook_rels_part,
                re.sub(pattern, b"", self.read(self.workbook_rels_part), count=1),
            )
        if macros and "vbaproject" in self.content_types.defaults.get("bin", "").lower():
            remaining = [
                name
                for key, name in self.names.items()
                if key.endswith(".bin") and name not in self.copy.dropped
            ]
            if all(name.lower() in self.content_types.overrides for name in remaining):
                self.content_types.remove_default("bin")


def _cell_of(finding: Finding) -> Cell | None:
    """(row, column) of the cell ``finding`` names, or None when it names no real cell."""
    match = _A1.fullmatch(finding.cell.upper()) if finding.cell else None
    if match is None:
        return None
    column, row = column_number(match[1]), int(match[2])
    if row > _MAX_ROW or column > _MAX_COLUMN:
        return None
    return row, column


def _worst(findings: list[Finding]) -> Severity:
    errors = any(finding.severity is Severity.ERROR for finding in findings)
    return Severity.ERROR if errors else Severity.WARNING


def _note_text(findings: list[Finding]) -> str:
    return cell_text(
        "\n\n".join(
            f"{finding.severity.value.capitalize()} ({finding.rule}): {finding.message}"
            for finding in findings
        )
    )


def _with_active_tab(workbook: bytes, position: int) -> bytes:
    """workbook.xml opening on the sheet at ``position`` (from 0)."""
    view = re.search(rb"<(?:\w+:)?workbookView\b[^>]*?/?>", workbook)
    if view is None:
        return workbook
    tag = with_attribute(view[0], b"activeTab", str(position).encode())
    first = attribute(tag, b"firstSheet")
    if first and first.isdigit() and int(first) > position:
        tag = with_attribute(tag, b"firstSheet", str(position).encode())
    return workbook[: view.start()] + tag + workbook[view.end() :]
