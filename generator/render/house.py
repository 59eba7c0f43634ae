"""The Word template and its house style: opening it, emptying it, and finding its styles.

The default template is ``templates/board-report.docx`` (built by
``templates/make_template.py``). A council's own template (``--template``) is used as it is:
its styles, page setup, headers and footers are kept and the report's content is written
in its styles. A style the template lacks is added with a plain definition built on the
template's own Normal style, so headings stay real headings (for screen readers and the
navigation pane) and nothing falls back to raw direct formatting.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

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
from generator.render.template_safety import safe_template_package

DEFAULT_TEMPLATE_NAME = "board-report.docx"
LANGUAGE = "en-GB"

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: The paragraph a template's body may hold where the report goes (spaces and case aside).
PLACEHOLDER = "{{ report }}"
_PLACEHOLDER_FOLDED = "{{report}}"
# A4 in twips, and Word's default margins, for a template that does not say.
_A4 = ("11906", "16838")
_MARGIN = "1440"

#: Content controls in a template's header or footer with these tags receive report fields.
CONTROL_TAGS = {
    "boardpack:classification": "classification",
    "boardpack:title": "title",
    "boardpack:organisation": "organisation",
}


def default_template() -> Path:
    """The shipped template: A4, numbered headings, classification header, Page X of Y."""
    return templates_dir() / DEFAULT_TEMPLATE_NAME


@dataclass
class Template:
    """A template opened for writing: the document, and what follows the report.

    The report is written at the end of the body, after whatever the template's body holds
    (a letterhead, a cover page); when the body has a placeholder paragraph, the report
    takes its place and ``tail`` (everything after the placeholder) is put back after it.
    """

    document: Document
    tail: list[etree._Element]
    placeholder: bool

    def finish(self) -> None:
        """Put the template's text that followed the placeholder back after the report."""
        body = self.document.element.body
        for element in self.tail:
            if body.sectPr is not None:
                body.sectPr.addprevious(element)
            else:
                body.append(element)
        self.tail = []


def open_template(path: Path | None) -> Template:
    """The template ready for content: its body, page setup, headers and footers kept.

    Accepts .docx and .dotx. Raises ``BadTemplate`` with a one-line reason otherwise.
    """
    source = path or default_template()
    data = read_bytes_or_raise(source, BadTemplate, "template file")
    data = safe_template_package(source, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        # python-docx's own messages name the in-memory file, not the template: say what
        # went wrong in the file's own terms.
        reason = f"{type(error).__name__}" if "BytesIO" in str(error) else str(error)
        raise BadTemplate(
            f"{source}: not a usable Word template ({reason}); save it from Word as .docx"
        ) from None
    _ensure_page(document)
    _carry_inherited_headers(document)
    tail, placeholder = _split_at_placeholder(document)
    return Template(document, tail, placeholder)


def _ensure_page(document: Document) -> None:
    """Give the final section a page: A4 and Word's margins where the template says nothing.

    A template with no section properties at all (or none of its page size, as pandoc's
    reference.docx) would otherwise leave the report's tables zero columns wide.
    """
    section = document.element.body.get_or_add_sectPr()
    size = section.find(qn("w:pgSz"))
    if size is None:
        size = parse_xml(f"<w:pgSz {_W}/>")
        section.insert(_page_position(section), size)
    if not size.get(qn("w:w")) or not size.get(qn("w:h")):
        size.set(qn("w:w"), _A4[0])
        size.set(qn("w:h"), _A4[1])
        size.attrib.pop(qn("w:orient"), None)
    margins = section.find(qn("w:pgMar"))
    if margins is None:
        margins = parse_xml(f"<w:pgMar {_W}/>")
        size.addnext(margins)
    for edge in ("top", "right", "bottom", "left"):
        if not margins.get(qn(f"w:{edge}")):
            margins.set(qn(f"w:{edge}"), _MARGIN)
    for edge, default in (("header", "720"), ("footer", "720"), ("gutter", "0")):
        if not margins.get(qn(f"w:{edge}")):
            margins.set(qn(f"w:{edge}"), default)


def _page_position(section: etree._Element) -> int:
    """Where w:pgSz goes in a w:sectPr: after the header, footer and note references."""
    before = {qn(f"w:{name}") for name in ("headerReference", "footerReference",
                                            "footnotePr", "endnotePr", "type")}  # fmt: skip
    return sum(1 for child in section if child.tag in before)


def _carry_inherited_headers(document: Document) -> None:
    """Write into the final section the headers and footers it inherits ("link to previous").

    The report adds its own sections after it; each reference, written out, survives however
    those sections are read, in Word, LibreOffice or anything else.
    """
    body = document.element.body
    final = body.sectPr
    earlier = list(reversed(body.xpath("./w:p/w:pPr/w:sectPr")))
    if final is None or not earlier:
        return
    for kind in ("headerReference", "footerReference"):
        for which in ("default", "first", "even"):
            if final.find(f"{qn('w:' + kind)}[@{qn('w:type')}='{which}']") is not None:
                continue
            for section in earlier:
                found = section.find(f"{qn('w:' + kind)}[@{qn('w:type')}='{which}']")
                if found is not None:
                    final.insert(0, copy.deepcopy(found))
                    break
    _order_references(final)


def _order_references(section: etree._Element) -> None:
    """Headers before footers, first in the section's properties, as the schema orders them."""
    references = [
        child
        for child in section
        if child.tag in (qn("w:headerReference"), qn("w:footerReference"))
    ]
    for child in references:
        section.remove(child)
    references.sort(key=lambda child: child.tag != qn("w:headerReference"))
    for index, child in enumerate(references):
        section.insert(index, child)


def _split_at_placeholder(document: Document) -> tuple[list[etree._Element], bool]:
    """Take out the placeholder paragraph and what follows it; the report goes there.

    Without a placeholder, nothing is taken out: the report follows the template's body,
    less any empty paragraphs at its end.
    """
    body = document.element.body
    children = [child for child in body if child.tag != qn("w:sectPr")]
    for index, child in enumerate(children):
        if child.tag == qn("w:p") and _folded_text(child) == _PLACEHOLDER_FOLDED:
            tail = children[index + 1 :]
            break_here = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            body.remove(child)
            if break_here is not None:
                # The placeholder ended a section: its section break stays, after the report.
                carrier = parse_xml(f"<w:p {_W}><w:pPr/></w:p>")
                carrier[0].append(break_here)
                tail.insert(0, carrier)
            for element in tail:
                body.remove(element)
            return tail, True
    for child in reversed(children):
        if not _is_blank(child):
            break
        body.remove(child)
    return [], False


_VISIBLE = ("drawing", "pict", "object", "sectPr", "fldSimple", "fldChar", "br", "sym")


def _is_blank(element: etree._Element) -> bool:
    """An empty paragraph: no text, picture, field, break or section break."""
    if element.tag != qn("w:p") or _folded_text(element):
        return False
    return next(element.iter(*(qn(f"w:{name}") for name in _VISIBLE)), None) is None


def _folded_text(paragraph: etree._Element) -> str:
    text = "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
    return "".join(text.split()).casefold()


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
        # The ids go into XML written as text (tables.py), so they are escaped here: a
        # template's style id is anyone's text ("Table&Text", or markup after a quote).
        self.table_text_id = _attribute(self.table_text.style_id)
        self.table_grid_id = _attribute(self.table_grid.style_id)
        self.table_text_pt = self._size_pt(self.table_text)
        self.self_numbered = {
            level for level in (1, 2, 3) if self._numbers_itself(self.headings[level - 1])
        }

    def heading(self, level: int) -> ParagraphStyle:
        return self.headings[min(level, 3) - 1]

    def _numbers_itself(self, style: ParagraphStyle) -> bool:
        """Whether a heading style carries list numbering (its own or from its base style),
        in which case the report must not type numbers of its own ("1 1. Summary")."""
        for seen in self._lineage(style):
            numbering = seen.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if numbering is not None and numbering.find(qn("w:numId")) is not None:
                number = numbering.find(qn("w:numId")).get(qn("w:val"), "0")
                level = numbering.find(qn("w:ilvl"))
                return self._shows_a_number(
                    number, level.get(qn("w:val"), "0") if level is not None else "0"
                )
        return False

    def _lineage(self, style: ParagraphStyle) -> Iterator[ParagraphStyle]:
        """``style`` and the paragraph styles it is based on, nearest first.

        Looked up by comparing ids, not with python-docx's ``base_style``, which puts the id
        into an XPath between double quotes (a template's id with a quote in it raised
        XPathEvalError); and each style is given once, so a template whose styles are based
        on each other in a ring cannot loop.
        """
        by_id = {
            found.style_id: found
            for found in self.document.styles
            if isinstance(found, ParagraphStyle)
        }
        seen: set[str] = set()
        current: ParagraphStyle | None = style
        while current is not None and current.style_id not in seen:
            seen.add(current.style_id)
            yield current
            based_on = current.element.find(qn("w:basedOn"))
            base_id = based_on.get(qn("w:val")) if based_on is not None else None
            current = by_id.get(base_id) if base_id is not None else None

    def _shows_a_number(self, number: str, level: str) -> bool:
        """Whether list ``number`` prints something at ``level``: LibreOffice gives every
        heading an outline list whose levels print nothing (numFmt "none", empty text)."""
        if number == "0" or not (_decimal(number) and _decimal(level)):
            return False  # ids go into the paths below: a template's "1'" must not break them
        try:  # looked up, not python-docx's numbering_part, which would add an empty one
            part = self.document.part.part_related_by(RT.NUMBERING)
        except KeyError:
            return False
        numbering = getattr(part, "element", None)
        if numbering is None:
            return False
        num = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{number}']")
        if num is None:
            return False
        definition = num.find(f"{qn('w:lvlOverride')}[@{qn('w:ilvl')}='{level}']/{qn('w:lvl')}")
        if definition is None:
            abstract = num.find(qn("w:abstractNumId"))
            wanted = abstract.get(qn("w:val"), "") if abstract is not None else ""
            if not _decimal(wanted):
                return False
            definition = numbering.find(
                f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{wanted}']"
                f"/{qn('w:lvl')}[@{qn('w:ilvl')}='{level}']"
            )
        if definition is None:
            return False
        fmt = definition.find(qn("w:numFmt"))
        text = definition.find(qn("w:lvlText"))
        shown = text.get(qn("w:val"), "") if text is not None else ""
        return (fmt is None or fmt.get(qn("w:val")) != "none") and "%" in shown

    def _size_pt(self, style: ParagraphStyle) -> float:
        """The style's font size in points, from it, the styles it is based on, or the
        document defaults (Word's own 10 pt when nothing says)."""
        for seen in self._lineage(style):
            if seen.font.size is not None:
                return seen.font.size.pt
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


def _decimal(text: str) -> bool:
    """Whether ``text`` is a number as OOXML writes ids and levels: ASCII digits only."""
    return text.isascii() and text.isdigit()


def _attribute(text: str) -> str:
    """``text`` escaped for a double-quoted XML attribute."""
    return escape(text, {'"': "&quot;"})


def set_language(document: Document) -> None:
    """Mark the document's text as British English, for spelling and screen readers.

    The document default says so, and every language a template's styles, settings or kept
    body text set is overruled: a French or American Normal style must not make the report
    French or American. (East Asian and complex-script languages are left as they are.)
    """
    for element in (document.styles.element, document.element, document.settings.element):
        for lang in element.iter(qn("w:lang"), qn("w:themeFontLang")):
            if lang.get(qn("w:val")):
                lang.set(qn("w:val"), LANGUAGE)
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER):
            for lang in rel.target_part.element.iter(qn("w:lang")):
                if lang.get(qn("w:val")):
                    lang.set(qn("w:val"), LANGUAGE)
    _set_default_language(document)


def _set_default_language(document: Document) -> None:
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
