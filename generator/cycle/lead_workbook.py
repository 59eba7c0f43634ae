"""One lead's workbook: their open actions in the plan's own columns, ready to update.

The columns a lead may change are unlocked and highlighted; everything else is locked by
sheet protection without a password (it guards against slips, and nobody is shut out).
Excel helps as it does in a new plan: a Status dropdown with the key's colours, date checks,
a frozen header row. A short instruction sits above the header row, and a last column says
what needs attention on each row. A very hidden record says what was sent (see record.py).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.common.ukdates import uk_date
from generator.cycle.asks import LeadRequest
from generator.cycle.columns import LEAD_MAY_CHANGE
from generator.cycle.layout import lines_needed, row_height
from generator.cycle.record import write_record
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
    """Write a value; text always stays text ("=SUM(A1)" typed in a plan is not a formula
    here), without the control characters Excel cannot hold, within Excel's cell limit."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text if len(text) <= _EXCEL_CELL_LIMIT else text[: _EXCEL_CELL_LIMIT - 1]
        cell.data_type = "s"
    elif isinstance(value, dt.datetime):
        cell.value = value.date() if value.time() == dt.time() else value
    else:
        cell.value = value
    return cell


def instructions(
    request: LeadRequest, letter: Letter, columns: Sequence[Column], key: StatusKey
) -> list[str]:
    """The lines above the header row: what this is, what to do, by when."""
    editable = ", ".join(column.header for column in columns if column.editable)
    by = f"{letter.reply_by:%A} {uk_date(letter.reply_by)}"
    return [
        f"{letter.title}: open actions for {request.lead}",
        f"Please update the highlighted columns ({editable}) and send this workbook back by {by}.",
        "The other columns are locked so the plan stays as the board agreed it; add nothing "
        "below the last row. The last column says what needs attention on each action.",
        "Status key: " + "; ".join(status.label for status in key.statuses),
        f"From {letter.plan_name}, as at {uk_date(letter.as_of)}.",
    ]


def build_lead_workbook(
    request: LeadRequest,
    columns: Sequence[Column],
    rows: Sequence[Mapping[str, Any]],
    key: StatusKey,
    letter: Letter,
    sent: Sequence[Mapping[str, str]],
) -> bytes:
    """The lead's workbook as .xlsx bytes; ``rows`` hold each ask's raw values by column,
    ``sent`` their fingerprints, for the record."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = letter.sheet
    notes = instructions(request, letter, columns, key)
    for number, line in enumerate(notes, start=1):
        put(sheet, number, 1, line).font = Font(bold=number == 1, size=14 if number == 1 else 11)
    header_row = len(notes) + 2
    first, last = header_row + 1, header_row + len(rows)
    for number, column in enumerate(columns, start=1):
        cell = put(sheet, header_row, number, column.header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        _shape_column(sheet, number, column, first, last, key)
    attention = len(columns) + 1
    cell = put(sheet, header_row, attention, ATTENTION_HEADER)
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    sheet.column_dimensions[get_column_letter(attention)].width = LONG_WIDTH
    widths = [_width(column) for column in columns] + [LONG_WIDTH]
    for offset, (ask, values) in enumerate(zip(request.asks, rows, strict=True)):
        row = first + offset
        lines = 1
        for number, column in enumerate(columns, start=1):
            cell = put(sheet, row, number, values.get(column.name))
            cell.alignment = WRAP
            if column.type == "date":
                cell.number_format = UK_DATE_FORMAT
            if column.editable:
                cell.fill, cell.protection = EDITABLE_FILL, UNLOCKED
            lines = max(lines, lines_needed(cell.value, widths[number - 1]))
        cell = put(sheet, row, attention, "; ".join(ask.reasons) or None)
        cell.alignment = WRAP
        if ask.reasons:
            cell.fill = ATTENTION_FILL
        lines = max(lines, lines_needed(cell.value, LONG_WIDTH))
        sheet.row_dimensions[row].height = row_height(lines)
    sheet.freeze_panes = f"A{first}"
    # Printed, it fits the page's width, landscape, with the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.row_dimensions[header_row].height = 30
    # Locked, but people may still widen columns and rows to read long updates.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    write_record(
        book.create_sheet("boardpack record"),
        lead=request.lead,
        plan=letter.plan_name,
        plan_sha256=letter.plan_sha256,
        as_of=letter.as_of,
        reply_by=letter.reply_by,
        sheet_name=letter.sheet,
        sent=[(ask.action.ref, prints) for ask, prints in zip(request.asks, sent, strict=True)],
        put=put,
    )
    book.properties.creator = "boardpack"
    book.properties.title = notes[0]
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _width(column: Column) -> int:
    return LONG_WIDTH if column.name in LONG_TEXT else WIDTHS.get(column.type, WIDTHS["text"])


def _shape_column(
    sheet: Worksheet, number: int, column: Column, first: int, last: int, key: StatusKey
) -> None:
    letter = get_column_letter(number)
    sheet.column_dimensions[letter].width = _width(column)
    if not column.editable or last < first:
        return
    cells = f"{letter}{first}:{letter}{last}"
    if column.type == "status":
        validation = list_validation(column.header, key.names)
        sheet.add_data_validation(validation)
        validation.add(cells)
        colour_statuses(sheet, cells, key)
    elif column.type == "date":
        validation = date_validation(column.header)
        sheet.add_data_validation(validation)
        validation.add(cells)
