"""Findings: what validation says about a workbook, and the one place exit codes are decided."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.common.plurals import plural

#: The keys of a finding in JSON output, in order. This is a documented, stable schema.
FINDING_KEYS = (
    "file",
    "sheet",
    "cell",
    "row",
    "column",
    "ref",
    "rule",
    "severity",
    "message",
    "value",
)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_COULD_NOT_RUN = 2


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Finding:
    """One problem, located as precisely as the workbook allows.

    ``cell`` is A1 style ("H14") or "" for a sheet- or file-level finding; ``row`` is the
    workbook row number (or None); ``value`` is what was found, as text.
    """

    file: str
    sheet: str
    cell: str
    row: int | None
    column: str
    ref: str
    rule: str
    severity: Severity
    message: str
    value: str = ""

    @property
    def location(self) -> str:
        """``plan.xlsx: Actions!H14 (QP-07, Due date)``: where a person should look."""
        place = self.file
        if self.sheet:
            place += f": {self.sheet}!{self.cell}" if self.cell else f": {self.sheet}"
        detail = ", ".join(part for part in (self.ref, self.column) if part)
        return f"{place} ({detail})" if detail else place

    def describe(self) -> str:
        """The one-line message for a person: location, then what is wrong."""
        return f"{self.location}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "ref": self.ref,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "value": self.value,
        }


@dataclass
class ValidationResult:
    """All findings for one or more workbooks, and what they mean for the exit code."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def exit_code(self, strict: bool = False) -> int:
        """0 when nothing blocks, 1 when errors (or, with ``strict``, warnings) were found."""
        if self.errors or (strict and self.warnings):
            return EXIT_FINDINGS
        return EXIT_OK

    def flatten(self, keys: Sequence[str]) -> list[list[Any]]:
        """The findings as rows of the chosen keys: handy for asserting in tests."""
        return [[finding.as_dict()[key] for key in keys] for finding in self.findings]

    def summary(self) -> str:
        """ "2 errors and 3 warnings in 1 workbook"."""
        return (
            f"{plural(len(self.errors), 'error')} and "
            f"{plural(len(self.warnings), 'warning')} in {plural(len(self.files), 'workbook')}"
        )
