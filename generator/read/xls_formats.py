"""What python-calamine does not give for an .xls file: the number format a figure is shown in.

An .xls (BIFF8) keeps each cell's format as an index into its XF records, which point at FORMAT
records. xlrd (BSD licence, the reference reader of BIFF) reads them with
``formatting_info=True``; ``on_demand=True`` loads only the one sheet asked for. Read for a few
cells of one small sheet (Measures), never for the whole plan.
"""

from __future__ import annotations

import io
from pathlib import Path


def xls_number_formats(
    path: Path, sheet: str, cells: set[tuple[int, int]], *, data: bytes | None = None
) -> dict[tuple[int, int], str]:
    """The number format code ("0%", "#,##0.0") of the given (row, col) cells (0-based) of
    ``sheet``, where it is not General; nothing for a file xlrd cannot read (the figures
    then show as stored). ``data``: the file's bytes when they are not its own (decrypted)."""
    if not cells:
        return {}
    import xlrd  # only an .xls with a Measures sheet needs it

    try:
        book = xlrd.open_workbook(
            file_contents=data if data is not None else path.read_bytes(),
            formatting_info=True,
            on_demand=True,
            logfile=io.StringIO(),  # xlrd's warnings would otherwise reach the terminal
        )
        found: dict[tuple[int, int], str] = {}
        try:
            table = book.sheet_by_name(sheet)
            for row, column in cells:
                if row >= table.nrows or column >= table.ncols:
                    continue
                key = book.xf_list[table.cell_xf_index(row, column)].format_key
                code = book.format_map[key].format_str
                if code and code != "General":
                    found[(row, column)] = code
        finally:
            book.release_resources()
        return found
    except Exception:  # a damaged or unusual file only costs the number formats
        return {}
