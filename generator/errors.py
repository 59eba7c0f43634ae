"""The exceptions a user can meet.

The core raises these; only ``cli.py`` turns them into a one-line message and exit code 2.
Each message says what is wrong and, where it helps, what to do about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class BoardpackError(Exception):
    """A problem that stops boardpack from running at all (exit code 2).

    ``settings`` names the inputs at fault by their keyword names ("host", "max_size"), so
    a front end can say where each is set; the message itself never names an option.
    """

    def __init__(self, message: str, *, settings: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.settings = tuple(settings)


class UnreadableWorkbook(BoardpackError):
    """The file is missing, not a workbook, encrypted, damaged or too large to read safely."""


class FileNotReadable(UnreadableWorkbook):
    """The path is missing, a folder, or cannot be opened for reading."""


class NotAWorkbook(UnreadableWorkbook):
    """The file is something else: empty, text, a web page, a Word document, a plain zip."""


class UnsupportedWorkbook(UnreadableWorkbook):
    """A spreadsheet in a format boardpack cannot read (Excel 2-4, Excel 2003 XML)."""


class PasswordProtected(UnreadableWorkbook):
    """The workbook is encrypted with a password."""


class DamagedWorkbook(UnreadableWorkbook):
    """The file is a workbook, but truncated or corrupt."""


class UnsafeWorkbook(UnreadableWorkbook):
    """The file would be unsafe to read: too large unpacked, a zip bomb, XML entity tricks."""


class WorkbookTooLarge(UnsafeWorkbook):
    """The workbook unpacks to more than the size limit, which ``limit`` gives in bytes."""

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message, settings=("max_size",))
        self.limit = limit


class MissingSheet(BoardpackError):
    """A required sheet (Actions) is not in the workbook."""


class MissingColumns(BoardpackError):
    """Required columns are missing from a sheet's header row.

    ``table`` is the sheet as far as it was read (its header's readings), so a front end can
    show how each header was taken; the settings name the rules, where an alias is added.
    """

    def __init__(self, message: str, *, table: Any = None) -> None:
        super().__init__(message, settings=("rules",))
        self.table = table


class BadRulesFile(BoardpackError):
    """rules.yaml cannot be read or does not describe valid rules."""


class BadTemplate(BoardpackError):
    """The Word template cannot be used."""


class AnnotationRefused(BoardpackError):
    """No annotated copy can be made that keeps the whole workbook; validation's answer stands."""


class OutputError(BoardpackError):
    """An output file cannot be written where asked."""


class SendError(BoardpackError):
    """The message could not be built or sent."""


class NothingToCollect(BoardpackError):
    """The folder given to collect holds no returned workbooks."""


class Interrupted(BoardpackError):
    """Ctrl+C or a termination signal, with what had been written by then."""
