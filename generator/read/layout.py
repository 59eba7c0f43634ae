"""How a plan lays out its sections: heading rows inside the table, or a sheet per section.

Councils write the section of an action three ways: a Section (Theme, Priority...) column; a
heading row across the table above each section's actions, often merged, bold or shaded; or a
sheet per section, titled above its header row ("Priority 1: Leadership and governance") or
named for it ("1. Leadership"). This module recognises the last two from the cells alone.
Everything here works on plain rows of values, so it is cheap and easy to test.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Longest text read as a section heading; a longer lone cell is a note, not a heading.
MAX_HEADING = 150


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Built on first use (most plans have no heading rows and one sheet): a section's
    number typed in a cell of its own ("1", "2.", "A)", "Priority 3"); a lone reference
    ("QP-05", "3.2", "A12"), the start of an action, not a heading; and a sheet name's own
    numbering ("1. Leadership", "2 - Workforce", "Section 3: Partners")."""
    label = re.compile(
        r"(?:\d{1,3}(?:\.\d{1,3})*|[a-z])[.):]?"
        r"|(?:section|priority|theme|part|area|strand|workstream|objective|outcome)\s*[\w.]{1,4}[.:]?",
        re.IGNORECASE,
    )
    ref_like = re.compile(r"[a-z]{0,4}[-./ ]?\d+(?:[.\-/]\d+)*[a-z]?", re.IGNORECASE)
    sheet_number = re.compile(
        r"^\s*(?:(?:section|priority|theme|part)\s*)?(?:\d{1,3}(?:\.\d{1,3})*|[a-z])\s*[.):\-–]\s*"
        r"|^\s*\d{1,3}\s+",
        re.IGNORECASE,
    )
    return label, ref_like, sheet_number


@dataclass(frozen=True)
class Heading:
    """A section heading row found inside a table."""

    index: int  # position in the body rows given to ``heading_rows``
    text: str
    column: int  # 0-based sheet column holding the text


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def heading_rows(
    body: Sequence[Sequence[Any]],
    candidates: Iterable[int],
    *,
    first_col: int,
    first_row: int,
    left: int,
    merged: Mapping[int, Sequence[tuple[int, int]]],
) -> list[Heading]:
    """The rows among ``candidates`` that are section headings.

    ``body`` holds the sheet's rows below the header (``body[0]`` is 0-based sheet row
    ``first_row``, each starting at sheet column ``first_col``); ``candidates`` are the rows
    with nothing in the action's own columns (lead, dates, status); ``left`` is the table's
    first column; ``merged`` gives, by 0-based sheet row, the (left, right) columns of merged
    ranges starting on that row. A heading has text only in its first cells: one cell,
    merged across the table or not, or a number and a name.
    """
    headings = []
    for index in candidates:
        cells = [
            (first_col + position, value)
            for position, value in enumerate(body[index])
            if _filled(value)
        ]
        heading = _heading(cells, left, merged.get(first_row + index, ()))
        if heading is not None:
            headings.append(Heading(index, *heading))
    return headings


def _heading(
    cells: list[tuple[int, Any]], left: int, merges: Sequence[tuple[int, int]]
) -> tuple[str, int] | None:
    if not cells or len(cells) > 2:
        return None
    column, value = cells[-1]
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if len(text) > MAX_HEADING:
        return None
    across = any(start == column and end > start for start, end in merges)
    if len(cells) == 2:
        label_column, label = cells[0]
        label_text = str(int(label) if isinstance(label, float) and label.is_integer() else label)
        if (
            label_column == left
            and column == left + 1
            and _patterns()[0].fullmatch(label_text.strip())
        ):
            return text, column
        return None
    if across and column <= left + 1:
        return text, column
    if column == left and not _patterns()[1].fullmatch(text):
        return text, column
    return None


def sheet_title(rows: Sequence[Sequence[Any]], header_offset: int) -> str:
    """The title nearest above a header row: the first text of the closest non-empty row."""
    for cells in reversed(rows[:header_offset]):
        for value in cells:
            if isinstance(value, str) and value.strip():
                text = " ".join(value.split())
                return text if len(text) <= MAX_HEADING else ""
    return ""


def section_from_sheet_name(name: str) -> str:
    """A sheet's name as a section name, without its numbering: "1. Leadership" -> "Leadership"."""
    stripped = _patterns()[2].sub("", name, count=1).strip()
    return stripped or name.strip()


def sections_for_sheets(names: Sequence[str], titles: Sequence[str]) -> tuple[list[str], str]:
    """Each sheet's section, and where the names came from ("sheet titles" or "sheet names").

    A sheet's title names its section when every sheet has one and no two are the same (a
    title repeated on every sheet names the plan, not the section); else the sheet's name.
    """
    if all(titles) and len(set(titles)) == len(titles):
        return list(titles), "sheet titles"
    return [section_from_sheet_name(name) for name in names], "sheet names"
