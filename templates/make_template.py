"""Build templates/board-report.docx, boardpack's default Word template.

Run from the repository root:  python templates/make_template.py

The look: A4 with 2 cm margins, Arial 11 pt body, navy headings, a "Table Text" style for
compact tables, grey table rules, the report's classification at the top right of every page
(a content control tagged ``boardpack:classification``, which the renderer fills) and
"Page X of Y" at the foot. Headings are numbered in their text ("3. Progress summary"), as the
seed reports number them, rather than by Word list numbering: text numbers survive any
council's template, copy and paste, and conversion to PDF unchanged.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Cm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.render.output import document_bytes

NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
FONT = "Arial"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
OUTPUT = Path(__file__).resolve().parent / "board-report.docx"


def _fonts_to(document: docx.document.Document, font: str) -> None:
    """Make every style use ``font`` outright, not the theme's fonts."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in list(fonts.attrib):
            if attribute.endswith("Theme"):
                del fonts.attrib[attribute]
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(slot), font)
    defaults = styles.find(qn("w:docDefaults"))
    run_properties = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if run_properties.find(qn("w:rFonts")) is None:
        run_properties.insert(
            0,
            parse_xml(
                f'<w:rFonts {W} w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" '
                f'w:eastAsia="{font}"/>'
            ),
        )


def _paragraph_style(document, name, *, size, bold=False, italic=False, colour=None,
                     before=0, after=6, keep_next=False, base="Normal"):  # fmt: skip
    try:
        style = document.styles[name]
    except KeyError:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base and name != base:
        style.base_style = document.styles[base]
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.color.rgb = colour
    layout = style.paragraph_format
    layout.space_before = Pt(before)
    layout.space_after = Pt(after)
    layout.keep_with_next = keep_next or None
    return style


def build() -> bytes:
    document = docx.Document()
    _fonts_to(document, FONT)
    normal = _paragraph_style(document, "Normal", size=11, after=6, base="")
    normal.paragraph_format.line_spacing = 1.1
    _paragraph_style(document, "Title", size=22, bold=True, colour=NAVY, after=12)
    title = document.styles["Title"].element.get_or_add_pPr()
    for border in title.findall(qn("w:pBdr")):  # python-docx's Title has a rule under it
        title.remove(border)
    _paragraph_style(document, "Subtitle", size=12, bold=True, colour=GREY, after=2)
    document.styles["Subtitle"].font.all_caps = True
    _paragraph_style(document, "Heading 1", size=14, bold=True, colour=NAVY, before=18, after=6,
                     keep_next=True)  # fmt: skip
    _paragraph_style(document, "Heading 2", size=12, bold=True, colour=NAVY, before=12, after=4,
                     keep_next=True)  # fmt: skip
    _paragraph_style(document, "Heading 3", size=11, bold=True, colour=NAVY, before=10, after=4,
                     keep_next=True)  # fmt: skip
    _paragraph_style(document, "Caption", size=9, italic=True, colour=GREY, before=2, after=10)
    table_text = _paragraph_style(document, "Table Text", size=9, before=1, after=1)
    table_text.paragraph_format.line_spacing = 1.0
    table_text.quick_style = True
    for name in ("Header", "Footer"):
        _paragraph_style(document, name, size=9, colour=GREY, after=0)

    grid = document.styles["Table Grid"].element
    borders = grid.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    for edge in borders:
        edge.set(qn("w:color"), "A6A6A6")

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)

    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header._p.append(
        parse_xml(
            f'<w:sdt {W}><w:sdtPr><w:alias w:val="Classification"/>'
            '<w:tag w:val="boardpack:classification"/><w:text/></w:sdtPr>'
            '<w:sdtContent><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">'
            "</w:t></w:r></w:sdtContent></w:sdt>"
        )
    )
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pieces = ((None, "Page "), (" PAGE ", "1"), (None, " of "), (" NUMPAGES ", "1"))
    for instruction, text in pieces:
        if instruction is None:
            footer._p.append(parse_xml(f'<w:r {W}><w:t xml:space="preserve">{text}</w:t></w:r>'))
        else:
            footer._p.append(
                parse_xml(
                    f'<w:fldSimple {W} w:instr="{instruction}"><w:r><w:t>{text}</w:t></w:r>'
                    "</w:fldSimple>"
                )
            )

    core = document.core_properties
    core.title = "Board report"
    core.author = "boardpack"
    core.comments = "boardpack's default committee-report template"
    core.language = "en-GB"
    core.created = core.modified = dt.datetime(2020, 1, 1)
    core.last_modified_by = "boardpack"
    core.revision = 1
    return document_bytes(document)


if __name__ == "__main__":
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT}")
