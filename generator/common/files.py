"""Files: reading an input whole (or saying in one line why not), and the PDF's name."""

from __future__ import annotations

from pathlib import Path

from generator.errors import BoardpackError


def read_bytes_or_raise(
    path: Path, error: type[BoardpackError], what: str = "file", *, at_most: int | None = None
) -> bytes:
    """The file's bytes; ``error`` with a one-line reason when it is missing or unreadable.

    ``what`` names the file in the message: "no such rules file", "cannot read the template".
    With ``at_most``, no more than ``at_most + 1`` bytes are read, so a caller can refuse a
    file that is too large without reading all of it.
    """
    try:
        with path.open("rb") as file:
            return file.read() if at_most is None else file.read(at_most + 1)
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {what}") from None
    except OSError as failure:
        raise error(f"{path}: cannot read the {what} ({failure.strerror})") from None


def read_text_or_raise(path: Path, error: type[BoardpackError], what: str = "file") -> str:
    """The file as UTF-8 text (a byte-order mark from Notepad dropped), or ``error``."""
    data = read_bytes_or_raise(path, error, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text; save it as UTF-8 and try again") from None


def is_lock_file(path: Path) -> bool:
    """Excel's "~$plan.xlsx" or LibreOffice's ".~lock.plan.xlsx#": made beside a workbook
    while it is open, and not a workbook, though a glob such as *.xlsx picks it up."""
    name = path.name
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def pdf_path_for(report: Path) -> Path:
    """The PDF made from a report, and looked for when it is sent: beside it, named .pdf."""
    return report.with_suffix(".pdf")
