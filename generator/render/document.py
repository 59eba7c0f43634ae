"""The committee report, assembled section by section from a Plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from docx.document import Document

from generator.findings import Finding, Severity
from generator.model.changes import PlanChanges
from generator.model.history import History
from generator.model.plan import Plan
from generator.render import (
    actions,
    appendix,
    committee,
    front,
    history_section,
    progress_summary,
    recommendations_section,
)
from generator.render.changes_section import changes_since_last_report
from generator.render.context import Context
from generator.render.house import House, fill_header_controls, open_template, set_language
from generator.render.legibility import make_text_legible
from generator.render.measures import measures
from generator.render.output import document_bytes, set_properties
from generator.render.package import modernise
from generator.render.text import for_word


@dataclass
class Report:
    """A built report: the Word document and its tables."""

    document: Document  # tables stand as placeholders until to_bytes splices them in
    tables: list[list[str]] = field(default_factory=list)  # table XML, a row a piece

    def to_bytes(self) -> bytes:
        """The .docx bytes: identical for the same inputs, template and as-of date."""
        return document_bytes(self.document, self.tables)


def build_report(
    plan: Plan,
    as_of: dt.date,
    *,
    template: Path | None = None,
    changes: PlanChanges | None = None,
    findings: list[Finding] | None = None,
    provenance: dict[str, str] | None = None,
    chart: bool = True,
    history: History | None = None,
) -> Report:
    """Write the report for ``plan`` at ``as_of`` into ``template`` (the shipped one by default).

    ``changes`` adds the "Changes since the last report" section; the errors in ``findings``
    (given when the report is built despite them) add a data-quality note and appendix;
    ``provenance`` (workbook SHA-256, rules hash, as-of date) is recorded in the document's
    custom properties. ``history`` (this board and the earlier ones) adds the plan over time.
    """
    opened = open_template(template)
    document = opened.document
    make_text_legible(document)
    ctx = Context(document, plan, as_of, House(document))
    errors = [f for f in findings or [] if f.severity is Severity.ERROR]

    # Committee order (seeds 001 and 003); a part the workbook does not give is left out.
    front.front_sheet(ctx)
    front.purpose(ctx)
    front.summary(ctx, progress_summary.at_a_glance(plan, as_of))
    front.recommendations(ctx)
    front.background(ctx)
    letters = iter("ABCDEFGH")
    plan_letter = next(letters)
    errors_letter = next(letters) if errors else ""
    if errors:
        appendix.data_quality_note(ctx, errors, errors_letter)
    progress_summary.progress_summary(ctx, chart=chart)
    progress_summary.progress_by_section(ctx)
    recommendations_section.progress_against_recommendations(ctx)
    if changes is not None:
        changes_since_last_report(ctx, changes)
    if history is not None:
        history_section.plan_over_time(ctx, history, chart=chart)
    actions.overdue_actions(ctx)
    actions.slippage(ctx)
    actions.undated(ctx)
    if plan.measures:
        measures(ctx, chart=chart)
    if history is not None:
        history_section.measures_over_time(ctx, history)
    committee.key_issues(ctx)
    committee.options(ctx)
    committee.consultation(ctx)
    committee.implications(ctx)
    actions.next_steps(ctx)
    committee.background_papers(ctx)
    committee.appendix_list(
        ctx,
        [(plan_letter, "the improvement plan in full")]
        + ([(errors_letter, "data-quality errors")] if errors else []),
    )

    appendix.landscape_pages(ctx)
    appendix.whole_plan(ctx, plan_letter)
    if errors:
        appendix.data_quality_appendix(ctx, errors, errors_letter)

    opened.finish()
    fields = plan.report
    title = for_word(fields.title) or front.DEFAULT_TITLE
    fill_header_controls(
        document,
        {
            "classification": for_word(fields.classification),
            "title": title,
            "organisation": for_word(fields.organisation),
        },
    )
    set_language(document)
    modernise(document)
    meeting = for_word(fields.meeting)
    set_properties(
        document,
        title=title,
        subject=f"{meeting}: progress report" if meeting else "Improvement plan progress report",
        author=for_word(fields.author),
        as_of=as_of,
        provenance=provenance or {"As-of date": as_of.isoformat()},
    )
    return Report(document, ctx.tables)
