"""The as-of date: today in Europe/London unless the user names a day."""

from __future__ import annotations

import contextlib
import datetime as dt

from generator.read.cells import parse_date


def today_in_london() -> dt.date:
    """Today's date where the board sits (pendulum knows British Summer Time)."""
    import pendulum  # imported here: only needed when no --as-of is given

    today = pendulum.today("Europe/London")
    return dt.date(today.year, today.month, today.day)


def as_of_or_today(as_of: dt.date | None) -> dt.date:
    """The day to judge against: the one asked for, else today in London."""
    return as_of if as_of is not None else today_in_london()


def parse_as_of(text: str) -> dt.date:
    """A day typed as 2026-11-23, 23/11/2026 or 23 November 2026; ValueError otherwise."""
    text = text.strip()
    if len(text) == 10 and text[4] == text[7] == "-" and text.replace("-", "").isdigit():
        # The ISO form scripts give: read at once, without building every text-date pattern.
        with contextlib.suppress(ValueError):  # 2026-02-31 goes on to say why it is no date
            return dt.date.fromisoformat(text)
    parsed = parse_date(text, frozenset())
    if isinstance(parsed.value, dt.date) and parsed.rule in ("", "date-as-text"):
        return parsed.value
    if parsed.rule == "impossible-date":
        raise ValueError(f'"{text}" is not a real date')
    raise ValueError(f'"{text}" is not a date; use 2026-11-23 or 23/11/2026')
