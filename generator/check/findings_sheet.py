"""The "boardpack findings" sheet of an annotated copy: every finding, linked to its cell.

Written straight as worksheet XML, a row per finding, with cell text as inline strings: text
is data, so a message starting "=" can never become a formula.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from xml.sax.saxutils import escape

from generator.common.a1 import column_letter
from generator.common.ooxml import DECLARATION, xml_attribute
from generator.common.xmltext import xml_safe
from generator.findings import Finding, Severity

FINDINGS_SHEET = "boardpack findings"
HEADERS = ("Sheet", "Cell", "Ref", "Column", "Rule", "Severity", "Message", "Value")
_WIDTHS = (16, 10, 12, 18, 24, 10, 70, 30)
_EXCEL_CELL_LIMIT = 32_767
_LINK, _SEVERITY, _MESSAGE = 2, 6, 7  # columns


def cell_text(text: str) -> str:
    """``text`` as Excel can store it: no control characters, within the cell size limit."""
    return _within_limit(xml_safe(text))


def _within_limit(text: str) -> str:
    if len(text) > _EXCEL_CELL_LIMIT:
        text = text[: _EXCEL_CELL_LIMIT - 1] + "…"
    return text


def quoted_sheet(name: str) -> str:
    """A sheet name as a formula or link names it: 'Actions', 'Bob''s plan'."""
    return "'" + name.replace("'", "''") + "'"


def findings_sheet(
    findings: Sequence[Finding],
    *,
    located: Collection[Finding],
    sheets: Collection[str],
    styles: Mapping[str, int],
    severity_styles: Mapping[Severity, int],
    namespace: str,
) -> bytes:
    """The sheet's XML: sheet-level findings first, then errors before warnings, each with a
    link to its cell (or to the sheet, for a finding about the whole sheet).

    ``styles``: "header", "link" and "wrapped" style indices; ``severity_styles``: the fill
    for each severity; ``located``: findings whose cell was marked; ``sheets``: the
    workbook's sheet names.
    """
    ordered = sorted(findings, key=lambda f: (bool(f.cell), f.severity is not Severity.ERROR))
    rows = [_row(1, HEADERS, {column: styles["header"] for column in range(1, 9)})]
    links = []
    for number, finding in enumerate(ordered, start=2):
        linked = finding in located or finding.sheet in sheets
        cell_styles = {_SEVERITY: severity_styles[finding.severity], _MESSAGE: styles["wrapped"]}
        if linked:
            cell_styles[_LINK] = styles["link"]
            target = finding.cell if finding in located else "A1"
            links.append(
                b'<hyperlink ref="B' + str(number).encode() + b'" location='
                + xml_attribute(f"{quoted_sheet(finding.sheet)}!{target}")
                + b" display=" + xml_attribute(cell_text(finding.cell or "(whole sheet)"))
                + b"/>"
            )  # fmt: skip
        values = (
            finding.sheet,
            finding.cell or "(whole sheet)",
            finding.ref,
            finding.column,
            finding.rule,
            finding.severity.value,
            finding.message,
            finding.value,
        )
        rows.append(_row(number, values, cell_styles))
    last = f"{column_letter(len(HEADERS))}{len(ordered) + 1}"
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(_WIDTHS, start=1)
    )
    return (
        DECLARATION
        + (
            f'<worksheet xmlns="{namespace}"><dimension ref="A1:{last}"/>'
            '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols><sheetData>'
        ).encode()
        + xml_safe("".join(rows)).encode("utf-8")
        + f'</sheetData><autoFilter ref="A1:{last}"/>'.encode()
        + (b"<hyperlinks>" + b"".join(links) + b"</hyperlinks>" if links else b"")
        + b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        b'footer="0.3"/></worksheet>'
    )


def _row(number: int, values: Sequence[str], styles: Mapping[int, int]) -> str:
    cells = []
    for column, value in enumerate(values, start=1):
        reference = f"{column_letter(column)}{number}"
        style = styles.get(column)
        attributes = f'r="{reference}"' + (f' s="{style}"' if style else "")
        # Characters XML cannot hold are taken out of the whole sheet at once, afterwards.
        text = _within_limit(value) if value else ""
        if text:
            text = escape(text)
            cells.append(
                f'<c {attributes} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            )
        elif style:
            cells.append(f"<c {attributes}/>")
    return f'<row r="{number}">{"".join(cells)}</row>'
