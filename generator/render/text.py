"""Cell text as Word must hold it: literal, escaped, and free of characters XML forbids.

Text from the workbook is data. It is never interpreted: ``{{ x }}``, ``{% if %}`` and
``=SUM(A1)`` reach the page exactly as typed. The only change ever made is to characters an
XML document cannot contain at all (most control characters, lone surrogates, U+FFFE/U+FFFF):
each is replaced, and every replacement is recorded so the command can warn, naming the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.common.xmltext import XML_ILLEGAL
from generator.findings import Finding, Severity

# Word's own line and page breaks arrive in pasted text as vertical tab and form feed.
_LINE_BREAKS = re.compile("[\x0b\x0c]")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Origin:
    """Where a piece of text came from in the workbook, for the warning."""

    sheet: str
    column: str
    row: int | None = None
    ref: str = ""


@dataclass
class Cleaner:
    """Cleans text for Word and remembers what it had to replace, once per source cell."""

    file: str = ""
    replaced: dict[Origin, int] = field(default_factory=dict)

    def __call__(self, text: str | None, origin: Origin) -> str:
        """``text`` with line endings normalised and XML-illegal characters replaced."""
        if not text:
            return ""
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if XML_ILLEGAL.search(text) is None:
            return text
        text = _LINE_BREAKS.sub("\n", text)
        cleaned, count = XML_ILLEGAL.subn(REPLACEMENT, text)
        if count and origin not in self.replaced:
            self.replaced[origin] = count
        return cleaned

    def findings(self) -> list[Finding]:
        """One warning per cell whose text had characters replaced."""
        return [
            Finding(
                file=self.file,
                sheet=origin.sheet,
                cell="",
                row=origin.row,
                column=origin.column,
                ref=origin.ref,
                rule="illegal-character",
                severity=Severity.WARNING,
                message=(
                    f"{_characters(count)} that Word cannot hold "
                    f"{'was' if count == 1 else 'were'} replaced with {REPLACEMENT} in the report"
                    + (f" (row {origin.row})" if origin.row else "")
                ),
            )
            for origin, count in self.replaced.items()
        ]


def _characters(count: int) -> str:
    return "1 control character" if count == 1 else f"{count} control characters"
