"""Each lead's workbook: their open actions in the plan's own columns, ready to update.

The columns a lead may change are unlocked and highlighted; everything else is locked by
sheet protection without a password (it guards against slips, and nobody is shut out).
Excel helps as it does in a new plan: a Status dropdown with the key's colours, date checks,
a frozen header row. A short instruction sits above the header row, and a last column says
what needs attention on each row. A very hidden record says what was sent (see record.py).

openpyxl writes one template per chase, with every style, check and setting and two sample
rows. Each lead's workbook is that package with the lead's own rows put in place of the
samples: only the cell data of the two sheets, and the ranges the checks cover, differ from
lead to lead. Sixty leads then cost one openpyxl save, not sixty (most of chase's time).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.common.a1 import column_letter
from generator.common.ukdates import uk_date
from generator.common.xmltext import xml_safe
from generator.cycle.asks import LeadRequest
from generator.cycle.columns import LEAD_MAY_CHANGE
from generator.cycle.layout import lines_needed, row_height
from generator.cycle.record import RECORD_SHEET, record_rows
from generator.read.cells import raw_text
from generator.scaffold import (
    HEADER_FILL,
    HEADER_FONT,
    LONG_TEXT,
    LONG_WIDTH,
    UK_DATE_FORMAT,
    WIDTHS,
    colour_statuses,
    date_validation,
    list_validation,
)
from generator.schema.status import StatusKey

ATTENTION_HEADER = "What needs attention"
#: Excel's own "Input" cell colour: the cells to fill in.
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")
ATTENTION_FILL = PatternFill("solid", fgColor="FCE4D6")
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")
_EXCEL_CELL_LIMIT = 32_767
_EPOCH = dt.datetime(1899, 12, 30)  # the template is written in the 1900 date system
#: The template's rows: the instruction lines, a blank row, the header, two sample rows.
_NOTES = 5
HEADER_ROW = _NOTES + 2
FIRST_ROW = HEADER_ROW + 1
_SAMPLE_FLAGGED, _SAMPLE_PLAIN = FIRST_ROW, FIRST_ROW + 1
_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.DOTALL)
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_CELL_STYLE = re.compile(rb'<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?')
_SAMPLE_RANGE = re.compile(rb'((?:sqref|ref)="[A-Z]+(?:1|' + str(FIRST_ROW).encode() + rb"):[A-Z]+)"
                           + str(_SAMPLE_PLAIN).encode() + b'"')  # fmt: skip


@dataclass(frozen=True)
class Column:
    """A plan column as the lead sees it: its name in rules.yaml, header as typed, type."""

    name: str
    header: str
    type: str

    @property
    def editable(self) -> bool:
        return self.name in LEAD_MAY_CHANGE


@dataclass(frozen=True)
class Letter:
    """What the workbook says about itself above the header row and in its record."""

    title: str
    plan_name: str
    plan_sha256: str
    sheet: str
    as_of: dt.date
    reply_by: dt.date


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write a value with openpyxl; text always stays text ("=SUM(A1)" is not a formula)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = _text(value) if isinstance(value, str) else value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _text(value: str) -> str:
    """Text as a cell can hold it: no characters XML forbids, within Excel's cell limit."""
    text = xml_safe(value)
    return text if len(text) <= _EXCEL_CELL_LIMIT else text[: _EXCEL_CELL_LIMIT - 1]


def instructions(lead: str, letter: Letter, columns: Sequence[Column], key: StatusKey) -> list[str]:
    """The lines above the header row: what this is, what to do, by when."""
    editable = ", ".join(column.header for column in columns if column.editable)
    by = f"{letter.reply_by:%A} {uk_date(letter.reply_by)}"
    lines = [
        f"{letter.title}: open actions for {lead}",
        f"Please update the highlighted columns ({editable}) and send this workbook back by {by}.",
        "The other columns are locked so the plan stays as the board agreed it; add nothing "
        "below the last row. The last column says what needs attention on each action.",
        "Status key: " + "; ".join(status.label for status in key.statuses),
        f"From {letter.plan_name}, as at {uk_date(letter.as_of)}.",
    ]
    assert len(lines) == _NOTES
    return lines


class LeadWorkbooks:
    """Makes each lead's workbook from one template (see the module's docstring)."""

    def __init__(self, columns: Sequence[Column], key: StatusKey, letter: Letter) -> None:
        self.columns = list(columns)
        self.key = key
        self.letter = letter
        self.widths = [_width(column) for column in columns] + [LONG_WIDTH]
        with zipfile.ZipFile(io.BytesIO(_template(self.columns, key, letter))) as package:
            self.parts = [(info, package.read(info)) for info in package.infolist()]
        parts = dict((info.filename, data) for info, data in self.parts)
        self.main = _Sheet(parts["xl/worksheets/sheet1.xml"])
        self.record = _Sheet(parts["xl/worksheets/sheet2.xml"])
        styles = self.main.styles
        self.title_style = styles[(1, 1)]
        self.cell_styles = [styles[(_SAMPLE_PLAIN, n)] for n in range(1, len(columns) + 1)]
        attention = len(columns) + 1
        self.flagged_style = styles[(_SAMPLE_FLAGGED, attention)]
        self.plain_style = styles[(_SAMPLE_PLAIN, attention)]

    def build(
        self,
        request: LeadRequest,
        rows: Sequence[Mapping[str, Any]],
        sent: Sequence[Mapping[str, str]],
    ) -> bytes:
        """The lead's workbook as .xlsx bytes; ``rows`` hold each ask's raw values by
        column, ``sent`` their fingerprints, for the record."""
        title = instructions(request.lead, self.letter, self.columns, self.key)[0]
        data = [_row(1, [(title, self.title_style)])]
        last = FIRST_ROW + len(rows) - 1
        for offset, (ask, values) in enumerate(zip(request.asks, rows, strict=True)):
            cells = [
                (values.get(column.name), style)
                for column, style in zip(self.columns, self.cell_styles, strict=True)
            ]
            reasons = "; ".join(ask.reasons) or None
            cells.append((reasons, self.flagged_style if reasons else self.plain_style))
            lines = max(
                lines_needed(_shown(value), width)
                for (value, _), width in zip(cells, self.widths, strict=True)
            )
            data.append(_row(FIRST_ROW + offset, cells, row_height(lines)))
        width = column_letter(len(self.columns) + 1)
        main = self.main.with_rows(data, keep=range(2, FIRST_ROW), extent=f"A1:{width}{last}")
        recorded = record_rows(
            lead=request.lead,
            plan=self.letter.plan_name,
            plan_sha256=self.letter.plan_sha256,
            as_of=self.letter.as_of,
            reply_by=self.letter.reply_by,
            sheet_name=self.letter.sheet,
            sent=[(ask.action.ref, prints) for ask, prints in zip(request.asks, sent, strict=True)],
        )
        record = self.record.with_rows(
            [
                _row(number, [(value, None) for value in values])
                for number, values in enumerate(recorded, start=1)
            ],
            keep=(),
            extent=f"A1:B{len(recorded)}",
        )
        changed = {"xl/worksheets/sheet1.xml": main, "xl/worksheets/sheet2.xml": record}
        buffer = io.BytesIO()
        # Dated by the as-of date, not the clock: the same plan gives the same workbooks.
        stamp = (self.letter.as_of.year, self.letter.as_of.month, self.letter.as_of.day, 0, 0, 0)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for info, part in self.parts:
                package.writestr(
                    zipfile.ZipInfo(info.filename, stamp),
                    changed.get(info.filename, part),
                    zipfile.ZIP_DEFLATED,
                )
        return buffer.getvalue()


class _Sheet:
    """A template sheet's XML, split around its rows, with the style of each sample cell."""

    def __init__(self, xml: bytes) -> None:
        start = xml.index(b"<sheetData")
        opened = xml.index(b">", start) + 1
        if xml[opened - 2 : opened] == b"/>":  # no rows: <sheetData/>
            self.head = xml[:start] + b"<sheetData>"
            self.tail = b"</sheetData>" + xml[opened:]
            body = b""
        else:
            close = xml.index(b"</sheetData>", opened)
            self.head, self.tail, body = xml[:opened], xml[close:], xml[opened:close]
        self.rows = {_row_number(row): row for row in _ROW.findall(body)}
        self.styles = {
            (int(found[2]), _column_number(found[1])): found[3] or b"0"
            for found in _CELL_STYLE.finditer(body)
        }

    def with_rows(self, rows: Sequence[bytes], keep: Sequence[int], extent: str) -> bytes:
        """The sheet with ``rows`` and the template's own rows ``keep``, in row order, over
        ``extent`` ("A1:O12"); ranges that covered the sample rows now end where it does."""
        kept = [self.rows[number] for number in keep if number in self.rows]
        ordered = sorted([*rows, *kept], key=_row_number)
        last = extent.rsplit(":", 1)[-1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").encode()
        stretch = rb"\g<1>" + last + b'"'
        head, tail = _SAMPLE_RANGE.sub(stretch, self.head), _SAMPLE_RANGE.sub(stretch, self.tail)
        head = _DIMENSION.sub(b'<dimension ref="' + extent.encode() + b'"/>', head)
        return head + b"".join(ordered) + tail


def _row_number(row: bytes) -> int:
    found = _ROW_NUMBER.search(row)
    return int(found[1]) if found else 0


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _row(number: int, cells: Sequence[tuple[Any, bytes | None]], height: float = 0) -> bytes:
    """A ``<row>`` of values (written as values: text never becomes a formula)."""
    xml = [f'<row r="{number}"'.encode()]
    if height:
        xml.append(f' ht="{height}" customHeight="1"'.encode())
    xml.append(b">")
    for column, (value, style) in enumerate(cells, start=1):
        xml.append(_cell(f"{column_letter(column)}{number}", value, style))
    xml.append(b"</row>")
    return b"".join(xml)


def _cell(ref: str, value: Any, style: bytes | None) -> bytes:
    attrs = f'<c r="{ref}"'.encode() + (b' s="' + style + b'"' if style else b"")
    if value is None or value == "":
        return attrs + b"/>"
    if isinstance(value, bool):
        return attrs + b' t="b"><v>' + (b"1" if value else b"0") + b"</v></c>"
    if isinstance(value, (dt.date, dt.datetime)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        serial = (moment - _EPOCH).total_seconds() / 86_400
        value = int(serial) if serial.is_integer() else serial
    if isinstance(value, (int, float)):
        return attrs + b"><v>" + repr(value).encode() + b"</v></c>"
    text = escape(_text(value if isinstance(value, str) else raw_text(value)))
    return attrs + b' t="inlineStr"><is><t xml:space="preserve">' + text.encode() + b"</t></is></c>"


def _shown(value: Any) -> Any:
    return value if isinstance(value, str) else None


def _width(column: Column) -> int:
    return LONG_WIDTH if column.name in LONG_TEXT else WIDTHS.get(column.type, WIDTHS["text"])


def _template(columns: Sequence[Column], key: StatusKey, letter: Letter) -> bytes:
    """The template workbook: instruction rows, the header, and two sample rows (the first
    with something needing attention) whose cells carry every style a lead's rows use."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = letter.sheet
    for number, line in enumerate(instructions("", letter, columns, key), start=1):
        put(sheet, number, 1, line).font = Font(bold=number == 1, size=14 if number == 1 else 11)
    for number, column in enumerate(columns, start=1):
        cell = put(sheet, HEADER_ROW, number, column.header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        _shape_column(sheet, number, column, key)
    attention = len(columns) + 1
    cell = put(sheet, HEADER_ROW, attention, ATTENTION_HEADER)
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    sheet.column_dimensions[get_column_letter(attention)].width = LONG_WIDTH
    for row in (_SAMPLE_FLAGGED, _SAMPLE_PLAIN):
        for number, column in enumerate(columns, start=1):
            cell = sheet.cell(row=row, column=number)
            cell.alignment = WRAP
            if column.type == "date":
                cell.number_format = UK_DATE_FORMAT
            if column.editable:
                cell.fill, cell.protection = EDITABLE_FILL, UNLOCKED
        cell = sheet.cell(row=row, column=attention)
        cell.alignment = WRAP
        if row == _SAMPLE_FLAGGED:
            cell.fill = ATTENTION_FILL
    sheet.freeze_panes = f"A{FIRST_ROW}"
    # Printed, it fits the page's width, landscape, with the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.row_dimensions[HEADER_ROW].height = 30
    # Locked, but people may still widen columns and rows to read long updates.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    record = book.create_sheet(RECORD_SHEET)
    record.sheet_state = "veryHidden"
    record.protection.sheet = True
    book.properties.creator = "boardpack"
    book.properties.title = f"{letter.title}: open actions"
    # The same inputs give the same workbook: no clock in it.
    moment = dt.datetime.combine(letter.as_of, dt.time())
    book.properties.created = book.properties.modified = moment
    book.active = 0
    buffer = io.BytesIO()
    # openpyxl's Workbook.save stamps "modified" with the clock; its writer alone keeps ours.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return buffer.getvalue()


def _shape_column(sheet: Worksheet, number: int, column: Column, key: StatusKey) -> None:
    letter = get_column_letter(number)
    sheet.column_dimensions[letter].width = _width(column)
    if not column.editable:
        return
    cells = f"{letter}{FIRST_ROW}:{letter}{_SAMPLE_PLAIN}"
    if column.type == "status":
        validation = list_validation(column.header, key.names)
        sheet.add_data_validation(validation)
        validation.add(cells)
        colour_statuses(sheet, cells, key)
    elif column.type == "date":
        validation = date_validation(column.header)
        sheet.add_data_validation(validation)
        validation.add(cells)
