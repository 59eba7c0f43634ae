"""The colour every text run shows and the background it shows on, read from the XML as Word
resolves them, for checking WCAG AA contrast (4.5:1) across a whole report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from generator.render.tables import contrast_ratio

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
WHITE = "FFFFFF"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass(frozen=True)
class Shown:
    """One run's text, its colour and what it sits on."""

    text: str
    colour: str
    background: str

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.colour, self.background)


class Styles:
    """Colours from a styles part: each style's own, through its basedOn chain, and the
    document defaults."""

    def __init__(self, styles: etree._Element) -> None:
        self.by_id = {s.get(_w("styleId")): s for s in styles.iter(_w("style"))}
        default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:color", NS)
        self.default = default.get(_w("val")) if default is not None else None
        self.default_paragraph = next(
            (s.get(_w("styleId")) for s in styles.iter(_w("style"))
             if s.get(_w("type")) == "paragraph" and s.get(_w("default")) in ("1", "true")),
            None,
        )  # fmt: skip

    def _chain(self, style_id: str | None) -> Iterator[etree._Element]:
        """The style and the styles it is based on, nearest first."""
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.find("w:basedOn", NS)
            style_id = based.get(_w("val")) if based is not None else None

    def colour(self, style_id: str | None) -> str | None:
        for style in self._chain(style_id):
            colour = style.find("w:rPr/w:color", NS)
            if colour is not None and colour.get(_w("val")):
                return colour.get(_w("val"))
        return None

    def table_fill(self, style_id: str | None) -> str | None:
        for style in self._chain(style_id):
            fill = _fill(style.find("w:tcPr/w:shd", NS))
            if fill:
                return fill
        return None


def _fill(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    value = element.get(_w("fill"))
    return None if value in (None, "auto") else value


def shown_runs(part: etree._Element, styles: Styles, page: str = WHITE) -> Iterator[Shown]:
    """Every run with text in a document, header or footer part, with its colour resolved
    (run, character style, paragraph style, defaults; "auto" is black on a light background
    and white on a dark one, as Word draws it) and its background (run, paragraph, cell,
    table style, then the page)."""
    for run in part.iter(_w("r")):
        text = "".join(t.text or "" for t in run.iter(_w("t")))
        if not text.strip():
            continue
        paragraph = next(run.iterancestors(_w("p")), None)
        cell = next(run.iterancestors(_w("tc")), None)
        table = next(run.iterancestors(_w("tbl")), None)
        background = (
            _fill(run.find("w:rPr/w:shd", NS))
            or (_fill(paragraph.find("w:pPr/w:shd", NS)) if paragraph is not None else None)
            or (_fill(cell.find("w:tcPr/w:shd", NS)) if cell is not None else None)
            or (
                styles.table_fill(table.xpath("string(w:tblPr/w:tblStyle/@w:val)", namespaces=NS))
                if table is not None
                else None
            )
            or page
        )
        own = run.find("w:rPr/w:color", NS)
        paragraph_style = (
            paragraph.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS)
            if paragraph is not None
            else ""
        ) or styles.default_paragraph
        colour = (
            (own.get(_w("val")) if own is not None else None)
            or styles.colour(run.xpath("string(w:rPr/w:rStyle/@w:val)", namespaces=NS))
            or styles.colour(paragraph_style)
            or styles.default
            or "auto"
        )
        if colour == "auto":
            colour = max(("000000", WHITE), key=lambda text: contrast_ratio(text, background))
        yield Shown(text, colour, background)


def illegible(parts: dict[str, etree._Element]) -> list[Shown]:
    """Runs below 4.5:1 in the body, headers and footers of a package's parsed parts."""
    styles = Styles(parts["word/styles.xml"])
    document = parts["word/document.xml"]
    background = document.find("w:background", NS)
    page = background.get(_w("color")) if background is not None else WHITE
    found = []
    for name, root in parts.items():
        if name == "word/document.xml" or (
            name.startswith("word/") and name.split("/")[-1].startswith(("header", "footer"))
        ):
            found += [shown for shown in shown_runs(root, styles, page) if shown.ratio < 4.5]
    return found
