"""Tables written as WordprocessingML text, in bulk.

python-docx's cell-by-cell API costs about a millisecond a cell, and even parsing a big table
and moving it into the document tree costs seconds at 20,000 rows. So a table is built here as
one XML string from prepared pieces, and the document holds only a placeholder for it until the
package is saved (see ``output.document_bytes``). Every table is laid out fixed (Word renders
long fixed tables quickly), has its first row marked to repeat on each page, keeps short rows
whole on a page, and carries a caption for screen readers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from xml.sax.saxutils import escape, quoteattr

from generator.schema.status import Status

HEADER_FILL = "1F3864"
HEADER_TEXT = "FFFFFF"
TOTAL_FILL = "E7E6E6"
BAND_FILL = "D9E2F3"
_TWIPS_PER_CM = 567
_KEEP_WHOLE = 600  # characters: longer rows may break across pages (a row taller than a page must)


@dataclass(frozen=True)
class Styled:
    """A cell with its own look: shading, text colour, bold."""

    text: str
    fill: str = ""
    colour: str = ""
    bold: bool = False


Cell = str | Styled


@dataclass(frozen=True)
class Column:
    """A column: its heading, its share of the table's width and its alignment."""

    heading: Cell
    weight: float = 1.0
    align: str = "left"  # "left", "center" or "right"
    minimum_cm: float = 0.0  # never narrower than this, whatever the page (a date, a status)


#: Least widths at 9 pt (Arial and its metric twins) with Word's usual 0.19 cm cell padding
#: each side, that keep "30 September 2026", "11 months", "Amber", "QP-07" and "On target"
#: on one line, and a word such as "Commissioning," whole in a text column. They are scaled
#: up for larger table text.
DATE_CM = 3.3
DURATION_CM = 1.9
STATUS_CM = 1.5
REF_CM = 1.4
FIGURE_CM = 1.85
TEXT_CM = 2.7
BASE_TABLE_PT = 9.0


@dataclass(frozen=True)
class Band:
    """A full-width row naming the group the rows beneath it belong to (a plan section)."""

    text: str


def status_cell(status: Status | None, typed: str | None = None, *, long: bool = False) -> Styled:
    """A status shaded in its colour and named in words, so it never relies on colour alone."""
    if status is None:
        return Styled(typed or "Not set", bold=True)
    label = status.label if long else status.name
    return Styled(label, fill=status.colour, colour=readable_text_colour(status), bold=True)


def readable_text_colour(status: Status) -> str:
    """The key's text colour if legible on the fill (WCAG AA, 4.5:1), else black or white."""
    return readable_on(status.colour, status.text_colour)


@cache  # a handful of colours, asked about for every shaded cell and every table heading
def readable_on(fill: str, preferred: str = "000000") -> str:
    """``preferred`` if it reaches 4.5:1 against ``fill`` (WCAG AA), else black or white,
    whichever contrasts more. A shaded cell's text always gets its own colour this way, so a
    template's grey Normal text can never fade into a pale tint."""
    if _luminance(fill) is None:
        return preferred
    if contrast_ratio(preferred, fill) >= 4.5:
        return preferred
    return max(("000000", "FFFFFF"), key=lambda text: contrast_ratio(text, fill))


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two RRGGBB colours (1 to 21; 0 when one is not a colour)."""
    one, other = _luminance(first), _luminance(second)
    if one is None or other is None:
        return 0.0
    light, dark = max(one, other), min(one, other)
    return (light + 0.05) / (dark + 0.05)


def _luminance(rgb: str) -> float | None:
    digits = rgb.strip().lstrip("#")
    if len(digits) != 6:
        return None
    try:
        channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    except ValueError:
        return None
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def column_widths(columns: Sequence[Column], width_twips: int, scale: float = 1.0) -> list[int]:
    """Give each column its minimum, then share what is left by weight.

    A column of weight 0 (a ref, a date, a status) gets just its minimum; the others share
    the rest in proportion to their weights, none narrower than its own minimum. ``scale``
    grows the minimums for table text larger than 9 pt; on a page too narrow for all the
    minimums, they are scaled down to fit.
    """
    floors = [column.minimum_cm * scale * _TWIPS_PER_CM for column in columns]
    if sum(floors) >= width_twips:
        shrink = width_twips / sum(floors)
        return [int(floor * shrink) for floor in floors]
    widths = list(floors)
    sharing = [i for i, column in enumerate(columns) if column.weight > 0]
    while sharing:
        room = width_twips - sum(widths[i] for i in range(len(columns)) if i not in sharing)
        weight = sum(columns[i].weight for i in sharing)
        shares = {i: room * columns[i].weight / weight for i in sharing}
        pinned = [i for i in sharing if shares[i] < floors[i]]
        if not pinned:
            for i in sharing:
                widths[i] = shares[i]
            break
        # A column whose share is below its minimum keeps the minimum; the rest share again.
        sharing = [i for i in sharing if i not in pinned]
    return [int(width) for width in widths]


def run_text(text: str) -> str:
    """``w:t`` for already-cleaned text: escaped, with tabs and line breaks as Word's own."""
    body = escape(text)
    if "\n" in body:
        body = body.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    if "\t" in body:
        body = body.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
    return f'<w:t xml:space="preserve">{body}</w:t>'


@dataclass(frozen=True)
class _Layout:
    """What every table with the same columns, width and styles shares: the cells' widths and
    openings, and the XML before and after the caption, header row included. Made once per
    kind of table, so the tables of 10,000 sections share one header rather than each
    building and holding its own."""

    widths: tuple[int, ...]
    paragraph_props: tuple[str, ...]
    plain: tuple[str, ...]  # a plain cell's opening in each column, up to its run
    opening: str  # the table up to its caption
    head: str  # after the caption: the grid and the header row
    band_open: str  # a band row up to its text


_CLOSE = "</w:r></w:p></w:tc>"
_KEEP_ROW = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"


def _styled_cell(
    value: Styled, width: int, paragraph_props: str, bold: bool = False, fill: str = ""
) -> str:
    """A cell with its own shading, colour or weight (the cell's own fill wins over ``fill``)."""
    fill = value.fill or fill
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    colour = readable_on(fill, value.colour or "000000") if fill else value.colour
    run_props = ""
    if value.bold or bold or colour:
        run_props = (
            "<w:rPr>"
            + ("<w:b/>" if value.bold or bold else "")
            + (f'<w:color w:val="{colour}"/>' if colour else "")
            + "</w:rPr>"
        )
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
        f"<w:p>{paragraph_props}<w:r>{run_props}{run_text(value.text)}{_CLOSE}"
    )


@lru_cache(maxsize=64)  # a report has a handful of kinds of table, some 10,000 times over
def _layout(
    columns: tuple[Column, ...],
    width_twips: int,
    paragraph_style: str,
    table_style: str,
    scale: float,
) -> _Layout:
    widths = tuple(column_widths(columns, width_twips, scale))
    paragraph_props = tuple(
        f'<w:pPr><w:pStyle w:val="{paragraph_style}"/>'
        + ("" if column.align == "left" else f'<w:jc w:val="{column.align}"/>')
        + "</w:pPr>"
        for column in columns
    )
    header = [
        _styled_cell(
            heading
            if isinstance(heading := column.heading, Styled)
            else Styled(heading, HEADER_FILL, HEADER_TEXT, bold=True),
            widths[index],
            paragraph_props[index],
            bold=True,
        )
        for index, column in enumerate(columns)
    ]
    return _Layout(
        widths=widths,
        paragraph_props=paragraph_props,
        plain=tuple(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p>{props}<w:r>'
            for width, props in zip(widths, paragraph_props, strict=True)
        ),
        opening="".join(
            (
                "<w:tbl><w:tblPr>",
                f'<w:tblStyle w:val="{table_style}"/>',
                f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>',
                '<w:tblLayout w:type="fixed"/>',
                '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0"'
                ' w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>',
            )
        ),
        head="".join(
            (
                "</w:tblPr><w:tblGrid>",
                *(f'<w:gridCol w:w="{width}"/>' for width in widths),
                "</w:tblGrid>",
                "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
                *header,
                "</w:tr>",
            )
        ),
        band_open=(
            f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{sum(widths)}"'
            f' w:type="dxa"/><w:gridSpan w:val="{len(widths)}"/>'
            f'<w:shd w:val="clear" w:color="auto" w:fill="{BAND_FILL}"/></w:tcPr>'
            # A band keeps with the first row of its group, never ending a page alone.
            f'<w:p><w:pPr><w:pStyle w:val="{paragraph_style}"/><w:keepNext/></w:pPr>'
            f'<w:r><w:rPr><w:b/><w:color w:val="{readable_on(BAND_FILL)}"/></w:rPr>'
        ),
    )


def table_xml(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Cell] | Band],
    *,
    width_twips: int,
    paragraph_style: str,
    table_style: str,
    caption: str,
    total: Sequence[Cell] | None = None,
    scale: float = 1.0,
) -> list[str]:
    """A ``w:tbl`` element as text in pieces, a row a piece (``w`` prefix, no namespace
    declaration of its own); joined, the pieces are the table's XML.

    ``rows`` hold already-cleaned text, or a ``Band`` naming the group below it; ``total``
    is an optional bold, shaded last row. ``paragraph_style`` and ``table_style`` are style
    ids from the document; ``scale`` is the table text's size over 9 pt.
    """
    layout = _layout(tuple(columns), width_twips, paragraph_style, table_style, scale)
    widths, props, plain, close = layout.widths, layout.paragraph_props, layout.plain, _CLOSE
    parts = [layout.opening, f"<w:tblCaption w:val={quoteattr(caption)}/>", layout.head]
    for row in rows:
        if isinstance(row, Band):
            parts.append(f"{layout.band_open}{run_text(row.text)}</w:r></w:p></w:tc></w:tr>")
            continue
        length = 0
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, str):
                length += len(value)
                cells.append(f"{plain[index]}{run_text(value)}{close}")
            else:
                length += len(value.text)
                cells.append(_styled_cell(value, widths[index], props[index]))
        # One string per row: a 100,000-row appendix is streamed into the file row by row.
        parts.append("".join((_KEEP_ROW if length < _KEEP_WHOLE else "<w:tr>", *cells, "</w:tr>")))
    if total is not None:
        cells = [
            _styled_cell(
                value if isinstance(value, Styled) else Styled(value),
                widths[index],
                props[index],
                bold=True,
                fill=TOTAL_FILL,
            )
            for index, value in enumerate(total)
        ]
        parts.append("".join((_KEEP_ROW, *cells, "</w:tr>")))
    parts.append("</w:tbl>")
    return parts
