"""A template's text colours made legible on the page (WCAG AA, 4.5:1).

Councils' templates often set body text in a light grey, or headings in Word 2010's blue
(4F81BD, 3.98:1 on white); the report's text takes those colours from the styles. Each colour
a style, the document defaults or an unshaded run of the template sets is kept if it reaches
4.5:1 against the page, and otherwise darkened in the same hue just far enough that it does,
so the council's look survives and every reader can read it. Table styles are left alone:
their colours go with their own shading, and the report's tables colour their own text
(``tables.readable_on``).
"""

from __future__ import annotations

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from generator.render.tables import contrast_ratio

AA = 4.5
PAGE = "FFFFFF"
_THEME_ATTRIBUTES = ("w:themeColor", "w:themeShade", "w:themeTint")


def legible_colour(colour: str, background: str = PAGE) -> str:
    """``colour`` if it reaches 4.5:1 on ``background``; else the same hue scaled towards
    black (on a light background) or white (on a dark one) just far enough that it does."""
    ratio = contrast_ratio(colour, background)
    if ratio == 0.0 or ratio >= AA:  # "auto", a theme name, or already legible
        return colour
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    darken = contrast_ratio("000000", background) >= contrast_ratio("FFFFFF", background)

    def mixed(share: float) -> str:
        if darken:
            channels = (round(c * (1 - share)) for c in (red, green, blue))
        else:
            channels = (round(c + (255 - c) * share) for c in (red, green, blue))
        return "".join(f"{c:02X}" for c in channels)

    low, high = 0.0, 1.0  # the least share of black (or white) that is legible
    for _ in range(20):
        middle = (low + high) / 2
        if contrast_ratio(mixed(middle), background) >= AA:
            high = middle
        else:
            low = middle
    return mixed(high)


def make_text_legible(document: Document) -> None:
    """Darken (or lighten) every colour the template's text styles, document defaults and
    unshaded runs in its body, headers and footers give text, where it is below 4.5:1 on the
    page. Run before the report is written, so only the template's own content is walked."""
    background = document.element.find(qn("w:background"))
    page = (background.get(qn("w:color")) if background is not None else None) or PAGE
    if contrast_ratio(page, PAGE) == 0.0:
        page = PAGE  # "auto" or a theme name: Word shows white
    styles = document.styles.element
    for style in styles.iter(qn("w:style")):
        if style.get(qn("w:type")) != "table":
            for colour in style.iter(qn("w:color")):
                _mend(colour, page)
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        for colour in defaults.iter(qn("w:color")):
            _mend(colour, page)
    parts = [document.element.body] + [
        rel.target_part.element
        for rel in document.part.rels.values()
        if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER)
    ]
    for part in parts:
        for colour in part.iter(qn("w:color")):
            run = colour.getparent().getparent() if colour.getparent() is not None else None
            if run is None or run.tag != qn("w:r") or _shaded(run):
                continue
            _mend(colour, page)


def _shaded(run: etree._Element) -> bool:
    """Whether the run sits on shading of its own, its paragraph's or its table cell's."""
    properties = run.find(qn("w:rPr"))
    if properties is not None and properties.find(qn("w:shd")) is not None:
        return True
    for ancestor in run.iterancestors(qn("w:p"), qn("w:tc")):
        holder = ancestor.find(qn("w:pPr") if ancestor.tag == qn("w:p") else qn("w:tcPr"))
        if holder is not None and holder.find(qn("w:shd")) is not None:
            return True
    return False


def _mend(colour: etree._Element, page: str) -> None:
    value = colour.get(qn("w:val"), "")
    legible = legible_colour(value, page)
    if legible != value:
        colour.set(qn("w:val"), legible)
        # Word draws a theme colour in preference to the value: the darkened value must win.
        for name in _THEME_ATTRIBUTES:
            colour.attrib.pop(qn(name), None)
