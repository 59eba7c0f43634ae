"""Row heights for wrapped text, for the workbooks the cycle writes.

Not every program sizes a row of wrapped text when it opens a file (LibreOffice leaves it
one line high, the text overlapping the row below), so the cycle sets each row's height from
an estimate of the lines its longest cell needs.
"""

from __future__ import annotations

from typing import Any

LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 409  # Excel's tallest row


def lines_needed(value: Any, width: float) -> int:
    """Lines a wrapped cell needs at ``width`` characters: enough to read, if not exact."""
    if not isinstance(value, str):
        return 1
    per_line = max(int(width) - 2, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def row_height(lines: int) -> float:
    """The height in points of a row of ``lines`` lines."""
    return min(LINE_HEIGHT * lines + 3, MAX_ROW_HEIGHT)
