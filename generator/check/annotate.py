"""`--annotate`: a copy of the workbook with every finding's cell highlighted and explained.

The copy keeps the workbook's values and formulas (openpyxl reads it with ``data_only=False``);
each cell with a finding gets a light red (error) or amber (warning) fill and a comment, and
a "boardpack findings" sheet lists every finding with a link to its cell. openpyxl does not
carry over charts, images or some newer Excel features, which is acceptable for a copy made
to fix data in; the source workbook itself is never written. A macro-enabled source (.xlsm)
is read as data only: its macros are neither run nor copied, and the copy is a plain .xlsx.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import openpyxl
from defusedxml import ElementTree
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from generator.common.a1 import column_number
from generator.common.atomic import refuse_overwriting_input, write_zip_atomically
from generator.common.files import read_bytes_or_raise
from generator.common.xmltext import xml_safe
from generator.errors import AnnotationRefused, OutputError, UnreadableWorkbook
from generator.findings import Finding, Severity

FINDINGS_SHEET = "boardpack findings"
#: Cells given a comment; every cell with a finding is highlighted and listed regardless.
MAX_COMMENTS = 1000
AUTHOR = "boardpack"

# Excel's own "light red" and "yellow" conditional-format fills, which users already read
# as "bad" and "check this".
FILLS = {
    Severity.ERROR: PatternFill(fill_type="solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill(fill_type="solid", fgColor="FFEB9C"),
}

_EXCEL_CELL_LIMIT = 32_767
_MAX_ROW = 1_048_576
_MAX_COLUMN = 16_384
_A1 = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_HEADERS = ("Sheet", "Cell", "Ref", "Column", "Rule", "Severity", "Message", "Value")
_WIDTHS = (16, 10, 12, 18, 24, 10, 70, 30)


def annotate_workbook(
    source: Path, destination: Path, findings: Sequence[Finding], data: bytes | None = None
) -> int:
    """Write a copy of ``source`` to ``destination`` with ``findings`` marked on their cells.

    Several findings on one cell share one comment; the cell's fill follows the most
    severe. Findings with no cell (or a cell the workbook does not have) appear only in
    the "boardpack findings" sheet. Returns the number of cells highlighted. ``data``: the
    workbook's bytes when they are not the file's own (decrypted with Excel's default
    password). Raises AnnotationRefused when openpyxl cannot open the workbook, or when the
    copy would lose parts of it (pivot tables, charts...): a copy is whole or not made.
    """
    if destination.suffix.lower() != ".xlsx":
        raise OutputError(
            f"{destination}: an annotated copy is saved as .xlsx; choose a name ending in .xlsx"
        )
    refuse_overwriting_input(destination, source)
    workbook = _load(source, data)

    by_cell: dict[Cell, list[Finding]] = defaultdict(list)
    for finding in findings:
        cell = _target_cell(workbook, finding)
        if cell is not None:
            by_cell[cell].append(finding)
    for number, (cell, cell_findings) in enumerate(by_cell.items()):
        # Every cell is highlighted; comments stop at MAX_COMMENTS, since each costs Excel a
        # drawn shape, and the findings sheet lists every finding whatever the count.
        _mark(cell, cell_findings, comment=number < MAX_COMMENTS)

    _add_findings_sheet(workbook, findings, located={f for fs in by_cell.values() for f in fs})

    def save_whole(buffer: IO[bytes]) -> None:
        with contextlib.redirect_stdout(io.StringIO()):  # openpyxl prints some complaints
            workbook.save(buffer)
        _refuse_a_partial_copy(source, data, buffer)

    write_zip_atomically(destination, save_whole)
    return len(by_cell)


def _load(source: Path, data: bytes | None = None) -> openpyxl.Workbook:
    # Read here, not by openpyxl, so no file is left open when openpyxl fails.
    content = (
        data if data is not None else read_bytes_or_raise(source, UnreadableWorkbook, "workbook")
    )
    # openpyxl warns about workbook features it drops (data validation extensions, unknown
    # styles), and prints some complaints to stdout, which belongs to boardpack's output.
    with io.BytesIO(content) as handle, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                return openpyxl.load_workbook(handle, data_only=False)
        # openpyxl fails on damaged or unusual files in many ways; none may become a
        # traceback, and validation (which does not use openpyxl) has already answered.
        except Exception as error:
            reason = str(error).strip().splitlines()[0][:120] if str(error).strip() else ""
            raise AnnotationRefused(
                f"{source}: no annotated copy written: openpyxl, which boardpack annotates "
                f"with, cannot open this workbook{f' ({reason})' if reason else ''}; the "
                "findings above are complete"
            ) from None


# Parts openpyxl leaves out on purpose or rebuilds: the macros of an .xlsm (never copied),
# the calculation chain (Excel rebuilds it), printer settings and custom XML properties.
# The workbook part itself changes type when an .xlsm or a template is saved as an .xlsx.
_DROPPED_ON_PURPOSE = (
    "vbaproject",
    "calcchain",
    "printersettings",
    "customxmlproperties",
    "macroenabled.main",
    "template.main",
)
_WHAT_IS_LOST = (
    ("pivot", "pivot tables"),
    ("slicer", "slicers"),
    ("timeline", "timelines"),
    ("chart", "charts"),
    ("drawing", "drawings"),
    ("externallink", "links to other workbooks"),
    ("table+xml", "tables"),
    ("control", "form controls"),
    ("activex", "ActiveX controls"),
    ("image", "pictures"),
    ("oleobject", "embedded objects"),
    ("connections", "data connections"),
    ("querytable", "queries"),
)


def _refuse_a_partial_copy(source: Path, data: bytes | None, copy: IO[bytes]) -> None:
    """Refuse a copy that lacks kinds of part the source had, or points at parts it lacks."""
    try:
        original = (
            zipfile.ZipFile(io.BytesIO(data)) if data is not None else zipfile.ZipFile(source)
        )
        with original, zipfile.ZipFile(copy) as written:
            lost = _part_types(original) - _part_types(written)
            dangling = _dangling_targets(written)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return  # the copy was written by openpyxl; nothing more can be learnt here
    lost = {kind for kind in lost if not any(part in kind for part in _DROPPED_ON_PURPOSE)}
    if not lost and not dangling:
        return
    names = sorted({name for key, name in _WHAT_IS_LOST for kind in lost if key in kind})
    what = ", ".join(names) or ", ".join(sorted(lost)) or f"parts ({', '.join(dangling[:3])})"
    raise AnnotationRefused(
        f"{source}: no annotated copy written: the copy would lose the workbook's {what}, "
        "which openpyxl (what boardpack annotates with) does not carry, and Excel would "
        "offer to repair it; the findings above are complete"
    )


def _part_types(archive: zipfile.ZipFile) -> set[str]:
    """The content types of the package's parts (by name, or by extension)."""
    root = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in root:
        kind = element.get("ContentType", "").lower()
        if element.tag.endswith("Default"):
            defaults[element.get("Extension", "").lower()] = kind
        elif element.tag.endswith("Override"):
            overrides[element.get("PartName", "").lstrip("/").lower()] = kind
    types = set()
    for name in archive.namelist():
        lower = name.lower()
        if lower.endswith(".rels") or lower == "[content_types].xml" or lower.endswith("/"):
            continue
        kind = overrides.get(lower) or defaults.get(lower.rpartition(".")[2], "")
        types.add(kind or lower.rpartition(".")[2])
    return types


def _dangling_targets(archive: zipfile.ZipFile) -> list[str]:
    """Internal relationship targets that the package does not hold."""
    names = {name.lower() for name in archive.namelist()}
    missing = []
    for name in archive.namelist():
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))  # "xl/_rels/x.rels" -> "xl"
        for relationship in ElementTree.fromstring(archive.read(name)):
            target = relationship.get("Target", "")
            if relationship.get("TargetMode", "").lower() == "external" or not target:
                continue
            part = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            if part.lower() not in names:
                missing.append(part)
    return missing


def _target_cell(workbook: openpyxl.Workbook, finding: Finding) -> Cell | None:
    """The cell ``finding`` points at, or None when it names no cell that exists."""
    if not finding.cell or finding.sheet not in workbook.sheetnames:
        return None
    sheet = workbook[finding.sheet]
    if not isinstance(sheet, Worksheet):
        return None
    match = _A1.fullmatch(finding.cell.upper())
    if match is None:
        return None
    column, row = column_number(match[1]), int(match[2])
    if row > _MAX_ROW or column > _MAX_COLUMN:
        return None
    cell = sheet.cell(row=row, column=column)
    if isinstance(cell, MergedCell):
        # Only the top-left cell of a merged range shows; mark that one.
        for merged in sheet.merged_cells.ranges:
            if cell.coordinate in merged:
                return sheet.cell(row=merged.min_row, column=merged.min_col)
        return None
    return cell


def _mark(cell: Cell, findings: list[Finding], *, comment: bool = True) -> None:
    worst = (
        Severity.ERROR if any(f.severity is Severity.ERROR for f in findings) else Severity.WARNING
    )
    cell.fill = FILLS[worst]
    if not comment:
        return
    notes = [f"{f.severity.value.capitalize()} ({f.rule}): {f.message}" for f in findings]
    if cell.comment is not None:
        notes.insert(0, cell.comment.text)
    text = _cell_text("\n\n".join(notes))
    note = Comment(text, AUTHOR)
    note.width = 320
    note.height = min(60 + 16 * (text.count("\n") + len(text) // 45), 600)
    cell.comment = note


def _add_findings_sheet(
    workbook: openpyxl.Workbook, findings: Sequence[Finding], located: set[Finding]
) -> None:
    """A sheet listing every finding (sheet-level ones first), linked to its cell."""
    if FINDINGS_SHEET in workbook.sheetnames:
        # The source is an earlier annotated copy: its list is out of date.
        del workbook[FINDINGS_SHEET]
    sheet = workbook.create_sheet(FINDINGS_SHEET)
    for column, (header, width) in enumerate(zip(_HEADERS, _WIDTHS, strict=True), start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"

    ordered = sorted(findings, key=lambda f: (bool(f.cell), f.severity is not Severity.ERROR))
    for row, finding in enumerate(ordered, start=2):
        values = (
            finding.sheet,
            finding.cell or "(whole sheet)",
            finding.ref,
            finding.column,
            finding.rule,
            finding.severity.value,
            finding.message,
            finding.value,
        )
        for column, value in enumerate(values, start=1):
            _put_text(sheet, row, column, value)
        sheet.cell(row=row, column=6).fill = FILLS[finding.severity]
        sheet.cell(row=row, column=7).alignment = Alignment(wrap_text=True, vertical="top")
        if finding in located or finding.sheet in workbook.sheetnames:
            link = sheet.cell(row=row, column=2)
            target = finding.cell if finding in located else "A1"
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=f"{quote_sheetname(finding.sheet)}!{target}"
            )
            link.style = "Hyperlink"
    sheet.auto_filter.ref = sheet.dimensions

    for other in workbook.worksheets:
        other.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    workbook.active = sheet


def _put_text(sheet: Worksheet, row: int, column: int, text: str) -> None:
    """Write ``text`` as text: cell text is data, so "=..." must not become a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = _cell_text(text)
    cell.data_type = "s"


def _cell_text(text: str) -> str:
    """``text`` as Excel can store it: no control characters, within the cell size limit."""
    text = xml_safe(text)
    if len(text) > _EXCEL_CELL_LIMIT:
        text = text[: _EXCEL_CELL_LIMIT - 1] + "…"
    return text
