"""A1 column letters: "A" is column 1, "Z" 26, "AA" 27, "XFD" 16,384 (Excel's last).

The arithmetic is openpyxl's (``openpyxl.utils.get_column_letter`` and
``column_index_from_string``), and a test holds these two to openpyxl's answers over every
column openpyxl knows. They are written here rather than imported because importing
openpyxl costs about 130 ms (it brings in numpy), more than validating a 200-row plan takes,
and reading and checking never need openpyxl otherwise.
"""

from __future__ import annotations

from functools import cache

#: The last column openpyxl can name ("ZZZ"); Excel's own last column is 16,384 ("XFD").
LAST_COLUMN = 18_278


@cache
def column_letter(number: int) -> str:
    """1 -> "A", 28 -> "AB"; columns are numbered from 1, as A1 references count them."""
    if not 1 <= number <= LAST_COLUMN:
        raise ValueError(f"{number} is not a column number (1 to {LAST_COLUMN:,})")
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@cache
def column_number(letters: str | bytes) -> int:
    """ "AB" (or b"AB", as found in sheet XML) -> 28; lower case is read as upper case."""
    text = letters.decode("ascii", "replace") if isinstance(letters, bytes) else letters
    text = text.upper()
    if not 1 <= len(text) <= 3 or not all("A" <= letter <= "Z" for letter in text):
        raise ValueError(f"{text!r} is not a column name (A to ZZZ)")
    number = 0
    for letter in text:
        number = number * 26 + ord(letter) - 64
    return number


def cell_column(cell: str) -> int:
    """The column number of an A1 reference ("AB12" -> 28); 0 for "" (no cell)."""
    letters = cell.rstrip("0123456789")
    return column_number(letters) if letters else 0
