"""Hostile and awkward workbooks, generated on demand (large ones are never committed).

Each writer takes a path (usually under pytest's ``tmp_path``) and writes one kind of bad
input. The valid-but-nasty ones are real .xlsx packages written directly with zipfile, so even
300,000 rows take about a second.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import docx

from generator.common.a1 import column_letter

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _XML_DECLARATION
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    _XML_DECLARATION
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    _XML_DECLARATION + f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
    '<sheets><sheet name="Actions" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    _XML_DECLARATION
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# Style 1 is a yellow fill: what a user leaves behind by formatting whole columns.
_STYLES = (
    _XML_DECLARATION + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/></cellXfs>'
    "</styleSheet>"
)
_EMPTY_SHARED_STRINGS = _XML_DECLARATION + f'<sst xmlns="{_MAIN}" count="0" uniqueCount="0"/>'

HEADERS = ("Ref", "Section", "Action", "Lead", "Due date", "Status")
DATA_ROWS = (
    ("A1", "Leadership", "Appoint a permanent director", "Chief Executive", "30/06/2024", "Blue"),
    ("A2", "Leadership", "Publish the improvement plan", "Director", "31/07/2024", "Green"),
    ("B1", "Practice", "Audit case files monthly", "Head of Service", "31/08/2024", "Amber"),
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline_row(number: int, values: Iterable[str]) -> str:
    cells = "".join(
        f'<c r="{column_letter(index)}{number}" t="inlineStr"><is><t>{_escape(value)}</t></is></c>'
        for index, value in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'


def _data_rows() -> str:
    rows = [HEADERS, *DATA_ROWS]
    return "".join(_inline_row(number, values) for number, values in enumerate(rows, start=1))


def _worksheet(sheet_data: str, dimension: str | None = None) -> str:
    dimension_element = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        _XML_DECLARATION + f'<worksheet xmlns="{_MAIN}">{dimension_element}'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )


def _write_package(
    path: Path, sheet: str | Iterable[str], shared_strings: str = _EMPTY_SHARED_STRINGS
) -> None:
    """A one-sheet .xlsx; ``sheet`` may be an iterable of pieces, written as they come."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/sharedStrings.xml", shared_strings)
        pieces = [sheet] if isinstance(sheet, str) else sheet
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            for piece in pieces:
                stream.write(piece.encode())


def write_plain_xlsx(path: Path) -> Path:
    """A small, valid plan workbook: a header row and three actions."""
    _write_package(path, _worksheet(_data_rows()))
    return path


def write_plan_with_xml(
    path: Path, *, rows: str = "", after: str = "", lead_error: bool = False
) -> Path:
    """The small plan with raw XML added: ``rows`` after its data, ``after`` after the sheet
    data (a comment there is well-formed and holds anything); ``lead_error``: B1's Lead is
    the error #REF!, which validate must still find."""
    data = _data_rows()
    if lead_error:
        data = data.replace(
            '<c r="D4" t="inlineStr"><is><t>Head of Service</t></is></c>',
            '<c r="D4" t="e"><v>#REF!</v></c>',
        )
    _write_package(
        path,
        _XML_DECLARATION + f'<worksheet xmlns="{_MAIN}"><sheetData>{data}{rows}</sheetData>'
        f"{after}</worksheet>",
    )
    return path


def write_lying_dimension(path: Path) -> Path:
    """A few rows of data under a ``<dimension>`` that claims the whole grid, A1:XFD1048576."""
    _write_package(path, _worksheet(_data_rows(), dimension="A1:XFD1048576"))
    return path


def write_far_value(path: Path) -> Path:
    """A few rows of data plus one stray value in the very last cell, XFD1048576."""
    stray = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    _write_package(path, _worksheet(_data_rows() + stray))
    return path


def write_styled_empty_rows(path: Path, n: int = 300_000, columns: int = 14) -> Path:
    """A few data rows, then ``n`` empty rows whose every cell carries a fill (style 1).

    This is what a user leaves behind by selecting whole columns and colouring them.
    """
    letters = [column_letter(index + 1) for index in range(columns)]
    first = len(DATA_ROWS) + 2

    def pieces() -> Iterator[str]:
        yield _worksheet("\0").split("\0")[0] + _data_rows()
        batch: list[str] = []
        for number in range(first, first + n):
            cells = "".join(f'<c r="{letter}{number}" s="1"/>' for letter in letters)
            batch.append(f'<row r="{number}" s="1" customFormat="1">{cells}</row>')
            if len(batch) == 10_000:
                yield "".join(batch)
                batch.clear()
        yield "".join(batch) + "</sheetData></worksheet>"

    _write_package(path, pieces())
    return path


def _laugh(level: int) -> str:
    reference = "&lol;" if level == 1 else f"&lol{level - 1};"
    return f'<!ENTITY lol{level} "{reference * 10}">'


_LAUGHS = '<!DOCTYPE sst [<!ENTITY lol "lol">' + "".join(map(_laugh, range(1, 10))) + "]>"


def write_billion_laughs(path: Path) -> Path:
    """Shared strings whose DOCTYPE expands one reference into 10^9 "lol"s (3 GB of text)."""
    shared = (
        _XML_DECLARATION + _LAUGHS + f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    )
    sheet = _worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    _write_package(path, sheet, shared_strings=shared)
    return path


def write_external_entity(path: Path, target: str = "file:///etc/passwd") -> Path:
    """Shared strings that pull ``target`` in through an external entity (XXE)."""
    shared = (
        _XML_DECLARATION + f'<!DOCTYPE sst [<!ENTITY secret SYSTEM "{target}">]>'
        f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>&secret;</t></si></sst>'
    )
    sheet = _worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    _write_package(path, sheet, shared_strings=shared)
    return path


def write_zip_bomb(path: Path, inflated_bytes: int, declared_bytes: int | None = None) -> Path:
    """A valid .xlsx whose sheet inflates to ``inflated_bytes`` of whitespace between its rows.

    The deflate stream is built by repeating one compressed block of spaces (each block is
    flushed so it stands alone), so a 1.5 GB bomb takes well under a second to write and is
    about 1.5 MB on disk. ``declared_bytes`` makes the zip's directory lie about the sheet's
    unpacked size (its checksum is then that of the declared bytes, which do not match).
    """
    head = _worksheet(_data_rows()).split("</sheetData>")[0].encode()
    tail = b"</sheetData></worksheet>"
    padding = inflated_bytes - len(head) - len(tail)
    block = 1 * 1024 * 1024
    full_blocks, remainder = divmod(max(padding, 0), block)

    def deflate_alone(data: bytes, final: bool = False) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        flush = zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH
        return compressor.compress(data) + compressor.flush(flush)

    spaces = b" " * block
    packed_block = deflate_alone(spaces)
    crc = zlib.crc32(head)
    for _ in range(full_blocks):
        crc = zlib.crc32(spaces, crc)
    crc = zlib.crc32(b" " * remainder, crc)
    crc = zlib.crc32(tail, crc)
    packed = b"".join(
        [
            deflate_alone(head),
            packed_block * full_blocks,
            deflate_alone(b" " * remainder),
            deflate_alone(tail, final=True),
        ]
    )
    size = len(head) + full_blocks * block + remainder + len(tail)
    if declared_bytes is not None:
        size = declared_bytes
    _write_package(path, _worksheet(_data_rows()))
    _replace_member(path, "xl/worksheets/sheet1.xml", packed, size, crc)
    return path


def _replace_member(path: Path, name: str, packed: bytes, size: int, crc: int) -> None:
    """Rewrite the zip with ``name``'s raw deflate data, sizes and CRC given by hand."""
    with zipfile.ZipFile(path) as archive:
        others = [
            (info, archive.read(info)) for info in archive.infolist() if info.filename != name
        ]
    entries: list[tuple[bytes, int, int, int, int, int]] = []
    with path.open("wb") as out:
        members = [
            (info.filename.encode(), zlib.compress(data)[2:-4], len(data), zlib.crc32(data))
            for info, data in others
        ]
        members.append((name.encode(), packed, size, crc))
        for raw_name, data, raw_size, member_crc in members:
            offset = out.tell()
            zip64 = raw_size >= 0xFFFFFFFF or len(data) >= 0xFFFFFFFF
            extra = struct.pack("<HHQQ", 1, 16, raw_size, len(data)) if zip64 else b""
            sizes = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (len(data), raw_size)
            out.write(
                struct.pack(
                    "<IHHHHHIIIHH",
                    0x04034B50,
                    45 if zip64 else 20,
                    0,
                    8,
                    0,
                    0x21,
                    member_crc,
                    *sizes,
                    len(raw_name),
                    len(extra),
                )
                + raw_name
                + extra
            )
            out.write(data)
            entries.append((raw_name, offset, len(data), raw_size, member_crc, zip64))
        directory_start = out.tell()
        for raw_name, offset, packed_size, raw_size, member_crc, zip64 in entries:
            extra = struct.pack("<HHQQ", 1, 16, raw_size, packed_size) if zip64 else b""
            sizes = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (packed_size, raw_size)
            out.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    45,
                    45 if zip64 else 20,
                    0,
                    8,
                    0,
                    0x21,
                    member_crc,
                    *sizes,
                    len(raw_name),
                    len(extra),
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + raw_name
                + extra
            )
        directory_size = out.tell() - directory_start
        out.write(
            struct.pack(
                "<IHHHHIIH",
                0x06054B50,
                0,
                0,
                len(entries),
                len(entries),
                directory_size,
                directory_start,
                0,
            )
        )


def write_truncated(path: Path) -> Path:
    """A valid small workbook cut off halfway, as an interrupted download leaves it."""
    write_plain_xlsx(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def write_text_as_xlsx(path: Path) -> Path:
    """A CSV export saved under a .xlsx name."""
    rows = [",".join(HEADERS), *(",".join(row) for row in DATA_ROWS)]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    return path


def write_html_as_xlsx(path: Path) -> Path:
    """A web page table saved under a spreadsheet name, as many web systems 'export to Excel'."""
    cells = "".join(f"<td>{value}</td>" for value in HEADERS)
    path.write_text(f"<html><body><table><tr>{cells}</tr></table></body></html>", "utf-8")
    return path


def write_docx_as_xlsx(path: Path) -> Path:
    """A Word document renamed to .xlsx."""
    document = docx.Document()
    document.add_paragraph("Improvement plan")
    document.save(str(path))
    return path


def write_plain_zip_as_xlsx(path: Path) -> Path:
    """A zip of ordinary files named .xlsx (an emailed folder, say)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("plan/notes.txt", "Improvement plan notes\n")
    return path
