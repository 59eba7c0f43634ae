"""Reading the workbooks leads send back, however they were saved.

A returned workbook is untrusted input from an email: it passes the same front door as a
plan (zip bombs, entity tricks, encryption are refused with one line). It is then read the
way a plan is read, headers found by name, so rows re-sorted, rows deleted, an extra column
added, the protection removed or the whole file re-saved by Excel or LibreOffice change
nothing. Only the Ref column is required: a column the lead deleted simply brings nothing.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.cycle.record import Record, read_record
from generator.read.cells import raw_text
from generator.read.guard import DEFAULT_LIMITS, Limits, inspect_workbook
from generator.read.workbook import Table, open_calamine, read_workbook
from generator.schema.fields import ACTIONS
from generator.schema.rules import Rules

#: What a returned workbook may be saved as (the formats boardpack reads).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass(frozen=True)
class ReturnedRow:
    """One data row of a returned workbook: where it is, its Ref, its raw values."""

    row: int
    ref: str
    raw: Mapping[str, Any]


@dataclass
class ReturnedFile:
    """A returned workbook as read: whose it is, what it was sent, what it holds now."""

    path: Path
    table: Table
    record: Record | None
    lead: str = ""  # whose workbook it is; "" when it cannot be told
    rows: list[ReturnedRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def cell(self, column: str, row: int) -> str:
        """The A1 cell of ``column`` in the returned sheet (the Ref cell if it has no such
        column)."""
        return self.table.cell(column if self.table.has(column) else ACTIONS.ref.name, row)


def returned_paths(folder: Path, skip: Iterable[Path] = ()) -> list[Path]:
    """The workbooks in ``folder``, by name; Office's "~$" lock files, hidden files and the
    paths in ``skip`` (the plan, the output) are left out."""
    skipped = {_identity(path) for path in skip}
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except FileNotFoundError:
        return []
    paths = []
    for entry in entries:
        name = entry.name
        if name.startswith(("~$", ".")) or not name.lower().endswith(WORKBOOK_SUFFIXES):
            continue
        path = Path(entry.path)
        if entry.is_file() and _identity(path) not in skipped:
            paths.append(path)
    return paths


def _identity(path: Path) -> Any:
    try:
        stat = path.stat()
    except OSError:
        return str(path.resolve())
    return (stat.st_dev, stat.st_ino)


def lenient_rules(rules: Rules) -> Rules:
    """The rules with only the Actions sheet, in which only Ref is required."""
    spec = rules.actions
    columns = {
        name: dataclasses.replace(column, required=name == ACTIONS.ref.name)
        for name, column in spec.columns.items()
    }
    actions = dataclasses.replace(spec, columns=columns, required=True)
    return dataclasses.replace(rules, sheets={spec.name: actions})


def read_returned(path: Path, rules: Rules, limits: Limits = DEFAULT_LIMITS) -> ReturnedFile:
    """Read one returned workbook; raise the usual one-line errors if it cannot be read.

    ``rules`` should come from :func:`lenient_rules`.
    """
    kind = inspect_workbook(path, limits).kind
    workbook = read_workbook(path, rules, fmt=kind.value)
    table = workbook.actions
    record = read_record(open_calamine(path), path)
    returned = ReturnedFile(path=path, table=table, record=record)
    refs = table.raw[ACTIONS.ref.name]
    for position, number in enumerate(table.row_numbers):
        raw = {name: values[position] for name, values in table.raw.items()}
        returned.rows.append(ReturnedRow(number, raw_text(refs[position]).strip(), raw))
    return returned
