"""Header rows: which typed header is which column, and why.

Headers are matched folded (case, spacing and punctuation ignored) against each column's name
and its aliases in rules.yaml. Plans also put the month in a header ("Progress update November
2026", "Update Nov 26", "RAG Oct 2026"): such a header is read as the column it names once the
date is set aside, and when a plan keeps a column per month, the latest month is the one read.
Every header's reading is kept, so ``boardpack inspect`` can show how the workbook was read.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.common.matching import did_you_mean, fold, lookup_table
from generator.schema.rules import SheetSpec

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9


@functools.cache
def _date_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The date part of a header (months, years, days, quarters, numeric dates), what shows
    a header carries one, and the little words around it ("as at 31/10/2026", "w/c 2 Nov").
    Built on first use: most headers match a name or an alias without them."""
    months = "|".join(sorted(_MONTHS, key=len, reverse=True))
    token = re.compile(
        r"\b(?:" + months + r")\b\.?"
        r"|\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b"
        r"|\b\d{4}\s*[/\-]\s*\d{2,4}\b"
        r"|\bq[1-4]\b|\b\d{1,4}(?:st|nd|rd|th)?\b",
        re.IGNORECASE,
    )
    evidence = re.compile(
        r"\b(?:" + months + r")\b"
        r"|\b(?:19|20)\d{2}\b|\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b|\bq[1-4]\b",
        re.IGNORECASE,
    )
    filler = re.compile(r"\b(?:as\s+at|as\s+of|at|of|for|on|w/?c|dated|period|month)\b", re.I)
    return token, evidence, filler


@dataclass(frozen=True)
class HeaderReading:
    """One typed header and what boardpack made of it."""

    column: int  # 0-based sheet column
    typed: str  # as typed, spacing collapsed
    became: str = ""  # the column it is read as, or "" when it is not read
    how: str = ""  # "name", "alias" or "dated" (a header carrying a date)
    note: str = ""  # why a header is not read


@dataclass
class HeaderMatch:
    """A candidate header row: its columns, the typed headers, and its score."""

    row: int  # 0-based sheet row
    columns: dict[str, int] = field(default_factory=dict)  # column name -> 0-based column
    headers: dict[str, str] = field(default_factory=dict)  # column name -> header as typed
    readings: list[HeaderReading] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)
    score: tuple[int, int] = (0, 0)

    def missing(self, required: Iterable[str]) -> list[str]:
        return [name for name in required if name not in self.columns]


def _undated(text: str) -> str:
    """A header with its date set aside: "Progress update November 2026" -> "Progress update"."""
    token, _, filler = _date_patterns()
    return filler.sub(" ", token.sub(" ", text))


def _date_key(text: str) -> tuple[int, int, int]:
    """(year, month, day) a dated header names, as far as it says; for "latest wins"."""
    lowered = text.lower()
    numeric = re.search(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b", lowered)
    if numeric:
        day, month, year = (int(part) for part in numeric.groups())
        return (year + 2000 if year < 100 else year, month, day)
    month = next((_MONTHS[word] for word in re.findall(r"[a-z]+", lowered) if word in _MONTHS), 0)
    years = re.findall(r"\b(\d{4}|\d{2})\b", lowered)
    year = int(years[-1]) if years else 0
    return (year + 2000 if 0 < year < 100 else year, month, 0)


def match_header_row(
    row: int, cells: list[Any], spec: SheetSpec, known: Mapping[str, str] | None = None
) -> HeaderMatch:
    """Read one row as a header row: each typed header and the column it names, if any.

    ``known`` is ``known_spellings(spec)``, passed in when many rows are tried.
    """
    known = known if known is not None else known_spellings(spec)
    match = HeaderMatch(row=row)
    # column name -> (rank, position); the column's own name beats a dated header, which
    # beats an alias; between dated headers the latest date wins, between others the leftmost.
    chosen: dict[str, tuple[tuple[int, tuple[int, int, int], int], int, str]] = {}
    readings: dict[int, HeaderReading] = {}
    for position, cell in enumerate(cells):
        if cell is None or cell == "":
            continue
        typed = " ".join(str(cell).split())
        if not typed:
            continue
        match.typed.append(typed)
        folded = fold(typed)
        name = known.get(folded) if isinstance(cell, str) else None
        how = "name" if name is not None and folded == fold(name) else "alias"
        date_key = (0, 0, 0)
        if name is None and isinstance(cell, str) and _date_patterns()[1].search(typed):
            name = known.get(fold(_undated(typed)))
            how, date_key = "dated", _date_key(typed)
        if name is None:
            readings[position] = HeaderReading(position, typed, note="not a column boardpack knows")
            continue
        rank = ({"name": 0, "dated": 1, "alias": 2}[how], _negated(date_key), position)
        readings[position] = HeaderReading(position, typed, name, how)
        if name not in chosen or rank < chosen[name][0]:
            chosen[name] = (rank, position, typed)
    for name, (_, position, typed) in chosen.items():
        match.columns[name] = position
        match.headers[name] = typed
    for position, reading in readings.items():
        if reading.became and match.columns.get(reading.became) != position:
            winner = match.headers[reading.became]
            readings[position] = HeaderReading(
                position, reading.typed, note=f'{reading.became} is read from "{winner}"'
            )
    match.readings = [readings[position] for position in sorted(readings)]
    required = [name for name, column in spec.columns.items() if column.required]
    match.score = (sum(1 for name in required if name in match.columns), len(match.columns))
    return match


def _negated(key: tuple[int, int, int]) -> tuple[int, int, int]:
    return (-key[0], -key[1], -key[2])


def suggestions(spec: SheetSpec, missing: Iterable[str], match: HeaderMatch) -> dict[str, str]:
    """For each missing column, the typed header that plausibly means it (unread headers only)."""
    unread = [reading.typed for reading in match.readings if not reading.became]
    found: dict[str, str] = {}
    for name in missing:
        column = spec.columns[name]
        close = did_you_mean(
            [name, *column.aliases], [t for t in unread if t not in found.values()]
        )
        if close:
            found[name] = close
    return found


def known_spellings(spec: SheetSpec) -> Mapping[str, str]:
    """Folded spelling -> column name, for a sheet's columns and aliases."""
    return lookup_table({name: column.aliases for name, column in spec.columns.items()})
