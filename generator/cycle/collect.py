"""The collect job: the plan with the leads' returned values applied, as a new workbook.

The plan is checked and read as any plan is; each returned workbook is read and judged
(merge.py); the changes are written into a copy of the plan's own package (package.py),
with a Changes sheet listing every cell changed. The input plan is never written, the new
workbook appears only once complete, and the same inputs always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from generator.check.reporter import Reporter
from generator.common.atomic import refuse_overwriting_input
from generator.common.progress import NO_PROGRESS, Progress
from generator.common.ukdates import plural
from generator.cycle.merge import REFUSALS, Change, Merge, merge_returned
from generator.cycle.package import ChangeRow, PlanPackage
from generator.cycle.returned import (
    ReturnedFile,
    lenient_rules,
    read_returned,
    returned_paths,
)
from generator.cycle.values import shown
from generator.errors import BoardpackError, NothingToCollect, OutputError
from generator.findings import Finding
from generator.pipeline import CheckedWorkbook, check_workbook
from generator.read.guard import DEFAULT_LIMITS, Limits
from generator.schema.rules import Rules

#: What each kind of plan is written back as: the package is edited, so it keeps its kind.
OUTPUT_SUFFIX = {"xlsx": ".xlsx", "xlsm": ".xlsm"}


@dataclass
class CollectRun:
    """What collect read, applied and refused."""

    checked: CheckedWorkbook
    output: Path
    files: list[ReturnedFile] = field(default_factory=list)
    merge: Merge = field(default_factory=Merge)
    unreadable: list[Finding] = field(default_factory=list)

    @property
    def refusals(self) -> list[Finding]:
        return self.unreadable + self.merge.refusals


def collect(
    plan_path: Path,
    folder: Path,
    output: Path,
    *,
    rules: Rules,
    as_of: dt.date,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = NO_PROGRESS,
) -> CollectRun:
    """Apply the workbooks returned in ``folder`` to the plan, writing ``output``."""
    refuse_overwriting_input(output, plan_path)
    checked = check_workbook(plan_path, rules, as_of, limits=limits, progress=progress)
    suffix = OUTPUT_SUFFIX.get(checked.workbook.format)
    if suffix is None:
        raise OutputError(
            f"{plan_path}: collect writes the returned values into the plan's own workbook, "
            "which it can do for .xlsx and .xlsm plans only; save the plan as .xlsx and "
            "collect into that"
        )
    if output.suffix.lower() != suffix:
        raise OutputError(
            f"{output}: the updated plan is the same kind of workbook as {plan_path.name}; "
            f"give a name ending in {suffix}"
        )
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise NothingToCollect(f"{folder}: {what}; give the folder the returned workbooks are in")
    paths = returned_paths(folder, skip=(plan_path, output))
    if not paths:
        raise NothingToCollect(
            f"{folder}: no workbooks to collect (.xlsx, .xlsm, .xls, .xlsb or .ods); "
            "save the returned attachments there first"
        )
    package = PlanPackage(plan_path)
    run = CollectRun(checked, output)
    reading = lenient_rules(rules)
    progress.phase(f"Reading {plural(len(paths), 'returned workbook')}")
    for path in paths:
        try:
            run.files.append(read_returned(path, reading, limits))
        except BoardpackError as error:
            run.unreadable.extend(_unreadable(path, str(error)))
    run.merge = merge_returned(checked, run.files, rules, as_of, package.unwritable)
    progress.phase(f"Writing {output.name}")
    headers = checked.workbook.actions.headers
    package.write(
        output,
        {(change.sheet, change.cell): change.new for change in run.merge.changes},
        [_change_row(headers.get(c.column, c.column), c) for c in run.merge.changes],
    )
    return run


def _change_row(header: str, change: Change) -> ChangeRow:
    return ChangeRow(
        sheet=change.sheet,
        cell=change.cell,
        ref=change.ref,
        column=header,
        old=shown(change.old),
        new=shown(change.new),
        files=change.files,
    )


def _unreadable(path: Path, message: str) -> list[Finding]:
    # The error names the file already; the finding keeps only what is wrong.
    detail = message.split(": ", 1)[1] if message.startswith(f"{path}: ") else message
    reporter = Reporter(str(path))
    reporter.at(REFUSALS["returned-unreadable"], {"detail": detail})
    return reporter.findings


def summary_line(run: CollectRun) -> str:
    """ "Applied 12 changes from 5 returned workbooks; 2 refused (listed above)."."""
    changes = run.merge.changes
    files = {returned.name for change in changes for returned, _ in change.sources}
    applied = (
        f"Applied {plural(len(changes), 'change')} from {plural(len(files), 'returned workbook')}"
        if changes
        else "No changes to apply"
    )
    read = plural(len(run.files) + len(run.unreadable), "workbook")
    refused = f"; {plural(len(run.refusals), 'refusal')} listed above" if run.refusals else ""
    return f"{applied} ({read} read){refused}. Written to {run.output}, with a Changes sheet."
