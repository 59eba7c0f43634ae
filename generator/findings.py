"""Findings: what validation says about a workbook, and the one place exit codes are decided."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.common.a1 import cell_column
from generator.common.plurals import plural

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_COULD_NOT_RUN = 2
#: The reader of the output went away (``validate plan.xlsx | head -1``): 128 + SIGPIPE, the
#: code a shell shows for cat, grep or yes cut short in the same way.
EXIT_OUTPUT_CLOSED = 141

#: Reading rules whose finding means a workbook could not be checked at all: it cannot be
#: read, or lacks its required sheet or columns. They are about the file (no cell), and
#: make the run's exit code 2.
NOT_CHECKED_RULES = ("unreadable-workbook", "missing-sheet", "missing-columns")


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
        """The finding as plain data, with exactly ``FINDING_KEYS`` in order."""
        record = {key: getattr(self, key) for key in FINDING_KEYS}
        record["severity"] = self.severity.value
        return record


#: The keys of a finding in JSON output, in order: Finding's fields. A documented, stable schema.
FINDING_KEYS = tuple(item.name for item in dataclasses.fields(Finding))


@dataclass
class ValidationResult:
    """All findings for one or more workbooks, and what they mean for the exit code."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Each file's sheets in the order validation read them (Actions first, as rules.yaml
    # lists them; a plan kept as a sheet per section, in its sheets' order).
    sheets: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._sort()

    def extend(self, findings: Iterable[Finding]) -> None:
        """Add findings (after their file and sheets are known), keeping the one order."""
        self.findings.extend(findings)
        self._sort()

    def _sort(self) -> None:
        """The findings by workbook, sheet, severity (errors first), then down and across.

        Workbooks come in the order given, sheets as ``sheets`` lists them (any other, in
        the order first met); rule order is kept within a cell. This is the one place
        findings are sorted, so every output lists them in the same order.
        """
        file_rank = {name: rank for rank, name in enumerate(self.file_names())}
        sheet_rank: dict[tuple[str, str], int] = {}
        for name, sheets in self.sheets.items():
            for sheet in sheets:
                sheet_rank.setdefault((name, sheet), len(sheet_rank))
        for finding in self.findings:
            sheet_rank.setdefault((finding.file, finding.sheet), len(sheet_rank))
        self.findings.sort(
            key=lambda f: (
                file_rank[f.file],
                sheet_rank[(f.file, f.sheet)],
                f.severity is not Severity.ERROR,
                f.row is not None,
                f.row or 0,
                cell_column(f.cell),
            ),
        )

    def file_names(self) -> list[str]:
        """Workbooks in the order given, then any named only by a finding."""
        names = dict.fromkeys(self.files)
        names.update(dict.fromkeys(finding.file for finding in self.findings))
        return list(names)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def not_checked(self) -> list[Finding]:
        """Findings saying a workbook could not be checked at all (``NOT_CHECKED_RULES``)."""
        return [f for f in self.findings if f.rule in NOT_CHECKED_RULES]

    def checked_only(self) -> ValidationResult:
        """The result without ``not_checked`` findings: for people, who are told why a
        workbook could not be checked in a line of its own."""
        return ValidationResult(
            [f for f in self.findings if f.rule not in NOT_CHECKED_RULES],
            list(self.files),
            dict(self.sheets),
        )

    def exit_code(self, strict: bool = False) -> int:
        """2 when a workbook could not be checked, 1 when errors (or, with ``strict``,
        warnings) were found, else 0."""
        if self.not_checked:
            return EXIT_COULD_NOT_RUN
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
