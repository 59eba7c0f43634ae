"""Open a workbook safely and find its sheets, header rows and columns.

Values are read with python-calamine: it reads .xlsx, .xlsm, .xls, .xlsb and .ods, returns
formulas' cached values, honours the 1904 date system, and is several times faster than
openpyxl. Reading never validates: it only says where each value sits.
"""

from __future__ import annotations

import contextlib
import io
import operator
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from generator.common.a1 import column_letter
from generator.common.matching import did_you_mean, fold, lookup_table
from generator.common.plurals import word_for
from generator.errors import MissingColumns, MissingSheet, UnreadableWorkbook
from generator.schema.fields import ACTIONS
from generator.schema.rules import Rules, SheetSpec

#: How far down a sheet the header row is looked for, below any title block.
HEADER_SEARCH_ROWS = 30


@dataclass
class Table:
    """One sheet's data: which column is where, and the values beneath the header.

    Values are held by column (``raw[column][i]`` is in workbook row ``row_numbers[i]``):
    checks run a column at a time, which is what keeps large plans fast. Blank rows are
    already gone. ``headers`` keeps each column's header as typed, for messages.
    """

    sheet: str
    spec: SheetSpec
    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]
    row_numbers: list[int] = field(default_factory=list)
    raw: dict[str, list[Any]] = field(default_factory=dict)  # column -> values, by row
    hidden: bool = False
    missing: list[str] = field(default_factory=list)  # required columns the header lacks
    typed_headers: list[str] = field(default_factory=list)

    def cell(self, column: str, row: int) -> str:
        """A1 reference of ``column`` in workbook row ``row``."""
        return f"{column_letter(self.columns[column] + 1)}{row}"

    def has(self, column: str) -> bool:
        return column in self.columns

    @property
    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(row number, values by column) for each data row: handy for small sheets."""
        names = list(self.raw)
        return (
            [
                (number, dict(zip(names, values, strict=True)))
                for number, values in zip(self.row_numbers, zip(*self.raw.values()), strict=False)
            ]
            if names
            else []
        )


@dataclass
class Workbook:
    """The tables boardpack found, keyed by the sheet names rules.yaml uses."""

    path: Path
    tables: dict[str, Table]
    format: str  # "xlsx", "xls", "xlsb" or "ods"
    # Optional sheets found but left out, with the key columns they lack.
    ignored: dict[str, str] = field(default_factory=dict)

    @property
    def actions(self) -> Table:
        return self.tables[ACTIONS.sheet]


@contextlib.contextmanager
def _rust_panics_silenced() -> Iterator[None]:
    """Keep a Rust panic's report off the user's terminal; the panic still raises here.

    calamine panics on some damaged files, and Rust's panic hook writes straight to file
    descriptor 2, past Python; boardpack says what went wrong in one line instead.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def open_calamine(path: Path, data: bytes | None = None) -> python_calamine.CalamineWorkbook:
    """Open with python-calamine, turning its exceptions into one-line messages.

    ``data``: the workbook's bytes when they are not the file's own (a decrypted copy).
    """
    try:
        with _rust_panics_silenced():
            if data is not None:
                return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise UnreadableWorkbook(
            f"{path}: the workbook is password-protected; remove the password in Excel "
            "(File > Info > Protect Workbook) and save it again"
        ) from None
    except BaseException as error:  # calamine's Rust panics derive from BaseException
        if _is_ours(error):
            raise
        raise UnreadableWorkbook(f"{path}: {unreadable_because(error)}") from None


def _is_ours(error: BaseException) -> bool:
    """Interruptions and exits must pass through; anything else from calamine is the file's."""
    return isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:160] if text else type(error).__name__


_RESAVE = "ask for the file again, or open it in Excel or LibreOffice and save it as .xlsx"
# calamine's messages that say something a person can act on, in plain words.
_CALAMINE_SAYS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"[Cc]odepage (\w+) not found"),
        "is an older Excel workbook in a character set (code page 0x{0}) that boardpack's "
        "reader does not know; open it in Excel or LibreOffice and save it as .xlsx",
    ),
    (
        re.compile(
            r"Unrecognized (?:sheet:type|BoundSheet8:dt): (\S*(?:macrosheet|dialogsheet)\S*)"
        ),
        "holds an Excel 4.0 macro sheet or a dialog sheet (in its part {0}), which "
        "boardpack's reader cannot open, so saving it again would not help; copy the plan's "
        "sheets into a new workbook (right-click each tab > Move or Copy > (new book)) and "
        "give boardpack that",
    ),
    (
        re.compile(r"Cell limit exceeded \((\d+) cells requested"),
        "has a sheet that claims {0:,} cells (rows or columns repeated far past any data), "
        "more than boardpack will read; delete the empty rows and columns beyond the data "
        "and save it again",
    ),
    (
        re.compile(r"File not found: '([^']+)'"),
        "is incomplete: its part {0} is missing, perhaps cut short in copying; "
        "ask for the file again",
    ),
    (
        re.compile(r"Expecting '([\w:-]+)', found"),
        "is damaged: its content is not laid out as the format requires (something else "
        f"where a {{0}} should be); {_RESAVE}",
    ),
]
# Rust's debug notation (``Text(BytesText { content: Borrowed(...) })``) means nothing to
# a person, so a detail showing it is left out.
_DEBUG_TEXT = re.compile(r"[{}]|\b[A-Z]\w*\(|::")


def unreadable_because(error: BaseException) -> str:
    """What python-calamine's ``error`` means for the user, after "PATH: "."""
    detail = _first_line(error)
    for pattern, message in _CALAMINE_SAYS:
        found = pattern.search(detail)
        if found:
            return message.format(*(int(g) if g.isdigit() else g for g in found.groups()))
    if _DEBUG_TEXT.search(detail) or not detail.strip():
        return f"is damaged and cannot be read; {_RESAVE}"
    return f"is damaged and cannot be read ({detail}); {_RESAVE}"


def read_workbook(
    path: Path, rules: Rules, fmt: str = "xlsx", *, data: bytes | None = None
) -> Workbook:
    """Read every sheet rules.yaml describes; raise if Actions or its key columns are missing.

    ``data``: the workbook's bytes when they are not the file's own (a decrypted copy).
    """
    book = open_calamine(path, data)
    try:
        with _rust_panics_silenced():
            metadata = book.sheets_metadata
    except BaseException as error:  # calamine may fail lazily on a damaged package
        if _is_ours(error):
            raise
        raise UnreadableWorkbook(f"{path}: {unreadable_because(error)}") from None
    visible = {sheet.name: str(sheet.visible).endswith("Visible") for sheet in metadata}
    names = [sheet.name for sheet in metadata]
    tables: dict[str, Table] = {}
    ignored: dict[str, str] = {}
    for spec in rules.sheets.values():
        sheet_name = _find_sheet(names, visible, spec)
        if sheet_name is None:
            if spec.required:
                raise MissingSheet(_missing_sheet_message(path, spec, names))
            continue
        grid = _read_grid(book, path, sheet_name)
        table = _find_table(grid, sheet_name, spec)
        if table is None:
            if spec.required:
                raise MissingColumns(_missing_columns_message(path, sheet_name, spec, grid))
            # A sheet that only shares an alias (a "Cover" title page for Report) is not one
            # of boardpack's; a sheet called by the very name is, and deserves a word.
            if fold(sheet_name) == fold(spec.name):
                ignored[sheet_name] = ", ".join(
                    name for name, column in spec.columns.items() if column.required
                )
            continue
        table.hidden = not visible.get(sheet_name, True)
        if table.missing:
            if spec.required:
                raise MissingColumns(missing_columns_message(path, table))
            # An optional sheet without its key columns (a Distribution sheet with Name but
            # no Email) has no rows to read: it is left out, and the person is told why.
            ignored[sheet_name] = ", ".join(_with_suggestions(table))
            continue
        tables[spec.name] = table
    return Workbook(path=path, tables=tables, format=fmt, ignored=ignored)


def _find_sheet(names: list[str], visible: Mapping[str, bool], spec: SheetSpec) -> str | None:
    """The sheet called by the spec's name or an alias; a visible sheet wins over a hidden one."""
    wanted = lookup_table({spec.name: spec.aliases})
    matches = [name for name in names if wanted.get(fold(name)) == spec.name]
    matches.sort(key=lambda name: (not visible.get(name, True), fold(name) != fold(spec.name)))
    return matches[0] if matches else None


def _missing_sheet_message(path: Path, spec: SheetSpec, names: list[str]) -> str:
    found = ", ".join(f'"{name}"' for name in names) or "none"
    hint = did_you_mean(spec.name, names)
    suggestion = f'; did you mean "{hint}"? Rename it to {spec.name}' if hint else ""
    return f"{path}: no {spec.name} sheet (sheets found: {found}){suggestion}"


def _read_grid(book: Any, path: Path, sheet_name: str) -> Grid:
    try:
        with _rust_panics_silenced():
            sheet = book.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=True)
            start = sheet.start or (0, 0)
            merged = sheet.merged_cell_ranges or []
    except python_calamine.PasswordError:
        raise UnreadableWorkbook(f"{path}: the workbook is password-protected") from None
    except BaseException as error:  # calamine raises several types for damaged sheets
        if _is_ours(error):
            raise
        raise UnreadableWorkbook(
            f"{path}: the sheet {sheet_name!r} {unreadable_because(error).removeprefix('is ')}"
        ) from None
    return Grid(rows=rows, first_row=start[0], first_col=start[1], merged=merged)


@dataclass
class Grid:
    """A sheet's cells as calamine gives them, with the offset of the first row and column."""

    rows: list[list[Any]]
    first_row: int
    first_col: int
    merged: list[tuple[tuple[int, int], tuple[int, int]]]

    def value(self, row: int, col: int) -> Any:
        """The value at 0-based sheet coordinates, or None."""
        r, c = row - self.first_row, col - self.first_col
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def header_candidates(self) -> Iterator[tuple[int, list[Any]]]:
        for offset, cells in enumerate(self.rows[:HEADER_SEARCH_ROWS]):
            yield self.first_row + offset, [None] * self.first_col + list(cells)


def _find_table(grid: Grid, sheet_name: str, spec: SheetSpec) -> Table | None:
    """Pick the header row (the row naming most known columns) and map its columns."""
    known = lookup_table({name: column.aliases for name, column in spec.columns.items()})
    required = [name for name, column in spec.columns.items() if column.required]
    best: tuple[tuple[int, int], int, dict[str, int], dict[str, str], list[str]] | None = None
    for row_index, cells in grid.header_candidates():
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        for col_index, cell in enumerate(cells):
            if not isinstance(cell, str) or not cell.strip():
                continue
            name = known.get(fold(cell))
            if name is None:
                continue
            # The column's own name beats an alias; otherwise the leftmost match wins.
            if name not in columns or (
                fold(cell) == fold(name) and fold(headers[name]) != fold(name)
            ):
                columns[name] = col_index
                headers[name] = " ".join(cell.split())
        score = (sum(1 for name in required if name in columns), len(columns))
        if columns and (best is None or score > best[0]):
            typed = [" ".join(str(cell).split()) for cell in cells if cell not in (None, "")]
            best = (score, row_index, columns, headers, typed)
    if best is None or best[0][0] == 0:
        return None
    (_, _), header_row, columns, headers, typed = best
    table = Table(
        sheet=sheet_name,
        spec=spec,
        header_row=header_row + 1,
        columns=columns,
        headers=headers,
        missing=[name for name in required if name not in columns],
        typed_headers=typed,
    )
    if not table.missing:
        table.row_numbers, table.raw = _data_columns(grid, header_row, columns)
    return table


def _data_columns(
    grid: Grid, header_row: int, columns: dict[str, int]
) -> tuple[list[int], dict[str, list[Any]]]:
    """Values below the header by column: blank rows dropped, merged cells filled in."""
    start = max(header_row + 1 - grid.first_row, 0)
    body = grid.rows[start:]
    first_number = grid.first_row + start + 1  # workbook row number of body[0]
    raw: dict[str, list[Any]] = {}
    rectangular = len(set(map(len, body))) <= 1
    for name, index in columns.items():
        position = index - grid.first_col
        if rectangular and body and position < len(body[0]):
            column = list(map(operator.itemgetter(position), body))
        else:
            column = [cells[position] if position < len(cells) else None for cells in body]
        # calamine gives "" for an empty cell; a cell of spaces is empty to a person too.
        raw[name] = [None if type(v) is str and not v.strip() else v for v in column]
    width = len(raw)
    # Blank rows are judged before merged cells are filled in: a merged Section running
    # past the last action must not turn the blank rows beneath into actions.
    keep = [values.count(None) != width for values in zip(*raw.values())]
    offset = first_number - 1
    for (row, col), value in _merged_fill(grid, header_row, columns).items():
        for name, index in columns.items():
            if index == col and 0 <= row - offset < len(body):
                raw[name][row - offset] = value
    numbers = list(range(first_number, first_number + len(body)))
    if all(keep):
        return numbers, raw
    kept = [i for i, wanted in enumerate(keep) if wanted]
    return [numbers[i] for i in kept], {name: [col[i] for i in kept] for name, col in raw.items()}


def _merged_fill(
    grid: Grid, header_row: int, columns: dict[str, int]
) -> dict[tuple[int, int], Any]:
    """Values merged cells below the header show in every cell they cover.

    Only the rows the sheet has data in and the columns boardpack reads are visited: a
    merged range may claim the whole grid (A1:XFD1048576), 17 billion cells.
    """
    wanted = sorted(set(columns.values()))
    last_row = grid.first_row + len(grid.rows) - 1
    fill: dict[tuple[int, int], Any] = {}
    for (top, left), (bottom, right) in grid.merged:
        if bottom <= header_row or (top, left) == (bottom, right):
            continue
        value = grid.value(top, left)
        if value is None or value == "":
            continue
        covered = [col for col in wanted if left <= col <= right]
        for row in range(max(top, header_row + 1), min(bottom, last_row) + 1):
            for col in covered:
                if (row, col) != (top, left):
                    fill[(row, col)] = value
    return fill


def _missing_columns_message(path: Path, sheet: str, spec: SheetSpec, grid: Grid) -> str:
    required = [name for name, column in spec.columns.items() if column.required]
    return (
        f"{path}: sheet {sheet!r} has no header row naming the columns "
        f"{', '.join(required)} (add the headers, or aliases in rules.yaml)"
    )


def missing_columns_message(path: Path, table: Table) -> str:
    """ "no Lead column (did you mean "Leed"?)": what a found sheet lacks, with suggestions."""
    parts = _with_suggestions(table)
    return (
        f"{table_location(path, table)}: missing required "
        f"{word_for(len(parts), 'column')} {', '.join(parts)}; "
        "rename the header, or add it as an alias in rules.yaml"
    )


def _with_suggestions(table: Table) -> list[str]:
    """Each missing column, with the typed header it may be, e.g. 'Lead (did you mean "Leed"?)'."""
    parts = []
    for name in table.missing:
        close = did_you_mean(name, table.typed_headers)
        parts.append(f'{name} (did you mean "{close}"?)' if close else name)
    return parts


def table_location(path: Path, table: Table) -> str:
    return f"{path}: {table.sheet}!{table.header_row}:{table.header_row}"
