"""styles.xml with what an annotated copy or an updated plan needs added, nothing else changed.

A highlighted cell keeps its own look (number format, font, borders, alignment): its cell
format (``xf``) is copied with only the fill replaced, once per format and colour used; a
date collect writes into a cell without a date format gets a copy of the cell's format with
one. The findings sheet gets a bold header, link-coloured references and wrapped messages,
the Changes sheet a bold header and wrapped values. New elements are appended to their
lists, so every index the workbook already uses still means what it meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.common.ooxml import DECLARATION, attribute, start_tag, with_attribute

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The stylesheet's lists in the order the schema gives them (CT_Stylesheet).
_ORDER = (b"numFmts", b"fonts", b"fills", b"borders", b"cellStyleXfs", b"cellXfs", b"cellStyles")
_MEMBER = {b"fonts": b"font", b"fills": b"fill", b"borders": b"border", b"cellXfs": b"xf"}
# What a list must hold for Excel to open the workbook when the source lacks it.
_FIRST = {
    b"fonts": b'<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
    # Excel reserves the first two fills; a solid fill placed first would show as none.
    b"fills": b'<fill><patternFill patternType="none"/></fill>'
    b'<fill><patternFill patternType="gray125"/></fill>',
    b"borders": b"<border><left/><right/><top/><bottom/><diagonal/></border>",
    b"cellXfs": b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>',
}
_LINK_COLOUR = b"FF0563C1"  # Office's hyperlink blue
# Excel's built-in number formats that show dates, and the one given to a date cell.
_BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_DATE_FORMAT_ID = b"14"
_NUMBER_FORMAT = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*>")
_FONT_EMPHASIS = re.compile(rb"<(?:\w+:)?(?:b|u|color)\b[^>]*/>")


def new_stylesheet(namespace: str = MAIN) -> bytes:
    """A minimal styles part, for a package that has none."""
    return DECLARATION + f'<styleSheet xmlns="{namespace}"></styleSheet>'.encode()


@dataclass(frozen=True)
class ListingStyles:
    """Style indices for the findings sheet."""

    header: int
    link: int
    wrapped: int


@dataclass
class Stylesheet:
    """styles.xml, read once; ``xml`` gives it back with the additions.

    With ``reuse``, an element identical to one the list has already is used instead of
    added again: a plan collected into month after month never grows its styles.
    """

    source: bytes
    reuse: bool = False
    _xml: bytes = b""
    _lists: dict[bytes, tuple[bytes, list[bytes]]] = field(default_factory=dict)
    _added: dict[bytes, list[bytes]] = field(default_factory=dict)
    _fills: dict[bytes, int] = field(default_factory=dict)
    _derived: dict[tuple[int, bytes], int] = field(default_factory=dict)
    _listing: ListingStyles | None = None
    _bold: int | None = None
    _wrapped: int | None = None

    def __post_init__(self) -> None:
        self._xml = self.source
        root = re.search(rb"<(\w+:)?styleSheet\b[^>]*?(/?)>", self._xml)
        if root is None:
            raise ValueError("styles.xml has no styleSheet element")
        self._prefix = root[1] or b""
        if root[2]:  # <styleSheet/>: open it so lists can go in
            opened = root[0][:-2].rstrip() + b"></" + self._prefix + b"styleSheet>"
            self._xml = self._xml[: root.start()] + opened + self._xml[root.end() :]
        for name in _MEMBER:
            self._ensure(name)
            self._lists[name] = (name, self._members(name))
            self._added[name] = []

    # -- Reading the lists --------------------------------------------------------------

    def _span(self, name: bytes) -> tuple[re.Match[bytes], int] | None:
        return _span(self._xml, self._prefix, name)

    def _members(self, name: bytes) -> list[bytes]:
        span = self._span(name)
        if span is None or span[0][0].endswith(b"/>"):
            return []
        member = re.escape(_MEMBER[name])
        pattern = re.compile(
            rb"<(?:\w+:)?" + member + rb"\b[^>]*?(?:/>|>.*?</(?:\w+:)?" + member + rb">)",
            re.DOTALL,
        )
        return [found[0] for found in pattern.finditer(self._xml, span[0].end(), span[1])]

    def _ensure(self, name: bytes) -> None:
        """Give the stylesheet the list ``name`` with its required first members."""
        span = self._span(name)
        if span is not None and not span[0][0].endswith(b"/>"):
            if self._members(name):
                return
            at = span[1]
            self._xml = self._xml[:at] + self._prefixed(_FIRST[name]) + self._xml[at:]
            return
        element = (
            b"<" + self._prefix + name + b">" + self._prefixed(_FIRST[name])
            + b"</" + self._prefix + name + b">"
        )  # fmt: skip
        if span is not None:  # <fills/> or <fills count="0"/>
            self._xml = self._xml[: span[0].start()] + element + self._xml[span[0].end() :]
            return
        later = [
            found.start()
            for other in _ORDER[_ORDER.index(name) + 1 :]
            if (found := re.search(rb"<" + re.escape(self._prefix) + other + rb"\b", self._xml))
        ]
        at = min(later) if later else self._xml.rfind(b"</" + self._prefix + b"styleSheet>")
        self._xml = self._xml[:at] + element + self._xml[at:]

    def _prefixed(self, element: bytes) -> bytes:
        return re.sub(rb"<(/?)", rb"<\1" + self._prefix, element) if self._prefix else element

    def _add(self, name: bytes, element: bytes) -> int:
        """Append ``element`` to the list ``name``; its index."""
        members = [*self._lists[name][1], *self._added[name]]
        if self.reuse and element in members:
            return members.index(element)
        index = len(members)
        self._added[name].append(element)
        return index

    # -- What annotate asks for -----------------------------------------------------------

    def highlighted(self, style: int, colour: bytes) -> int:
        """The index of a cell format like ``style`` but filled solid with ``colour``
        (ARGB hex, b"FFFFC7CE")."""
        key = (style, colour)
        if key in self._derived:
            return self._derived[key]
        if colour not in self._fills:
            fill = (
                b'<fill><patternFill patternType="solid"><fgColor rgb="' + colour
                + b'"/><bgColor indexed="64"/></patternFill></fill>'
            )  # fmt: skip
            self._fills[colour] = self._add(b"fills", self._prefixed(fill))
        fill = str(self._fills[colour]).encode()
        self._derived[key] = self._like(style, {b"fillId": fill, b"applyFill": b"1"})
        return self._derived[key]

    def _format(self, style: int) -> bytes:
        """The cell format ``style``: one the workbook does not define shows as the default."""
        formats = self._lists[b"cellXfs"][1]
        return formats[style] if 0 <= style < len(formats) else formats[0]

    def _like(self, style: int, attributes: dict[bytes, bytes]) -> int:
        """The index of a cell format like ``style`` with ``attributes`` set."""
        original = self._format(style)
        tag = start_tag(original)
        new_tag = tag
        for name, value in attributes.items():
            new_tag = with_attribute(new_tag, name, value)
        return self._add(b"cellXfs", new_tag + original[len(tag) :])

    # -- What collect asks for ------------------------------------------------------------

    def date_style(self, style: int) -> int:
        """A cell format like ``style`` that shows a date: itself when it already does."""
        key = (style, b"date")
        if key not in self._derived:
            number_format = attribute(start_tag(self._format(style)), b"numFmtId") or b"0"
            if number_format.isdigit() and self._shows_a_date(int(number_format)):
                self._derived[key] = style
            else:
                self._derived[key] = self._like(
                    style, {b"numFmtId": _DATE_FORMAT_ID, b"applyNumberFormat": b"1"}
                )
        return self._derived[key]

    def _shows_a_date(self, format_id: int) -> bool:
        if format_id in _BUILTIN_DATE_FORMATS:
            return True
        for found in _NUMBER_FORMAT.finditer(self.source):
            if attribute(found[0], b"numFmtId") == str(format_id).encode():
                code = (attribute(found[0], b"formatCode") or b"").decode("utf-8", "replace")
                code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code).lower()
                return re.search("[dmy]", code) is not None
        return False

    def bold(self) -> int:
        """A cell format in the workbook's first font made bold: for header rows."""
        if self._bold is None:
            base = self._lists[b"fonts"][1][0]
            font = self._add(b"fonts", _font_with(base, b"<b/>", self._prefix))
            self._bold = self._in_font(font)
        return self._bold

    def wrapped(self) -> int:
        """A cell format with text wrapped and set at the top."""
        if self._wrapped is None:
            self._wrapped = self._add(
                b"cellXfs",
                self._prefixed(
                    b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" applyAlignment="1">'
                    b'<alignment vertical="top" wrapText="1"/></xf>'
                ),
            )
        return self._wrapped

    def _in_font(self, font: int) -> int:
        return self._add(
            b"cellXfs",
            self._prefixed(
                b'<xf numFmtId="0" fontId="' + str(font).encode()
                + b'" fillId="0" borderId="0" applyFont="1"/>'
            ),
        )  # fmt: skip

    def listing(self) -> ListingStyles:
        """Styles for the findings sheet: bold header, link text, wrapped text."""
        if self._listing is None:
            header = self.bold()
            base = self._lists[b"fonts"][1][0]
            link = self._add(
                b"fonts",
                _font_with(base, b'<u/><color rgb="' + _LINK_COLOUR + b'"/>', self._prefix),
            )
            self._listing = ListingStyles(
                header=header, link=self._in_font(link), wrapped=self.wrapped()
            )
        return self._listing

    @property
    def changed(self) -> bool:
        """Whether anything was added or repaired."""
        return self._xml != self.source or any(self._added.values())

    @property
    def xml(self) -> bytes:
        """styles.xml with every addition, each list's count brought up to date."""
        xml = self._xml
        # From the last list to the first, so the positions found earlier stay true.
        for name in sorted(self._added, key=lambda n: -self._span_in(xml, n)[0].start()):
            added = self._added[name]
            if not added:
                continue
            opening, closing = self._span_in(xml, name)
            count = str(len(self._lists[name][1]) + len(added)).encode()
            xml = (
                xml[: opening.start()] + with_attribute(opening[0], b"count", count)
                + xml[opening.end() : closing] + b"".join(added) + xml[closing:]
            )  # fmt: skip
        return xml

    def _span_in(self, xml: bytes, name: bytes) -> tuple[re.Match[bytes], int]:
        span = _span(xml, self._prefix, name)
        if span is None:
            raise ValueError(f"styles.xml has no {name.decode()}")
        return span


def _span(xml: bytes, prefix: bytes, name: bytes) -> tuple[re.Match[bytes], int] | None:
    """The list's start tag and where its closing tag starts (None if it has none)."""
    opening = re.search(rb"<" + re.escape(prefix) + name + rb"\b[^>]*?/?>", xml)
    if opening is None:
        return None
    if opening[0].endswith(b"/>"):
        return opening, opening.end()
    closing = xml.find(b"</" + prefix + name + b">", opening.end())
    if closing < 0:
        raise ValueError(f"styles.xml: {name.decode()} is not closed")
    return opening, closing


def _font_with(font: bytes, emphasis: bytes, prefix: bytes) -> bytes:
    """``font`` with its bold, underline and colour replaced by ``emphasis``."""
    font = _FONT_EMPHASIS.sub(b"", font)
    tag = start_tag(font)
    if prefix:
        emphasis = re.sub(rb"<(/?)", rb"<\1" + prefix, emphasis)
    if tag.endswith(b"/>"):
        name = tag[1:].split(None, 1)[0].rstrip(b"/>")
        return tag[:-2].rstrip() + b">" + emphasis + b"</" + name + b">"
    return tag + emphasis + font[len(tag) :]
