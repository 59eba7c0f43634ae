"""Dates, durations and numbers the way a UK committee paper writes them."""

from __future__ import annotations

import datetime as dt

from generator.common.plurals import plural

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def uk_date(day: dt.date | None) -> str:
    """ "23 April 2020"; "" for no date."""
    if day is None:
        return ""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def duration(days: int) -> str:
    """How long, in the unit a person would say: "1 day", "3 weeks", "2 months", "3 years".

    Counts are rounded down, so "3 weeks" means at least three whole weeks.
    """
    if days < 14:
        return plural(days, "day")
    if days < 63:
        return plural(days // 7, "week")
    months = _whole_months(days)
    if months < 24:
        return plural(months, "month")
    return plural(months // 12, "year")


def _whole_months(days: int) -> int:
    # An average month (365.25 / 12 days), so 61 days is "2 months" and 89 is still "2 months".
    return int(days / 30.4375)


def number(value: float | int | str | None) -> str:
    """A figure with thousands separators and no needless decimals: "20,000", "85.5"."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def percentages(counts: list[int]) -> list[int]:
    """Whole percentages of the total that add up to exactly 100 (largest remainders)."""
    total = sum(counts)
    if total == 0:
        return [0 for _ in counts]
    exact = [count * 100 / total for count in counts]
    shares = [int(value) for value in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[: 100 - sum(shares)]:
        shares[i] += 1
    return shares
