"""`boardpack report`: from a workbook to a committee report on disk.

Read and check the workbook, stop on errors unless they are allowed, compare with the
previous month's workbook when given, build the report and write it (and a PDF) atomically.
The command line prints what this returns; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.common.atomic import refuse_overwriting_input
from generator.common.files import pdf_path_for
from generator.common.plurals import plural
from generator.common.progress import NO_PROGRESS, Progress
from generator.errors import Interrupted, OutputError
from generator.findings import Finding, ValidationResult
from generator.model.plan import Plan
from generator.pipeline import check_workbook
from generator.read.guard import DEFAULT_LIMITS, Limits
from generator.schema.rules import Rules
from generator.version import __version__


@dataclass
class ReportRun:
    """What happened: the workbook's findings, and what was written (nothing when blocked)."""

    result: ValidationResult
    plan: Plan | None = None
    written: Path | None = None
    pdf: Path | None = None
    sending: list[Finding] = field(default_factory=list)  # the Distribution sheet's problems
    # Earlier workbooks left out of the history, and why: one line each.
    earlier_warnings: list[str] = field(default_factory=list)
    no_pdf: str = ""  # why a PDF that was asked for was not made, and how to get one

    @property
    def blocked(self) -> bool:
        return self.written is None


#: Earlier boards needed before the report shows the plan over time: with one, the changes
#: since the last report already say everything a two-row table would.
HISTORY_FROM_BOARDS = 2


def make_report(
    workbook: Path,
    output: Path,
    *,
    rules: Rules,
    as_of: dt.date,
    template: Path | None = None,
    previous: Path | str | Sequence[Path | str] | None = None,
    allow_errors: bool = False,
    pdf: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = NO_PROGRESS,
) -> ReportRun:
    """Write the report for ``workbook`` to ``output``; refuse (write nothing) on errors.

    ``previous`` names the earlier boards: workbooks, folders of them, or "git:RANGE" / "git:N"
    for earlier versions of ``workbook`` in its git repository (see earlier_boards).
    """
    from generator.render import build_report, convert_to_pdf, write_report
    from generator.render.output import NO_PDF, find_soffice

    sources = _sources(previous)
    named_files = [Path(source) for source in sources if not _is_git(source)]
    inputs = [p for p in (workbook, *named_files, template, rules.path) if p is not None]
    refuse_overwriting_input(output, *inputs)
    if output.suffix.lower() != ".docx":
        raise OutputError(f"{output}: the report is a Word file; name it with .docx")
    if pdf:
        refuse_overwriting_input(pdf_path_for(output), *inputs)

    checked = check_workbook(workbook, rules, as_of, limits=limits, progress=progress)
    # The Distribution sheet belongs to sending: its problems neither block nor appear here.
    run = ReportRun(result=checked.report_result(), sending=checked.sending_findings())
    errors = run.result.errors
    if errors and not allow_errors:
        return run
    plan = run.plan = checked.plan

    changes = None
    history = None
    provenance = {
        "Workbook SHA-256": plan.source_sha256,
        "Rules SHA-256": rules.sha256,
        "As-of date": as_of.isoformat(),
        "Generator": f"boardpack {__version__}",
    }
    if sources:
        from generator.earlier_boards import read_earlier_boards
        from generator.model.changes import compare_plans
        from generator.model.history import Board, History

        earlier = read_earlier_boards(
            sources,
            workbook=workbook,
            current=plan,
            rules=rules,
            as_of=as_of,
            limits=limits,
            progress=progress,
        )
        run.earlier_warnings = earlier.warnings
        if earlier.last is not None:
            changes = compare_plans(earlier.last.plan, plan)
            provenance["Previous workbook SHA-256"] = earlier.last.plan.source_sha256
        if len(earlier.boards) >= HISTORY_FROM_BOARDS:
            this_board = Board(plan, workbook.name, plan.report.meeting_date, current=True)
            history = History([*earlier.boards, this_board])
            provenance["Earlier workbooks SHA-256"] = " ".join(
                board.plan.source_sha256 for board in earlier.boards
            )

    progress.phase(f"Writing the report: {plural(len(plan.actions), 'action')}")
    report = build_report(
        plan,
        as_of,
        template=template,
        changes=changes,
        findings=errors,
        provenance=provenance,
        history=history,
    )
    write_report(report, output)
    run.written = output
    if pdf and find_soffice() is None:
        # The .docx is what the board needs most; say how to get the PDF from it.
        run.no_pdf = NO_PDF
    elif pdf:
        run.pdf = pdf_path_for(output)
        progress.phase(f"Converting to PDF: {run.pdf.name}")
        try:
            convert_to_pdf(output, run.pdf)
        except KeyboardInterrupt:
            # The .docx is already in place: say so, rather than "nothing was written".
            raise Interrupted(
                f"interrupted while making the PDF: the report was written to {output}; "
                f"no PDF was written (run the command again for {run.pdf.name})"
            ) from None
    return run


def _is_git(source: Path | str) -> bool:
    from generator.read.git_history import is_git_source

    return isinstance(source, str) and is_git_source(source)


def _sources(previous: Path | str | Sequence[Path | str] | None) -> list[Path | str]:
    """``previous`` as a list: one source, or several."""
    if previous is None:
        return []
    if isinstance(previous, (str, Path)):
        return [previous]
    return list(previous)
