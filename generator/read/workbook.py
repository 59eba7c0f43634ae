"""Open a workbook safely and find its sheets, header rows and columns.

Values are read with python-calamine: it reads .xlsx, .xlsm, .xls, .xlsb and .ods, returns
formulas' cached values, honours the 1904 date system, and is several times faster than
openpyxl. Reading never validates: it only says where each value sits.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import io
import operator
import os
import re
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from generator.common.a1 import column_letter
from generator.common.matching import did_you_mean, fold, lookup_table
from generator.common.plurals import word_for
from generator.errors import BoardpackError, MissingColumns, MissingSheet, UnreadableWorkbook
from generator.read.headers import (
    HeaderMatch,
    HeaderReading,
    known_spellings,
    match_header_row,
    suggestions,
)
from generator.read.layout import Heading, heading_rows, sections_for_sheets, sheet_title
from generator.schema.fields import ACTIONS
from generator.schema.rules import Rules, SheetSpec

#: How far down a sheet the header row is looked for, below any title block.
HEADER_SEARCH_ROWS = 30


@dataclass
class TablePart:
    """The rows of a table that come from one sheet (a plan may keep a sheet per section)."""

    sheet: str
    header_row: int  # workbook row number of the header row
    columns: dict[str, int]  # column name -> 0-based sheet column
    headers: dict[str, str]
    start: int  # index of the part's first row in the table
    stop: int
    hidden: bool = False
    section: str = ""  # the section the sheet stands for, when it stands for one


@dataclass(frozen=True)
class SectionHeading:
    """A section heading row, or a sheet's title or name, that set the Section of rows below."""

    sheet: str
    cell: str  # where the text is, "" for a sheet's name
    text: str


@dataclass
class Table:
    """One sheet's data: which column is where, and the values beneath the header.

    Values are held by column (``raw[column][i]`` is in workbook row ``row_numbers[i]``):
    checks run a column at a time, which is what keeps large plans fast. Blank rows and
    section heading rows are already gone. ``headers`` keeps each column's header as typed,
    for messages. A plan kept as a sheet per section is one table of several ``parts``; a
    column the layout supplies (Section, from heading rows or sheets) is in ``derived``.
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
    readings: list[HeaderReading] = field(default_factory=list)
    parts: list[TablePart] = field(default_factory=list)
    #: Column -> how the layout gave its values ("section heading rows", "sheet titles"...).
    derived: dict[str, str] = field(default_factory=dict)
    #: Column -> for each row, the cell its derived value was read from ("" for none).
    derived_cells: dict[str, list[str]] = field(default_factory=dict)
    headings: list[SectionHeading] = field(default_factory=list)
    found_by: str = ""  # why this sheet was read, in words, for inspect

    def cell(self, column: str, row: int) -> str:
        """A1 reference of ``column`` in workbook row ``row`` (of the table's first sheet)."""
        return f"{column_letter(self.columns[column] + 1)}{row}"

    def has(self, column: str) -> bool:
        return column in self.columns or column in self.derived

    def part_at(self, index: int) -> TablePart | None:
        """The part (sheet) row ``index`` comes from; None for a table of one sheet."""
        if len(self.parts) < 2:
            return None
        return self.parts[bisect.bisect_right(self._starts, index) - 1]

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [part.start for part in self.parts]

    def sheet_at(self, index: int | None) -> str:
        """The sheet row ``index`` is on (the table's first sheet for None)."""
        part = self.part_at(index) if index is not None else None
        return part.sheet if part is not None else self.sheet

    def cell_at(self, column: str, index: int) -> str:
        """A1 reference of ``column`` in row ``index``; a derived value's source cell, or ""."""
        part = self.part_at(index)
        columns = part.columns if part is not None else self.columns
        if column in columns:
            return f"{column_letter(columns[column] + 1)}{self.row_numbers[index]}"
        cells = self.derived_cells.get(column)
        return cells[index] if cells else ""

    def sheet_rows(self) -> Iterator[tuple[str, int, int, dict[str, int]]]:
        """(sheet, first index, stop index, columns) for each sheet the rows come from."""
        if len(self.parts) < 2:
            yield self.sheet, 0, len(self.row_numbers), self.columns
            return
        for part in self.parts:
            yield part.sheet, part.start, part.stop, part.columns

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


def unreadable_because(error: BaseException) -> str:
    """What python-calamine's ``error`` means for the user, after "PATH: ".

    Only what ``_CALAMINE_SAYS`` translates is passed on: the reader's other messages are
    its own internals ("Relationships", "no entry found for key", Rust's debug notation),
    which tell a person nothing they could act on, so they are left out.
    """
    detail = _first_line(error)
    for pattern, message in _CALAMINE_SAYS:
        found = pattern.search(detail)
        if found:
            return message.format(*(int(g) if g.isdigit() else g for g in found.groups()))
    # Not "is damaged": a sound file the reader does not know (an .xlsb that makes it panic)
    # ends here too, so the message says both, and what helps either way.
    return (
        "cannot be read: it is damaged, or written in a way boardpack's reader does not "
        f"know; {_RESAVE}"
    )


def read_workbook(
    path: Path, rules: Rules, fmt: str = "xlsx", *, data: bytes | None = None
) -> Workbook:
    """Read the plan and every other sheet rules.yaml describes; raise if there is no plan.

    The plan's sheet is found by name (Actions, or an alias), else by what it holds: the
    sheet whose header row names the plan's columns, whatever it is called, or several such
    sheets with one header and no Section column, read as a sheet per section. ``data``: the
    workbook's bytes when they are not the file's own (a decrypted copy).
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
    others: dict[str, Table] = {}
    ignored: dict[str, str] = {}
    claimed: set[str] = set()
    for spec in rules.sheets.values():
        if spec.name == ACTIONS.sheet:
            continue
        sheet_name = _find_sheet(names, visible, spec)
        if sheet_name is None:
            if spec.required:
                raise MissingSheet(_missing_sheet_message(path, spec, names))
            continue
        claimed.add(sheet_name)
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
                raise MissingColumns(missing_columns_message(path, table), table=table)
            # An optional sheet without its key columns (a Distribution sheet with Name but
            # no Email) has no rows to read: it is left out, and the person is told why.
            ignored[sheet_name] = ", ".join(_with_suggestions(table))
            continue
        others[spec.name] = table
    finder = _PlanFinder(book, path, names, visible, rules.actions, claimed)
    tables = {ACTIONS.sheet: finder.find(), **others}
    return Workbook(path=path, tables=tables, format=fmt, ignored=ignored)


@dataclass
class _SheetReading:
    """A sheet read as a possible plan: its cells and its best header row."""

    name: str
    grid: Grid
    match: HeaderMatch | None
    visible: bool


class _PlanFinder:
    """Finds the plan's sheet, or sheets, by name or by what they hold."""

    def __init__(
        self,
        book: Any,
        path: Path,
        names: list[str],
        visible: Mapping[str, bool],
        spec: SheetSpec,
        claimed: set[str],
    ) -> None:
        self.book, self.path, self.names, self.visible = book, path, names, visible
        self.spec = spec
        self.claimed = claimed
        self.known = known_spellings(spec)
        required = [name for name, column in spec.columns.items() if column.required]
        self.required = required
        # Section can come from the layout (heading rows, a sheet per section) instead.
        self.essential = [name for name in required if name != ACTIONS.section.name]

    def read(self, name: str) -> _SheetReading:
        grid = _read_grid(self.book, self.path, name)
        return _SheetReading(
            name, grid, _best_header(grid, self.spec, self.known), self.visible.get(name, True)
        )

    def holds_plan(self, reading: _SheetReading) -> bool:
        return reading.match is not None and not reading.match.missing(self.essential)

    def find(self) -> Table:
        named = _find_sheet(self.names, self.visible, self.spec)
        named_reading = self.read(named) if named is not None else None
        if named_reading is not None and self.holds_plan(named_reading):
            return self.table(
                [named_reading], found_by="its name is the one the rules give the plan's sheet"
            )
        readings = [
            self.read(name) for name in self.names if name not in self.claimed and name != named
        ]
        candidates = [reading for reading in readings if self.holds_plan(reading)]
        if any(reading.visible for reading in candidates):
            candidates = [reading for reading in candidates if reading.visible]
        if not candidates:
            raise self.no_plan(named_reading, readings)
        section = ACTIONS.section.name
        with_section = [c for c in candidates if c.match and section in c.match.columns]
        if with_section:
            best = max(with_section, key=lambda reading: _score(reading))
            return self.table([best], found_by=self.why(best))
        shapes: dict[frozenset[str], list[_SheetReading]] = {}
        for reading in candidates:
            assert reading.match is not None
            shapes.setdefault(frozenset(reading.match.columns), []).append(reading)
        group = max(shapes.values(), key=len)
        if len(group) > 1:
            return self.table(group, found_by="a sheet per section, all with one header row")
        best = max(candidates, key=lambda reading: _score(reading))
        return self.table([best], found_by=self.why(best))

    def why(self, reading: _SheetReading) -> str:
        if len(self.names) == 1:
            return "it is the workbook's only sheet"
        assert reading.match is not None
        return "its header row names the plan's columns"

    def table(self, readings: list[_SheetReading], *, found_by: str) -> Table:
        table = _plan_table(self.path, readings, self.spec)
        table.found_by = found_by
        return table

    def no_plan(self, named: _SheetReading | None, readings: list[_SheetReading]) -> BoardpackError:
        """The one-line answer when no sheet holds the plan: the closest sheet, and what
        it lacks, or plainly that none looks like a plan."""
        tried = [named] if named is not None else []
        tried += [reading for reading in readings if reading.match is not None]
        closest = max(tried, key=_score, default=None)
        if closest is not None and closest.match is not None:
            table = _table_from_match(closest.name, self.spec, closest.match)
            return MissingColumns(missing_columns_message(self.path, table), table=table)
        if not self.names:
            # Not "no sheet holds a plan": the workbook lists no sheet at all (a workbook
            # part with an empty <sheets>), which Excel repairs when it opens the file.
            return MissingSheet(
                f"{self.path}: lists no sheets, so there is nothing to read; open it in Excel "
                "or LibreOffice, check the plan is there, and save it again"
            )
        found = ", ".join(f'"{name}"' for name in self.names)
        looks = did_you_mean([self.spec.name, *self.spec.aliases], self.names)
        hint = f' ("{looks}" is named like one, but holds no header row)' if looks else ""
        return MissingSheet(
            f"{self.path}: no sheet holds an improvement plan{hint}: none has a header row "
            f"naming {', '.join(self.required)} (sheets: {found}); if this is the plan, give "
            "its columns those headers"
        )


def _score(reading: _SheetReading) -> tuple[int, int, bool]:
    """Most required columns, then most columns, then a visible sheet; ties go to the first."""
    if reading.match is None:
        return (-1, -1, False)
    return (*reading.match.score, reading.visible)


def _find_sheet(names: list[str], visible: Mapping[str, bool], spec: SheetSpec) -> str | None:
    """The sheet called by the spec's name or an alias; a visible sheet wins over a hidden one."""
    wanted = lookup_table({spec.name: spec.aliases})
    matches = [name for name in names if wanted.get(fold(name)) == spec.name]
    matches.sort(key=lambda name: (not visible.get(name, True), fold(name) != fold(spec.name)))
    return matches[0] if matches else None


def _missing_sheet_message(path: Path, spec: SheetSpec, names: list[str]) -> str:
    found = ", ".join(f'"{name}"' for name in names) or "none"
    return f"{path}: no {spec.name} sheet (sheets found: {found})"


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
            f"{path}: its sheet {sheet_name!r} {unreadable_because(error)}"
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


def _best_header(
    grid: Grid, spec: SheetSpec, known: Mapping[str, str] | None = None
) -> HeaderMatch | None:
    """The header row: the row naming most required columns, then most columns."""
    known = known if known is not None else known_spellings(spec)
    best: HeaderMatch | None = None
    for row_index, cells in grid.header_candidates():
        match = match_header_row(row_index, cells, spec, known)
        if match.columns and (best is None or match.score > best.score):
            best = match
    if best is None or best.score[0] == 0:
        return None
    return best


def _table_from_match(sheet_name: str, spec: SheetSpec, match: HeaderMatch) -> Table:
    required = [name for name, column in spec.columns.items() if column.required]
    return Table(
        sheet=sheet_name,
        spec=spec,
        header_row=match.row + 1,
        columns=dict(match.columns),
        headers=dict(match.headers),
        missing=match.missing(required),
        typed_headers=list(match.typed),
        readings=list(match.readings),
    )


def _find_table(grid: Grid, sheet_name: str, spec: SheetSpec) -> Table | None:
    """Pick the header row and map its columns (for sheets other than the plan's)."""
    match = _best_header(grid, spec)
    if match is None:
        return None
    table = _table_from_match(sheet_name, spec, match)
    if not table.missing:
        body = _data_columns(grid, match, own=())
        table.row_numbers, table.raw = body.numbers, body.raw
        table.parts = [_part(table, sheet_name, 0, len(body.numbers))]
    return table


def _part(table: Table, sheet: str, start: int, stop: int, section: str = "") -> TablePart:
    return TablePart(
        sheet=sheet,
        header_row=table.header_row,
        columns=table.columns,
        headers=table.headers,
        start=start,
        stop=stop,
        section=section,
    )


def _own_columns(spec: SheetSpec) -> tuple[str, ...]:
    """The columns only an action fills (its lead, dates and status): a row with none of
    them may be a section heading."""
    return tuple(
        name
        for name, column in spec.columns.items()
        if column.type in ("date", "status") or name == ACTIONS.lead.name
    )


def _plan_table(path: Path, readings: list[_SheetReading], spec: SheetSpec) -> Table:
    """The plan's table from one sheet, or from a sheet per section (rows in sheet order)."""
    section = ACTIONS.section.name
    first = readings[0]
    assert first.match is not None
    table = _table_from_match(first.name, spec, first.match)
    table.hidden = not first.visible
    own = _own_columns(spec)
    per_sheet = len(readings) > 1
    sections, source = ["" for _ in readings], ""
    if per_sheet:
        titles = [
            sheet_title(r.grid.rows, r.match.row - r.grid.first_row) if r.match else ""
            for r in readings
        ]
        sections, source = sections_for_sheets([r.name for r in readings], titles)
    raw: dict[str, list[Any]] = {}
    numbers: list[int] = []
    section_values: list[Any] = []
    section_cells: list[str] = []
    for reading, sheet_section in zip(readings, sections, strict=True):
        match = reading.match
        assert match is not None
        body = _data_columns(reading.grid, match, own=own, sheet=reading.name)
        start = len(numbers)
        numbers.extend(body.numbers)
        for name, values in body.raw.items():
            raw.setdefault(name, []).extend(values)
        table.headings.extend(body.headings)
        if per_sheet:
            where = _title_cell(reading, sheet_section) if source == "sheet titles" else ""
            table.headings.append(SectionHeading(reading.name, where, sheet_section))
            section_values.extend([sheet_section] * len(body.numbers))
            section_cells.extend([where] * len(body.numbers))
        elif body.sections is not None:
            section_values.extend(body.sections)
            section_cells.extend(body.section_cells)
        table.parts.append(
            TablePart(
                sheet=reading.name,
                header_row=match.row + 1,
                columns=dict(match.columns),
                headers=dict(match.headers),
                start=start,
                stop=len(numbers),
                hidden=not reading.visible,
                section=sheet_section,
            )
        )
    table.row_numbers, table.raw = numbers, raw
    if section_values and section not in table.columns:
        raw[section] = section_values
        table.derived[section] = source or "section heading rows"
        table.derived_cells[section] = section_cells
        table.headers.setdefault(section, section)
    elif section_values:
        # A real Section column wins; a heading fills only the cells it leaves empty.
        raw[section] = [
            value if value is not None else heading
            for value, heading in zip(raw[section], section_values, strict=True)
        ]
    table.missing = [name for name in table.missing if name not in table.derived]
    if section not in table.columns and section not in table.derived:
        table.missing = [section]
        raise MissingColumns(
            f"{table_location(path, table)}: no {section} column and no section heading rows; "
            f"add a {section} column (or {', '.join(spec.columns[section].aliases[:3])}), "
            "or a heading row above each section's actions",
            table=table,
        )
    return table


def _title_cell(reading: _SheetReading, title: str) -> str:
    """Where a sheet's title is, for locating findings about its section."""
    grid = reading.grid
    for offset, cells in enumerate(grid.rows):
        for position, value in enumerate(cells):
            if isinstance(value, str) and " ".join(value.split()) == title:
                return (
                    f"{column_letter(grid.first_col + position + 1)}{grid.first_row + offset + 1}"
                )
    return ""


@dataclass
class _Body:
    """The values under a header row, by column, and the section heading rows among them."""

    numbers: list[int]
    raw: dict[str, list[Any]]
    headings: list[SectionHeading] = field(default_factory=list)
    sections: list[str | None] | None = None  # each kept row's section from heading rows
    section_cells: list[str] = field(default_factory=list)


def _data_columns(
    grid: Grid, match: HeaderMatch, *, own: tuple[str, ...], sheet: str = ""
) -> _Body:
    """Values below the header by column: blank rows dropped, merged cells filled in, and
    section heading rows (when ``own`` names the action's own columns) taken out."""
    header_row, columns = match.row, match.columns
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
    headings = _headings(grid, body, start, raw, match, own)
    heading_rows_on_sheet = {grid.first_row + start + heading.index for heading in headings}
    offset = first_number - 1
    for (row, col), value in _merged_fill(grid, header_row, columns, heading_rows_on_sheet).items():
        for name, index in columns.items():
            if index == col and 0 <= row - offset < len(body):
                raw[name][row - offset] = value
    numbers = list(range(first_number, first_number + len(body)))
    result = _Body(numbers, raw)
    if headings:
        for heading in headings:
            keep[heading.index] = False
        result.headings = [
            SectionHeading(sheet, f"{column_letter(h.column + 1)}{first_number + h.index}", h.text)
            for h in headings
        ]
        result.sections, result.section_cells = _sections_by_heading(keep, headings, result)
    if all(keep):
        return result
    kept = [i for i, wanted in enumerate(keep) if wanted]
    result.numbers = [numbers[i] for i in kept]
    result.raw = {name: [col[i] for i in kept] for name, col in raw.items()}
    return result


def _headings(
    grid: Grid,
    body: list[list[Any]],
    start: int,
    raw: Mapping[str, list[Any]],
    match: HeaderMatch,
    own: tuple[str, ...],
) -> list[Heading]:
    """Section heading rows among the body's rows (none unless ``own`` columns are read)."""
    present = [raw[name] for name in own if name in raw]
    if not present or not body:
        return []
    # Cheap first: most rows of a plan have a status or a lead, so few rows are looked at.
    candidates = [i for i, value in enumerate(present[0]) if value is None]
    for column in present[1:]:
        candidates = [i for i in candidates if column[i] is None]
    if not candidates:
        return []
    merged: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (_, right) in grid.merged:
        merged.setdefault(top, []).append((left, right))
    left = min(reading.column for reading in match.readings)
    return heading_rows(
        body,
        candidates,
        first_col=grid.first_col,
        first_row=grid.first_row + start,
        left=left,
        merged=merged,
    )


def _sections_by_heading(
    keep: list[bool], headings: list[Heading], body: _Body
) -> tuple[list[str | None], list[str]]:
    """Each kept row's section (the heading above it) and the heading's cell."""
    at = {
        heading.index: (heading.text, cell.cell)
        for heading, cell in zip(headings, body.headings, strict=True)
    }
    current: tuple[str | None, str] = (None, "")
    sections: list[str | None] = []
    cells: list[str] = []
    for index, wanted in enumerate(keep):
        if index in at:
            current = at[index]
        elif wanted:
            sections.append(current[0])
            cells.append(current[1])
    return sections, cells


def _merged_fill(
    grid: Grid,
    header_row: int,
    columns: dict[str, int],
    skip: AbstractSet[int] = frozenset(),
) -> dict[tuple[int, int], Any]:
    """Values merged cells below the header show in every cell they cover.

    Only the rows the sheet has data in and the columns boardpack reads are visited: a
    merged range may claim the whole grid (A1:XFD1048576), 17 billion cells. Ranges that
    start on a section heading row (``skip``) are headings, not values to repeat.
    """
    wanted = sorted(set(columns.values()))
    last_row = grid.first_row + len(grid.rows) - 1
    fill: dict[tuple[int, int], Any] = {}
    for (top, left), (bottom, right) in grid.merged:
        if bottom <= header_row or (top, left) == (bottom, right) or top in skip:
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
        f"{', '.join(required)} (add the headers, or aliases in your rules file)"
    )


def missing_columns_message(path: Path, table: Table) -> str:
    """ "no Lead column (did you mean "Leed"?)": what a found sheet lacks, with suggestions."""
    parts = _with_suggestions(table)
    return (
        f"{table_location(path, table)}: missing required "
        f"{word_for(len(parts), 'column')} {', '.join(parts)}; "
        "rename the header, or add it to the column's aliases in your rules file"
    )


def _with_suggestions(table: Table) -> list[str]:
    """Each missing column, with the typed header that plausibly means it, if any."""
    match = HeaderMatch(row=table.header_row - 1, readings=table.readings)
    close = suggestions(table.spec, table.missing, match)
    return [
        f'{name} (did you mean "{close[name]}"?)' if name in close else name
        for name in table.missing
    ]


def table_location(path: Path, table: Table) -> str:
    return f"{path}: {table.sheet}!{table.header_row}:{table.header_row}"
