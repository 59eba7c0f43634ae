"""The chase record: a very hidden sheet in each lead's workbook saying what was sent.

Collect needs to know whose workbook came back and what each cell held when it was sent:
a value that reads differently from what was sent is the lead's change; one that reads the
same is not, even if the plan has moved on since. What was sent is kept as a fingerprint of
each cell's value (see values.py), one cell per action, which keeps the record small and the
workbook quick to write. Excel and LibreOffice keep a very hidden sheet when the lead saves,
and nobody sees it to trip over. Writing and reading the record live here together, so its
layout is defined once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.common.matching import ref_key
from generator.read.cells import raw_text

RECORD_SHEET = "boardpack record"
MARKER = "boardpack chase record"
VERSION = 1
# Headed so that no reader takes the record for a plan (no header here is a column name).
_HEADER = ("Sent action", "Sent fingerprints")
_FIELDS = ("Lead", "Plan", "Plan SHA-256", "As of", "Reply by", "Sheet")


@dataclass
class Record:
    """What a chase workbook says about itself: whose it is, from which plan, what was sent."""

    lead: str
    plan: str = ""
    plan_sha256: str = ""
    as_of: str = ""
    reply_by: str = ""
    sheet: str = ""
    sent: dict[str, dict[str, str]] = field(default_factory=dict)  # Ref key -> column -> print

    def has(self, ref: str) -> bool:
        """Whether the action ``ref`` was sent."""
        return ref_key(ref) in self.sent

    def sent_fingerprint(self, ref: str, column: str) -> str | None:
        """The fingerprint of what ``column`` of ``ref`` held when sent; None if not sent."""
        row = self.sent.get(ref_key(ref))
        return None if row is None else row.get(column)


def record_rows(
    *,
    lead: str,
    plan: str,
    plan_sha256: str,
    as_of: dt.date,
    reply_by: dt.date,
    sheet_name: str,
    sent: Iterable[tuple[str, Mapping[str, str]]],
) -> list[list[Any]]:
    """The record's rows, from row 1: the marker, the fields, a blank row, then one row
    per action sent (its Ref and its columns' fingerprints)."""
    values = (lead, plan, plan_sha256, as_of.isoformat(), reply_by.isoformat(), sheet_name)
    rows: list[list[Any]] = [[MARKER, VERSION]]
    rows += [[label, value] for label, value in zip(_FIELDS, values, strict=True)]
    rows += [[], list(_HEADER)]
    rows += [
        [ref, json.dumps(dict(prints), ensure_ascii=True, sort_keys=True)] for ref, prints in sent
    ]
    return rows


def read_record(book: Any, path: Path) -> Record | None:
    """The record in an open calamine workbook, or None when it has none (or a damaged one)."""
    if RECORD_SHEET not in book.sheet_names:
        return None
    try:
        rows = book.get_sheet_by_name(RECORD_SHEET).to_python(skip_empty_area=False)
    except Exception:  # a damaged record is as good as none: the file is read without it
        return None
    if not rows or not rows[0] or rows[0][0] != MARKER:
        return None
    fields: dict[str, str] = {}
    for cells in rows[1 : len(_FIELDS) + 1]:
        if len(cells) >= 2 and cells[0] in _FIELDS:
            fields[str(cells[0])] = raw_text(cells[1])
    if not fields.get("Lead"):
        return None
    record = Record(
        lead=fields["Lead"],
        plan=fields.get("Plan", ""),
        plan_sha256=fields.get("Plan SHA-256", ""),
        as_of=fields.get("As of", ""),
        reply_by=fields.get("Reply by", ""),
        sheet=fields.get("Sheet", ""),
    )
    for cells in rows[len(_FIELDS) + 3 :]:
        if len(cells) < 2 or cells[0] in (None, ""):
            continue
        try:
            prints = json.loads(str(cells[1]))
        except ValueError:
            continue  # a damaged line: that action is judged against the plan instead
        if isinstance(prints, dict):
            record.sent[ref_key(raw_text(cells[0]))] = {
                str(column): str(value) for column, value in prints.items()
            }
    return record
