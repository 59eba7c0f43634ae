"""Reading a built report back as a person (or a screen reader) would meet it."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph


def open_report(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def table_captioned(document: Document, caption: str) -> Table:
    matches = [table for table in document.tables if caption_of(table) == caption]
    assert len(matches) == 1, [caption_of(table) for table in document.tables]
    return matches[0]


def caption_of(table: Table) -> str:
    element = table._tbl.tblPr.find(qn("w:tblCaption"))
    return "" if element is None else element.get(qn("w:val"))


def rows_of(table: Table) -> list[list[str]]:
    """Cell text per row, header row included; a cell spanning columns is listed once."""
    return [[_Cell(tc, table).text for tc in row._tr.tc_lst] for row in table.rows]


def column(table: Table, heading: str) -> list[str]:
    rows = rows_of(table)
    index = rows[0].index(heading)
    return [row[index] for row in rows[1:]]


def fill_of(cell: _Cell) -> str:
    shading = cell._tc.tcPr.find(qn("w:shd"))
    return "" if shading is None else shading.get(qn("w:fill"))


def headings(document: Document) -> list[tuple[int, str]]:
    """(level, text) for every Heading paragraph, in order."""
    found = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name if paragraph.style is not None else ""
        if name.startswith("Heading "):
            found.append((int(name.split()[1]), paragraph.text))
    return found


_PARAGRAPH_NUMBER = re.compile(r"^\d+\.\d+\t")


def paragraph_texts(document: Document) -> list[str]:
    """Each paragraph's text as a member reads it, without its paragraph number ("3.2\t")."""
    return [_PARAGRAPH_NUMBER.sub("", p.text) for p in document.paragraphs]


def paragraph_numbers(document: Document) -> list[str]:
    """The paragraph numbers, in order ("1.1", "2.1", "3.1", "3.2" ...)."""
    return [p.text.split("\t")[0] for p in document.paragraphs if _PARAGRAPH_NUMBER.match(p.text)]


def part_text(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def text_dump(document: Document) -> str:
    """The document as a person reads it, in order: styled paragraphs, then table rows."""
    lines = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document._body)
            if paragraph.text.strip():
                style = paragraph.style.name if paragraph.style is not None else ""
                lines.append(f"[{style}] {paragraph.text}")
            if paragraph._p.xpath(".//wp:docPr"):
                lines.extend(f"[picture] {alt}" for alt in paragraph._p.xpath(".//wp:docPr/@descr"))
        elif child.tag == qn("w:tbl"):
            table = Table(child, document._body)
            lines.append(f"[table: {caption_of(table)}]")
            # A line break inside a cell is shown as " / ", so each row stays one line.
            lines.extend(" | ".join(row).replace("\n", " / ") for row in rows_of(table))
    return "\n".join(lines) + "\n"
