"""From a workbook file to a checked plan: read, validate, then build the Plan.

This is the one entry point the commands use: ``check_workbook(path, rules, as_of)``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.check.validate import Validated, not_checked, validate
from generator.common.matching import fold, spellings
from generator.common.plurals import plural
from generator.common.progress import NO_PROGRESS, Progress
from generator.errors import BoardpackError, UnreadableWorkbook
from generator.findings import Finding, ValidationResult
from generator.read.guard import DEFAULT_LIMITS, Limits, inspect_workbook
from generator.read.ods_xml import ods_number_formats
from generator.read.workbook import Workbook, read_workbook
from generator.read.xls_formats import xls_number_formats
from generator.read.xlsx_xml import XlsxCells
from generator.schema.fields import MEASURES
from generator.schema.rules import Rules

if TYPE_CHECKING:  # the plan is built only when asked for: validate never builds it
    from generator.model.plan import Plan

DISTRIBUTION_SHEET = "Distribution"


@dataclass
class CheckedWorkbook:
    """A workbook after checking: its findings, and the plan built from it when asked for."""

    path: Path
    result: ValidationResult
    workbook: Workbook
    validated: Validated
    rules: Rules
    # The workbook's bytes when they are not the file's own (decrypted with Excel's default
    # password); None when the file at ``path`` is the workbook.
    decrypted: bytes | None = None

    def sending_findings(self) -> list[Finding]:
        """Findings about the Distribution sheet: they matter to ``send``, never to ``report``."""
        sheets = self._sending_sheets()
        return [f for f in self.result.findings if fold(f.sheet) in sheets]

    def report_result(self) -> ValidationResult:
        """The findings that bear on the report: every one except the Distribution sheet's.

        A mistyped address is a problem for sending the paper, not for writing it, and
        an address is personal data that has no place in a published paper.
        """
        sheets = self._sending_sheets()
        return ValidationResult(
            findings=[f for f in self.result.findings if fold(f.sheet) not in sheets],
            files=list(self.result.files),
            sheets=dict(self.result.sheets),
        )

    def _sending_sheets(self) -> set[str]:
        spec = self.rules.sheets.get(DISTRIBUTION_SHEET)
        if spec is None:
            return set()
        names = set(spellings(spec.name, spec.aliases))
        table = self.workbook.tables.get(DISTRIBUTION_SHEET)
        if table is not None:
            names.add(fold(table.sheet))
        return names

    def _measure_formats(self) -> dict[int, tuple[str, str, str]]:
        """The number formats of the Measures sheet's figures, by row, from the .xlsx's, the
        .ods's or the .xls's styles (a few cells of one small sheet). Nothing for .xlsb:
        python-calamine reads no formats, and no kept Python library reads its styles.bin."""
        table = self.workbook.tables.get(MEASURES.sheet)
        if table is None or self.workbook.format not in ("xlsx", "xlsm", "ods", "xls"):
            return {}
        names = (MEASURES.target.name, MEASURES.previous.name, MEASURES.current.name)
        columns = [table.columns.get(name) for name in names]
        cells = {
            (row - 1, column)
            for row in table.row_numbers
            for column in columns
            if column is not None
        }
        if self.workbook.format == "ods":
            found = ods_number_formats(self.path, table.sheet, cells)
        elif self.workbook.format == "xls":
            found = xls_number_formats(self.path, table.sheet, cells, data=self.decrypted)
        else:
            found = XlsxCells(self.path, data=self.decrypted).number_formats(table.sheet, cells)
        if not found:
            return {}
        return {
            row: tuple(  # type: ignore[misc]
                found.get((row - 1, column), "") if column is not None else "" for column in columns
            )
            for row in table.row_numbers
        }

    @functools.cached_property
    def plan(self) -> Plan:
        """The plan, built on first use: validating alone never needs it."""
        from generator.model.build import build_plan

        plan = build_plan(self.validated, self.rules, self._measure_formats())
        plan.source_name = self.path.name
        try:
            plan.source_sha256 = file_sha256(self.path)
        except OSError as error:
            raise UnreadableWorkbook(f"{self.path}: cannot be read ({error.strerror})") from None
        return plan


def file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_workbook(
    path: Path,
    rules: Rules,
    as_of: dt.date,
    *,
    label: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = NO_PROGRESS,
) -> CheckedWorkbook:
    """Read and validate a workbook and build its plan; raise if it cannot be read at all."""
    with _collector_paused():
        return _check_workbook(path, rules, as_of, label=label, limits=limits, progress=progress)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a workbook is read and checked.

    Reading makes hundreds of thousands of small objects (a list per row, a value per cell)
    and holds them all, none of them in a reference cycle: the collector walks them again
    and again, frees nothing, and took 7% of validate's time at 20,000 actions. Reference
    counting frees them as before, so peak memory does not change. The collector is
    switched back on (if it was on) however the check ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_workbook(
    path: Path,
    rules: Rules,
    as_of: dt.date,
    *,
    label: str | None,
    limits: Limits,
    progress: Progress,
) -> CheckedWorkbook:
    path = Path(path)
    progress.phase(f"Reading {path.name}")
    inspection = inspect_workbook(path, limits)
    kind = inspection.kind
    workbook = read_workbook(path, rules, fmt=kind.value, data=inspection.decrypted)
    progress.phase(f"Checking {plural(len(workbook.actions.row_numbers), 'action')}")
    extras = None
    if kind.is_office_open_xml:
        from generator.check.validate import CellExtras

        cells = XlsxCells(
            path,
            inspection.parts_with_formulas,
            inspection.parts_with_errors,
            data=inspection.decrypted,
        )
        extras = CellExtras(
            fills=cells.fills,
            empty_formulas=cells.empty_formulas,
            error_values=cells.error_values,
        )
    label = label or str(path)
    validated = validate(workbook, rules, as_of, file_label=label, extras=extras)
    result = ValidationResult(
        findings=validated.findings, files=[label], sheets={label: validated.sheet_order}
    )
    return CheckedWorkbook(
        path=path,
        result=result,
        workbook=workbook,
        validated=validated,
        rules=rules,
        decrypted=inspection.decrypted,
    )


def check_workbooks(
    paths: list[Path],
    rules: Rules,
    as_of: dt.date,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = NO_PROGRESS,
) -> tuple[list[CheckedWorkbook], ValidationResult, list[BoardpackError]]:
    """Check several workbooks; one that cannot be checked is a finding (and its error, for a
    one-line message), not the end of the run."""
    checked: list[CheckedWorkbook] = []
    combined = ValidationResult()
    problems: list[BoardpackError] = []
    for path in paths:
        try:
            result = check_workbook(path, rules, as_of, limits=limits, progress=progress)
        except BoardpackError as error:
            problems.append(error)
            combined.extend(not_checked(error, rules, str(path), path))
            continue
        combined.files.append(str(path))
        checked.append(result)
        combined.sheets.update(result.result.sheets)
        combined.extend(result.result.findings)
    return checked, combined, problems
