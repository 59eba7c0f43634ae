"""A cell's value as the cycle compares, writes and shows it.

Returned values are read by the very parsers validation uses, so "amber" is Amber and
"31/01/2027" typed as text is that date. What was sent is remembered by a fingerprint of the
value so read, so a value is the lead's change exactly when it reads differently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from generator.common.ukdates import uk_date
from generator.read.cells import (
    Parsed,
    is_blank,
    parse_date,
    parse_number,
    parse_status,
    parse_text,
    raw_text,
)
from generator.schema.rules import Rules


def parse_value(column_type: str, raw: Any, rules: Rules) -> Parsed:
    """A returned value read exactly as validation reads a plan's cell of that type."""
    if column_type == "date":
        return parse_date(raw, rules.no_date_words)
    if column_type == "status":
        return parse_status(raw, rules.key)
    if column_type == "number":
        return parse_number(raw)
    return parse_text(raw)


def written_value(parsed: Parsed, raw: Any) -> Any:
    """What goes into the plan for a cell: the value as understood ("23/04/2027" typed as
    text becomes the date), or the words typed when they are not a value ("TBC")."""
    if parsed.value is not None:
        value = parsed.value
        return value.replace("\r\n", "\n") if isinstance(value, str) else value
    return None if is_blank(raw) else raw_text(raw).strip()


def value_of(column_type: str, raw: Any, rules: Rules) -> Any:
    """A cell's raw value as the plan means it: parsed, then as it would be written."""
    return written_value(parse_value(column_type, raw, rules), raw)


def fingerprint(value: Any) -> str:
    """A short, stable digest of a value as ``written_value`` gives it ("" for no value):
    85 and 85.0 are one value, a date and the same words as text are not."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, bool):
        kind, text = "b", str(value)
    elif isinstance(value, (int, float)):
        kind, text = "n", repr(float(value))
    elif isinstance(value, dt.date):
        kind, text = "d", value.isoformat()
    else:
        kind, text = "s", str(value)
    return hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()[:16]


def shown(value: Any) -> str:
    """A value as the Changes sheet and messages show it: UK dates, whole numbers plain."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return uk_date(value)
    return raw_text(value)
