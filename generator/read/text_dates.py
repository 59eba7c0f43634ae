"""Dates as improvement plans write them: "23/04/2027", "End of March 2027", "Q3 26/27".

``read_text_date`` gives one of three answers for the text of a date cell:

- a day, when the text pins one (read day first, the UK way): "23/04/2027", "23 April 2027",
  "March 2027", "12/26" and "End of March 2027" (the last day of the month), "Autumn 2026"
  (the end of the season: 30 November), "2026/27" (a financial year: 31 March 2027), "Q3
  26/27" (the end of that financial quarter: 31 December 2026), "By 31/03/2027", "w/c
  14/12/2026" (the Friday of that week), "December 2026/January 2027" (the later of the two);
- no day, when the text means a time that cannot be pinned to one: "End of May" with no
  year, "Monthly", "Immediate", "Q1 2027" (calendar or financial year?);
- nothing it can read ("after the summer").

Day, month and year are checked, so "31/02/2027" is an impossible date, not 3 March.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# Meteorological seasons, as people use them in plans: each ends on the last day of its month.
_SEASON_ENDS = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}
_SEASON = "(?P<season>" + "|".join(_SEASON_ENDS) + ")"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_FY = r"(?:(?:fy|financial\s+year)\s*)?(?P<start>\d{4}|\d{2})\s*[/\-]\s*(?P<end>\d{4}|\d{2})"

_NUMERIC = re.compile(
    r"(?P<day>\d{1,2})\s*[/.\-]\s*(?P<month>\d{1,2})\s*[/.\-]\s*(?P<year>\d{2}|\d{4})"
)
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:[T ][\d:.]+)?")
_DAY_MONTH_YEAR = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?"
    r"[\s\-/]*" + _MONTH + r"[\s\-/,]*" + _YEAR
)
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})")
_MONTH_YEAR = re.compile(_MONTH + r"[\s\-/,']*" + _YEAR)
_QUARTER = re.compile(
    r"q(?:uarter)?\s*(?P<quarter>[1-4])\s*[,:(]?\s*" + _FY + r"\)?"
    r"|"
    + _FY.replace("start", "start2").replace("end", "end2")
    + r"\s*[,:(]?\s*q(?:uarter)?\s*(?P<quarter2>[1-4])\)?"
)
_FINANCIAL_YEAR = re.compile(_FY)
_NUMERIC_MONTH_YEAR = re.compile(r"(?P<month>\d{1,2})\s*[/\-]\s*(?P<year>\d{4}|\d{2})")
_SEASON_YEAR = re.compile(
    r"(?:(?:early|mid|late)[\s\-]+)?" + _SEASON + r"(?:\s+term)?\s*[\s,']\s*(?P<year>\d{4}|\d{2})"
    r"(?:\s*[/\-]\s*(?P<end>\d{2}|\d{4}))?"
)
# Words before a date that do not change it: "By 31/03/2027", "Deadline: June 2027".
_LEAD_IN = re.compile(
    r"^(?:(?:by|before|no\s+later\s+than|deadline|due|target|(?:to\s+be\s+)?completed?\s+by"
    r"|until)\b[\s:\-]*)+(?:the\s+)?"
)
_END_OF = re.compile(r"^(?:the\s+)?(?:end|close)\s+of\s+(?:the\s+)?")
_WEEK_COMMENCING = re.compile(
    r"^(?:w/?c|w\.c\.|wk\s+comm(?:encing)?|week\s+(?:commencing|beginning|starting))\b[\s:.]*"
)
# "December 2026/January 2027", "Nov/Dec 2026", "March - April 2027": two dates, the later wins.
_RANGE = re.compile(r"\s*(?:/|–|—|\bto\b|\band\b|&|\s-\s|-(?=[a-z]))\s*")
# A time named without a year, or a cadence: understood, but not a day.
_UNPINNED = re.compile(
    r"(?:(?:next|this|early|mid|late|end|beginning|start)[\s\-]+(?:of\s+)?)?(?:"
    + _MONTH
    + r"|"
    + _SEASON
    + r")(?:\s+term)?"
    r"|q(?:uarter)?\s*[1-4](?:\s*[,(]?\s*(?:\d{4}|\d{2})\)?)?"
    r"|(?:weekly|fortnightly|monthly|bi-?monthly|quarterly|six[\s\-]monthly|half[\s\-]yearly"
    r"|annually|annual|yearly|termly|daily|immediate(?:ly)?|asap|as\s+soon\s+as\s+possible"
    r"|ongoing|continuous|rolling|as\s+(?:required|needed))\b.*"
)


@dataclass(frozen=True)
class TextDate:
    """What the text of a date cell says: ``day``, or ``pinned`` False for a vague time."""

    day: dt.date | None = None
    pinned: bool = True  # False: understood, but names no single day
    impossible: bool = False  # day, month and year that make no date (31/02/2027)


NOT_READ = TextDate(pinned=True)  # nothing readable: no day, not vague
VAGUE = TextDate(pinned=False)
IMPOSSIBLE = TextDate(impossible=True)


def read_text_date(text: str) -> TextDate:
    """The day a date cell's text names, or why it names none (see the module's notes)."""
    lowered = " ".join(text.lower().replace("\u2019", "'").split()).strip(" .")
    return _read(lowered, depth=0)


def _read(text: str, depth: int) -> TextDate:
    found = _exact(text)
    if found is not None:
        return found
    week = _WEEK_COMMENCING.match(text)
    if week:
        start = _exact(text[week.end() :])
        if start is not None and start.day is not None:
            # The Friday of that week: the last working day of the week it commences.
            return TextDate(start.day + dt.timedelta(days=4 - start.day.weekday()))
        return start or NOT_READ
    for words in (_LEAD_IN, _END_OF):
        lead_in = words.match(text)
        if lead_in and lead_in.end() < len(text) and depth < 2:
            rest = text[lead_in.end() :]
            if words is _END_OF and re.fullmatch(r"\d{4}", rest):
                return _checked(int(rest), 12, 31)  # "End of 2027"
            return _read(rest, depth + 1)
    if depth < 2:
        ranged = _later_of_range(text)
        if ranged is not None:
            return ranged
    if _UNPINNED.fullmatch(text):
        return VAGUE
    return NOT_READ


def _exact(text: str) -> TextDate | None:
    """A day from one whole date expression, or None when the text is not one."""
    for pattern in (_NUMERIC, _ISO, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.fullmatch(text)
        if match:
            month = match["month"]
            number = int(month) if month.isdigit() else _MONTHS[month]
            return _checked(_year(match["year"]), number, int(match["day"]))
    match = _MONTH_YEAR.fullmatch(text)
    if match:
        return _month_end(_year(match["year"]), _MONTHS[match["month"]])
    match = _QUARTER.fullmatch(text)
    if match:
        quarter = int(match["quarter"] or match["quarter2"])
        start = _financial_start(match["start"] or match["start2"], match["end"] or match["end2"])
        if start is None:
            return IMPOSSIBLE
        # Financial years run April to March: Q1 ends 30 June, Q4 ends 31 March next year.
        return _month_end(start, 3 + 3 * quarter) if quarter < 4 else _month_end(start + 1, 3)
    match = _FINANCIAL_YEAR.fullmatch(text)
    if match:
        start = _financial_start(match["start"], match["end"])
        if start is not None:
            return _month_end(start + 1, 3)
    match = _NUMERIC_MONTH_YEAR.fullmatch(text)
    if match and 1 <= int(match["month"]) <= 12:
        year = match["year"]
        # "12/26" and "03/2027" can only be a month and year: day first, 26 and 2027 are no
        # month. "11/12" could be 11 December, so it is left unread (a financial year
        # "26/27" was taken above).
        if len(year) == 4 or int(year) > 12:
            return _month_end(_year(year), int(match["month"]))
    match = _SEASON_YEAR.fullmatch(text)
    if match:
        return _season_end(match["season"], _year(match["year"]))
    return None


def _later_of_range(text: str) -> TextDate | None:
    """The later of two dates written as a range, or None when the text is not one.

    Every separator is tried as the middle ("14/12/2026 - 18/12/2026" has slashes inside
    its dates): the first split whose two sides are both dates decides.
    """
    for separator in _RANGE.finditer(text):
        left_text, right_text = text[: separator.start()], text[separator.end() :]
        if not left_text or not right_text:
            continue
        left, right = _read(left_text, depth=2), _read(right_text, depth=2)
        if right.day is not None and left.day is None and not left.impossible:
            # "Nov/Dec 2026": the first month borrows the second's year.
            year = re.search(r"(\d{4}|\d{2})$", right_text)
            if year is not None and _MONTH_ALONE.fullmatch(left_text):
                left = _read(f"{left_text} {year[1]}", depth=2)
        sides = (left, right)
        if all(side.day is not None or side.impossible for side in sides):
            if left.impossible or right.impossible:
                return IMPOSSIBLE
            assert left.day is not None and right.day is not None
            return TextDate(max(left.day, right.day))
    return None


_MONTH_ALONE = re.compile(_MONTH)


def _season_end(season: str, year: int) -> TextDate:
    month = _SEASON_ENDS[season]
    # Winter 2026 (or 2026/27) runs from December 2026 to February 2027.
    return _month_end(year + 1, 2) if month == 2 else _month_end(year, month)


def _financial_start(start: str, end: str) -> int | None:
    """The first calendar year of a financial year written "2026/27", "26/27" or "2026-2027"."""
    first, second = _year(start), _year(end)
    if len(end) == 2 and len(start) == 4:
        second = first // 100 * 100 + int(end)
    return first if second == first + 1 else None


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _month_end(year: int, month: int) -> TextDate:
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return IMPOSSIBLE
    return _checked(year, month, calendar.monthrange(year, month)[1])


def _checked(year: int, month: int, day: int) -> TextDate:
    try:
        return TextDate(dt.date(year, month, day))
    except ValueError:
        return IMPOSSIBLE
