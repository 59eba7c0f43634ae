"""What every part of the report is written with: the plan, the date, the styles, the page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from docx.document import Document
from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from docx.oxml.section import CT_SectPr
from docx.section import Section
from docx.shared import Cm, Emu, Length
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml import etree

from generator.model.plan import Plan
from generator.render.house import House
from generator.render.tables import (
    BASE_TABLE_PT,
    Band,
    Cell,
    Column,
    Styled,
    status_cell,
    table_xml,
)
from generator.render.text import for_word

#: A table's place in the document until the package is saved (see output.document_bytes).
PLACEHOLDER_NS = "urn:boardpack:table"

_TWIPS_PER_EMU = 1 / 635
_NUMBER_INDENT = Cm(1.25)
_P, _PPR, _KEEP_NEXT, _VAL = qn("w:p"), qn("w:pPr"), qn("w:keepNext"), qn("w:val")
_R, _T, _TAB, _BR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br")
_HYPERLINK, _NO_BREAK_HYPHEN = qn("w:hyperlink"), qn("w:noBreakHyphen")
_W_NSMAP = {"w": nsmap["w"]}
_PLACEHOLDER = f"{{{PLACEHOLDER_NS}}}table"
_XML_SPACE = qn("xml:space")
_BREAKS = re.compile(r"([\t\r\n])")
_PAGE_SIZE, _PAGE_MARGINS = qn("w:pgSz"), qn("w:pgMar")
_WIDTH, _LEFT, _RIGHT = qn("w:w"), qn("w:left"), qn("w:right")
#: What follows w:keepNext among a paragraph's properties: CT_PPr's sequence in ECMA-376
#: Part 1, 17.3.1.26, as python-docx's CT_PPr lists it (and looks for it, in this order).
_AFTER_KEEP_NEXT = tuple(
    qn(f"w:{tag}")
    for tag in (  # noqa: SIM905 (a list literal of 34 names would take 34 lines)
        "keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
        "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
        "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing "
        "mirrorIndents suppressOverlap jc textDirection textAlignment textboxTightWrap "
        "outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ).split()
)


@dataclass
class Context:
    """The document being written and the running heading numbers.

    Everything is written just before the body's final section properties, found once here
    and remembered: python-docx's ``add_paragraph`` and ``sections`` search the whole body
    on every call, which made a report's cost grow with the square of its sections.
    """

    document: Document
    plan: Plan
    as_of: dt.date
    house: House
    tables: list[list[str]] = field(default_factory=list)  # table XML, a row a piece
    # The body's final w:sectPr: the report is written before it, and it is the current
    # (last) section's page. A new section (add_section) keeps this one last.
    _end: CT_SectPr = field(init=False)
    # The current section's number and its last paragraph number ("3" and "2" for 3.2);
    # a section of 0 is an unnumbered part (the appendices), whose paragraphs are plain.
    _numbers: list[int] = field(default_factory=lambda: [0, 0])
    _section: int = 0
    _statuses: dict[str | None, Styled] = field(default_factory=dict)
    _figures: int = 0
    # Paragraph properties by kind, as python-docx first made them (see _paragraph).
    _properties: dict[Hashable, etree._Element] = field(default_factory=dict)
    # Text widths by the raw page width and left and right margins (see text_width).
    _text_widths: dict[tuple[str | None, ...], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._end = self.document.element.body.get_or_add_sectPr()

    def heading(self, text: str, level: int = 1, *, numbered: bool = True) -> Paragraph:
        """A real Heading 1/2 paragraph; a level-1 heading numbered "3." as committee papers
        are. Sub-headings are not numbered: the paragraphs beneath them are (3.1, 3.2 ...)."""
        # A template whose heading style numbers itself gets no typed numbers at that level
        # ("1 1. Summary"), and an unnumbered heading switches its numbering off.
        own = level in self.house.self_numbered
        if level == 1:
            if numbered:
                self._numbers[0] += 1
                text = text if own else f"{self._numbers[0]}. {text}"
            self._section = self._numbers[0] if numbered else 0
            self._numbers[1] = 0
        if level > 1:
            # A section's opening words go with its first subsection, so "5. Overdue
            # actions" and its introduction never end a page with nothing beneath them.
            self._keep_last_with_next(only_text=True)
        style = self.house.heading(level)
        unnumbered = own and not numbered

        def properties(paragraph: Paragraph) -> None:
            paragraph._p.style = style.style_id
            # Whatever the template's heading style says, a heading never ends a page alone.
            paragraph.paragraph_format.keep_with_next = True
            if unnumbered:
                # numId 0 removes numbering (ECMA-376 Part 1, 17.9.18), as Word itself
                # writes it; python-docx puts w:numPr in its place among the properties.
                numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                numbering.get_or_add_ilvl().val = 0
                numbering.get_or_add_numId().val = 0

        return self._paragraph(text, ("heading", style.style_id, unnumbered), properties)

    @property
    def number_indent(self) -> Length:
        """How far a numbered paragraph's text stands in from its number."""
        return _NUMBER_INDENT

    def numbered(self, text: str) -> Paragraph:
        """A paragraph of the paper, numbered 3.1, 3.2 ... under a numbered section (so
        members can cite it), plain elsewhere."""
        if not self._section:
            return self.paragraph(text)
        self._numbers[1] += 1
        return self._paragraph(
            f"{self._section}.{self._numbers[1]}\t{text}", ("numbered",), _hanging_number
        )

    def numbered_lines(self, text: str) -> None:
        """Typed text from the workbook, a numbered paragraph per line."""
        for line in text.split("\n"):
            if line.strip():
                self.numbered(line.strip())

    def _keep_last_with_next(self, *, only_text: bool = False) -> None:
        """Keep the last paragraph so far on the same page as whatever comes next."""
        last = self._end.getprevious()
        if last is None or last.tag != _P or (only_text and not _shows_text(last)):
            return
        _keep_with_next(last)

    def paragraph(
        self, text: str = "", style: ParagraphStyle | None = None, *, keep_with_next: bool = False
    ) -> Paragraph:
        """A paragraph at the end of the document, in ``style`` (Normal by default);
        ``keep_with_next`` keeps it on the page where whatever follows it starts."""
        if style is None and not keep_with_next:
            return self._paragraph(text, None, None)

        def properties(paragraph: Paragraph) -> None:
            if style is not None:
                # By id: python-docx's own style= lookup scans every style in the template
                # for each paragraph, which costs more than writing the rest of a small report.
                paragraph._p.style = style.style_id
            if keep_with_next:
                paragraph.paragraph_format.keep_with_next = True

        kind = ("paragraph", style.style_id if style is not None else None, keep_with_next)
        return self._paragraph(text, kind, properties)

    def _paragraph(
        self, text: str, kind: Hashable, properties: Callable[[Paragraph], None] | None
    ) -> Paragraph:
        """A paragraph of ``text`` at the end of the document, with the properties that
        ``properties`` gives a paragraph through python-docx.

        The elements are those python-docx's add_paragraph(text) and its setters write, but
        built here: add_paragraph searches the body for its end, Run.text walks the text a
        character at a time, and each setter searches the properties for its place. So the
        properties are made through python-docx once per ``kind`` and copied after that.
        """
        element = oxml_parser.makeelement(_P, nsmap=_W_NSMAP)
        if properties is not None:
            made = self._properties.get(kind)
            if made is None:
                scratch = Paragraph(
                    oxml_parser.makeelement(_P, nsmap=_W_NSMAP), self.document._body
                )
                properties(scratch)
                made = self._properties[kind] = scratch._p.get_or_add_pPr()
            # lxml's __copy__ copies the whole subtree, as deepcopy does, without its memo.
            element.append(made.__copy__())
        if text:
            _append_run(element, text)
        self._end.addprevious(element)
        return Paragraph(element, self.document._body)

    def caption(self, text: str) -> Paragraph:
        return self.paragraph(text, self.house.caption)

    def figure_caption(self, text: str) -> Paragraph:
        """ "Figure 2: ..." beneath a chart, numbered in the order the charts appear."""
        self._figures += 1
        return self.caption(f"Figure {self._figures}: {text}")

    @staticmethod
    def clean(text: str | None) -> str:
        """Workbook text as Word must hold it (see ``render.text.for_word``)."""
        return for_word(text)

    def table(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Cell] | Band],
        *,
        caption: str,
        total: Sequence[Cell] | None = None,
    ) -> None:
        """Append a table at the end of the document, as wide as the text; its columns'
        least widths grow with the template's table text size."""
        self.tables.append(
            table_xml(
                columns,
                rows,
                width_twips=self.text_width(),
                paragraph_style=self.house.table_text_id,
                table_style=self.house.table_grid_id,
                caption=caption,
                total=total,
                scale=max(1.0, self.house.table_text_pt / BASE_TABLE_PT),
            )
        )
        placeholder = etree.Element(
            _PLACEHOLDER, {"id": str(len(self.tables) - 1)}, nsmap={"bp": PLACEHOLDER_NS}
        )
        # An introduction or heading stays on the page where its table starts.
        self._keep_last_with_next()
        self._end.addprevious(placeholder)

    def status(self, name: str | None) -> Styled:
        """The shaded, labelled cell for a status (made once per status)."""
        if name not in self._statuses:
            self._statuses[name] = status_cell(self.plan.key.get(name), name)
        return self._statuses[name]

    def text_width(self) -> int:
        """The width between the current (last) section's margins, in twips."""
        # Asked for every table: worked out through python-docx once per page size and margins.
        size, margins = self._end.find(_PAGE_SIZE), self._end.find(_PAGE_MARGINS)
        page = (
            None if size is None else size.get(_WIDTH),
            None if margins is None else margins.get(_LEFT),
            None if margins is None else margins.get(_RIGHT),
        )
        width = self._text_widths.get(page)
        if width is None:
            section = Section(self._end, self.document.part)
            emu = (
                (section.page_width or Emu(0))
                - (section.left_margin or 0)
                - (section.right_margin or 0)
            )
            width = self._text_widths[page] = max(int(emu * _TWIPS_PER_EMU), 2880)
        return width


def _shows_text(paragraph: etree._Element) -> bool:
    """``bool(Paragraph(paragraph).text.strip())`` without python-docx's XPath per run: its
    runs (and its hyperlinks' runs) hold text other than white space, or a no-break hyphen."""
    for child in paragraph.iterchildren(_R, _HYPERLINK):
        for run in (child,) if child.tag == _R else child.iterchildren(_R):
            for item in run.iterchildren(_T, _NO_BREAK_HYPHEN):
                if item.tag == _NO_BREAK_HYPHEN or (item.text or "").strip():
                    return True
    return False


def _keep_with_next(paragraph: etree._Element) -> None:
    """``paragraph_format.keep_with_next = True`` as python-docx writes it, without its search
    of the properties, tag by tag, for where a new w:keepNext goes."""
    properties = paragraph.find(_PPR)
    if properties is None:
        properties = oxml_parser.makeelement(_PPR, nsmap=_W_NSMAP)
        paragraph.insert(0, properties)
    kept = properties.find(_KEEP_NEXT)
    if kept is not None:
        kept.attrib.pop(_VAL, None)  # on is w:keepNext with no w:val
        return
    kept = oxml_parser.makeelement(_KEEP_NEXT, nsmap=_W_NSMAP)
    # Before the first of the later properties python-docx finds, in the order it looks.
    present: dict[str, etree._Element] = {}
    for child in properties:
        present.setdefault(child.tag, child)
    successor = next((present[tag] for tag in _AFTER_KEEP_NEXT if tag in present), None)
    if successor is None:
        properties.append(kept)
    else:
        successor.addprevious(kept)


def _hanging_number(paragraph: Paragraph) -> None:
    """A numbered paragraph's layout: its number hangs in the margin of its text."""
    layout = paragraph.paragraph_format
    layout.left_indent = _NUMBER_INDENT
    layout.first_line_indent = -_NUMBER_INDENT
    layout.tab_stops.add_tab_stop(_NUMBER_INDENT)


def _append_run(paragraph: etree._Element, text: str) -> None:
    """A run of ``text`` at the end of ``paragraph``, as python-docx's ``Run.text`` writes it:
    a tab as ``w:tab``, each CR or LF as ``w:br``, the rest in ``w:t`` (space preserved
    where the text starts or ends with white space)."""
    run = etree.SubElement(paragraph, _R)
    for piece in _BREAKS.split(text):
        if piece == "\t":
            etree.SubElement(run, _TAB)
        elif piece in ("\r", "\n"):
            etree.SubElement(run, _BR)
        elif piece:
            node = etree.SubElement(run, _T)
            node.text = piece
            if len(piece.strip()) < len(piece):
                node.set(_XML_SPACE, "preserve")
