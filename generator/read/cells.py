"""Turning raw cell values into the plan's values, the way a UK programme manager means them.

Each parser returns a ``Parsed``: the value, and when the cell needed interpreting, the
reading rule that says so (a text date is a warning, an impossible date an error). Parsers
are pure and keyed only on the raw value, so results are cached: plans repeat the same
dates and statuses on row after row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from generator.common.matching import fold
from generator.common.ukdates import uk_date
from generator.common.xmltext import XML_ILLEGAL, xml_safe
from generator.schema.status import StatusKey

#: Values Excel shows for a failed formula.
ERROR_VALUES = frozenset(
    (
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    )
)
# Excel serial numbers for 1 January 1990 and 31 December 2099: a bare number in this range
# in a date column is almost certainly a date whose cell lost its date format.
_SERIAL_RANGE = (32874, 73050)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Parsed:
    """A cell's value as the plan uses it, and the reading rule it raised, if any."""

    value: Any
    rule: str = ""  # a reading rule id from rules.yaml, or "" when the cell read cleanly
    shown_as: str = ""  # how the value was understood, for the message ({other})


EMPTY = Parsed(None)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def raw_text(raw: Any) -> str:
    """A raw cell value as a person would read it, for findings' ``value``."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def parse_text(raw: Any) -> Parsed:
    """Text columns: numbers lose a spurious ".0", dates are written the UK way."""
    if raw is None:
        return EMPTY
    if type(raw) is str:
        text = raw.strip()
        if not text:
            return EMPTY
        if text[0] == "#" and text in ERROR_VALUES:
            return Parsed(None, "error-value")
        if XML_ILLEGAL.search(text):
            return Parsed(xml_safe(text), "illegal-characters")
        return Parsed(text)
    if isinstance(raw, dt.date):
        return Parsed(uk_date(raw if not isinstance(raw, dt.datetime) else raw.date()))
    return Parsed(raw_text(raw))


@lru_cache(maxsize=4096)
def parse_date(raw: Any, no_date_words: frozenset[str]) -> Parsed:
    """Date columns: real dates pass; UK text dates are read day-first with a warning."""
    if is_blank(raw):
        return EMPTY
    if isinstance(raw, dt.datetime):
        return Parsed(raw.date())
    if isinstance(raw, dt.date):
        return Parsed(raw)
    if isinstance(raw, bool):
        return Parsed(None, "not-a-date")
    if isinstance(raw, (int, float)):
        if _SERIAL_RANGE[0] <= raw <= _SERIAL_RANGE[1]:
            day = _EXCEL_EPOCH + dt.timedelta(days=int(raw))
            return Parsed(day, "date-as-text", uk_date(day))
        return Parsed(None, "not-a-date")
    if not isinstance(raw, str):  # durations and times from time-formatted cells
        return Parsed(None, "not-a-date")
    text = raw.strip()
    if text in ERROR_VALUES:
        return Parsed(None, "error-value")
    first_word = fold(text.split(maxsplit=1)[0])
    if fold(text) in no_date_words or (first_word and first_word in no_date_words):
        return Parsed(None, "no-date")
    # Imported here: its patterns take milliseconds to build, and most plans type real dates.
    from generator.read.text_dates import read_text_date

    found = read_text_date(text)
    if found.day is not None:
        return Parsed(found.day, "date-as-text", uk_date(found.day))
    if found.impossible:
        return Parsed(None, "impossible-date")
    # Understood but not a day ("End of May", "Monthly"): no target date, with a warning.
    return Parsed(None, "not-a-date" if found.pinned else "no-date")


@lru_cache(maxsize=1024)
def parse_status(raw: Any, key: StatusKey) -> Parsed:
    """Status columns: "amber", "A", " Amber " and "Amber – some progress" all read as Amber."""
    if is_blank(raw):
        return EMPTY
    text = raw_text(raw).strip()
    if text in ERROR_VALUES:
        return Parsed(None, "error-value")
    name = key.canonical(text)
    return Parsed(name) if name else Parsed(None, "unknown-status")


@lru_cache(maxsize=4096)
def parse_number(raw: Any) -> Parsed:
    """Number columns: 85, "85%", "1,234" and "£2.5" are numbers; other text is kept as text."""
    if is_blank(raw):
        return EMPTY
    if isinstance(raw, bool):
        return Parsed(raw_text(raw), "not-a-number")
    if isinstance(raw, (int, float)):
        return Parsed(float(raw))
    text = raw_text(raw).strip()
    if text in ERROR_VALUES:
        return Parsed(None, "error-value")
    cleaned = text.replace(",", "").lstrip("£$€").rstrip("%").strip()
    try:
        return Parsed(float(cleaned))
    except ValueError:
        return Parsed(text, "not-a-number")
