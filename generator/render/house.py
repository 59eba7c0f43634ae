"""The Word template and its house style: opening it, emptying it, and finding its styles.

The default template is ``templates/board-report.docx`` (built by
``templates/make_template.py``). A council's own template (``--template``) is used as it is:
its styles, page setup, headers and footers are kept and the report's content is written
in its styles. A style the template lacks is added with a plain definition built on the
template's own Normal style, so headings stay real headings (for screen readers and the
navigation pane) and nothing falls back to raw direct formatting.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.styles.style import BaseStyle, ParagraphStyle
from lxml import etree

from generator.common.files import read_bytes_or_raise
from generator.common.resources import templates_dir
from generator.errors import BadTemplate

DEFAULT_TEMPLATE_NAME = "board-report.docx"
LANGUAGE = "en-GB"

# A template bigger than this once unzipped is not a letterhead: refuse it before reading.
_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

#: Content controls in a template's header or footer with these tags receive report fields.
CONTROL_TAGS = {
    "boardpack:classification": "classification",
    "boardpack:title": "title",
    "boardpack:organisation": "organisation",
}


def default_template() -> Path:
    """The shipped template: A4, numbered headings, classification header, Page X of Y."""
    return templates_dir() / DEFAULT_TEMPLATE_NAME


def open_template(path: Path | None) -> Document:
    """The template as an empty document ready for content (its body cleared, page setup kept).

    Accepts .docx and .dotx. Raises ``BadTemplate`` with a one-line reason otherwise.
    """
    source = path or default_template()
    data = read_bytes_or_raise(source, BadTemplate, "template file")
    data = _as_document_package(source, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise BadTemplate(
            f"{source}: not a usable Word template ({error}); save it from Word as .docx"
        ) from None
    _empty_body(document)
    return document


def _as_document_package(source: Path, data: bytes) -> bytes:
    """Check the zip before python-docx reads it; turn a .dotx into a .docx in memory."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise BadTemplate(f"{source}: an old .doc/.dot template; open it in Word and save as .docx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BadTemplate(f"{source}: not a Word .docx template (not a zip package)") from None
    with archive:
        names = archive.namelist()
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise BadTemplate(f"{source}: not a Word .docx template (no word/document.xml)")
        if sum(info.file_size for info in archive.infolist()) > _MAX_UNZIPPED_BYTES:
            raise BadTemplate(f"{source}: the template unpacks to more than 200 MB; refusing it")
        content_types = archive.read("[Content_Types].xml")
        if _TEMPLATE_TYPE not in content_types:
            return data
        # A .dotx differs from a .docx only in its main part's content type.
        rebuilt = io.BytesIO()
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                body = archive.read(info)
                if info.filename == "[Content_Types].xml":
                    body = body.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE)
                out.writestr(info, body)
        return rebuilt.getvalue()


def _empty_body(document: Document) -> None:
    """Remove the template's sample content, keeping the final section's page setup."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


@dataclass(frozen=True)
class _Fallback:
    """How to define a paragraph style the template lacks."""

    size_pt: float | None = None
    bold: bool = False
    italic: bool = False
    before_pt: float = 0
    after_pt: float = 6
    keep_next: bool = False
    outline: int | None = None


_PARAGRAPH_FALLBACKS = {
    "Title": _Fallback(size_pt=20, bold=True, after_pt=12),
    "Subtitle": _Fallback(size_pt=13, bold=True, after_pt=6),
    "Heading 1": _Fallback(
        size_pt=14, bold=True, before_pt=18, after_pt=6, keep_next=True, outline=0
    ),
    "Heading 2": _Fallback(
        size_pt=12, bold=True, before_pt=12, after_pt=4, keep_next=True, outline=1
    ),
    "Heading 3": _Fallback(
        size_pt=11, bold=True, before_pt=10, after_pt=4, keep_next=True, outline=2
    ),
    "Caption": _Fallback(size_pt=9, italic=True, before_pt=4, after_pt=10),
    "Table Text": _Fallback(size_pt=9, before_pt=1, after_pt=1),
}

_TABLE_GRID_PROPERTIES = (
    f"<w:tblPr {_W}><w:tblBorders>"
    + "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + '</w:tblBorders><w:tblCellMar><w:left w:w="85" w:type="dxa"/>'
    '<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
)


class House:
    """The styles the report writes in, resolved against (and added to) one document."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.title = self._paragraph("Title")
        self.subtitle = self._paragraph("Subtitle")
        self.headings = [self._paragraph(f"Heading {level}") for level in (1, 2, 3)]
        self.caption = self._paragraph("Caption")
        self.table_text = self._paragraph("Table Text")
        self.table_grid = self._table_grid()
        self.table_text_id = self.table_text.style_id
        self.table_grid_id = self.table_grid.style_id
        self.table_text_pt = self._size_pt(self.table_text)

    def heading(self, level: int) -> ParagraphStyle:
        return self.headings[min(level, 3) - 1]

    def _size_pt(self, style: ParagraphStyle) -> float:
        """The style's font size in points, from it, the styles it is based on, or the
        document defaults (Word's own 10 pt when nothing says)."""
        seen: ParagraphStyle | None = style
        while seen is not None:
            if seen.font.size is not None:
                return seen.font.size.pt
            base = seen.base_style
            seen = base if isinstance(base, ParagraphStyle) else None
        defaults = self.document.styles.element.find(
            f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}"
        )
        try:
            return int(defaults.get(qn("w:val"), "")) / 2 if defaults is not None else 10.0
        except ValueError:
            return 10.0

    def _find(self, name: str, kind: WD_STYLE_TYPE) -> BaseStyle | None:
        for style in self.document.styles:
            if style.name == name and style.type == kind:
                return style
        return None

    def _paragraph(self, name: str) -> ParagraphStyle:
        found = self._find(name, WD_STYLE_TYPE.PARAGRAPH)
        if isinstance(found, ParagraphStyle):
            return found
        spec = _PARAGRAPH_FALLBACKS[name]
        style = cast(ParagraphStyle, self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH))
        normal = self._find("Normal", WD_STYLE_TYPE.PARAGRAPH)
        if normal is not None:
            style.base_style = normal
        style.next_paragraph_style = normal or style
        font = style.font
        if spec.size_pt:
            font.size = round(spec.size_pt * 12700)
        font.bold = spec.bold or None
        font.italic = spec.italic or None
        paragraph = style.paragraph_format
        paragraph.space_before = round(spec.before_pt * 12700)
        paragraph.space_after = round(spec.after_pt * 12700)
        if spec.keep_next:
            paragraph.keep_with_next = True
        if spec.outline is not None:
            ppr = style.element.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:outlineLvl {_W} w:val="{spec.outline}"/>'))
        style.quick_style = True
        return style

    def _table_grid(self) -> BaseStyle:
        style = self._find("Table Grid", WD_STYLE_TYPE.TABLE)
        if style is not None:
            return style
        style = self.document.styles.add_style("Table Grid", WD_STYLE_TYPE.TABLE)
        style.element.append(parse_xml(_TABLE_GRID_PROPERTIES))
        return style


def set_language(document: Document) -> None:
    """Mark the document's text as British English, for spelling and screen readers."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {_W}/>")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = parse_xml(f"<w:rPrDefault {_W}/>")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = parse_xml(f"<w:rPr {_W}/>")
        run_defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {_W}/>")
        properties.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    document.core_properties.language = LANGUAGE


def fill_header_controls(document: Document, values: dict[str, str]) -> None:
    """Put report fields into the template's tagged content controls in headers and footers.

    A template opts in by placing a plain-text content control tagged, for example,
    ``boardpack:classification`` in its header; a template without them is left untouched.
    """
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER):
            continue
        for control in rel.target_part.element.iter(qn("w:sdt")):
            tag = control.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
            field = CONTROL_TAGS.get(tag.get(qn("w:val"), "") if tag is not None else "")
            if field is not None:
                _set_control_text(control, values.get(field, ""))


def _set_control_text(control: etree._Element, text: str) -> None:
    """Replace the text of a content control, keeping its first run's formatting."""
    properties = control.find(qn("w:sdtPr"))
    if properties is not None:
        placeholder = properties.find(qn("w:showingPlcHdr"))
        if placeholder is not None:
            properties.remove(placeholder)
    texts = list(control.iter(qn("w:t")))
    if not texts:
        return
    texts[0].text = text
    texts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    for extra in texts[1:]:
        extra.text = ""
