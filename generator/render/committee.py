"""The parts of a committee paper that the Report sheet writes: key issues, options,
consultation, implications, background papers and the list of appendices.

Each appears only when the Report sheet gives it, in the order seeds 001 and 003 use, so a
workbook without them keeps the short default paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from generator.common.ukdates import uk_date
from generator.render.context import Context
from generator.schema.fields import REPORT

REPORT_SHEET = REPORT.sheet
#: Seed 003 §9: the Act under which background papers are listed.
ACCESS_TO_INFORMATION = (
    "Used to prepare this report, in accordance with the Local Government (Access to "
    "Information) Act 1985:"
)


def _typed(ctx: Context, field: str, value: str) -> str:
    return ctx.clean(value).strip()


def key_issues(ctx: Context) -> None:
    """ "Key issues": what has delayed progress (seed 004 §3, seed 003 §5)."""
    text = _typed(ctx, "Key issues", ctx.plan.report.key_issues)
    if text:
        ctx.heading("Key issues")
        ctx.numbered_lines(text)


def options(ctx: Context) -> None:
    """ "Options considered" (seed 001 §5)."""
    text = _typed(ctx, "Options considered", ctx.plan.report.options)
    if text:
        ctx.heading("Options considered")
        ctx.numbered_lines(text)


def consultation(ctx: Context) -> None:
    """ "Consultation" (seed 001 §6, seed 003 §7)."""
    text = _typed(ctx, "Consultation", ctx.plan.report.consultation)
    if text:
        ctx.heading("Consultation")
        ctx.numbered_lines(text)


#: Each kind of implication: its heading, the ReportFields it is read from, and how the
#: officer consulted is named (seed 001 §7: "Finance Officer Consulted", "Lawyer Consulted").
_IMPLICATIONS = (
    ("Financial implications", "financial", "Finance officer consulted"),
    ("Legal implications", "legal", "Lawyer consulted"),
    ("Equalities implications", "equalities", "Equalities officer consulted"),
    ("Risk implications", "risk", "Risk officer consulted"),
)


def implications(ctx: Context) -> None:
    """Financial, legal, equalities and risk implications, each with its officer and date."""
    fields = ctx.plan.report
    given = []
    for heading, kind, officer_label in _IMPLICATIONS:
        text = _typed(ctx, heading, getattr(fields, f"{kind}_implications"))
        officer = _typed(ctx, heading, getattr(fields, f"{kind}_officer"))
        date: dt.date | None = getattr(fields, f"{kind}_date")
        if text or officer or date:
            given.append((heading, text, officer, date, officer_label))
    if not given:
        return
    ctx.heading("Implications")
    for heading, text, officer, date, officer_label in given:
        ctx.heading(heading, 2)
        ctx.numbered_lines(text or "None identified.")
        consulted = [
            part
            for part in (
                f"{officer_label}: {officer}" if officer else "",
                f"Date: {uk_date(date)}" if date else "",
            )
            if part
        ]
        if consulted:
            ctx.paragraph("\t".join(consulted)).paragraph_format.left_indent = ctx.number_indent


def background_papers(ctx: Context) -> None:
    """The background papers, listed under the Access to Information Act (seed 003 §9)."""
    papers = [
        _typed(ctx, "Background papers", paper) for paper in ctx.plan.report.background_papers
    ]
    papers = [paper for paper in papers if paper]
    if not papers:
        return
    ctx.heading("Background papers")
    ctx.paragraph(ACCESS_TO_INFORMATION)
    for paper in papers:
        ctx.numbered(paper)


def appendix_list(ctx: Context, ours: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """ "Appendices": the report's own (letter, title), then those the Report sheet adds,
    lettered on. Returns every appendix listed."""
    listed = list(ours)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for item in ctx.plan.report.appendices:
        title = _typed(ctx, "Appendices", item)
        if title and len(listed) < len(letters):
            listed.append((letters[len(listed)], title))
    ctx.heading("Appendices")
    for letter, title in listed:
        ctx.numbered(f"Appendix {letter}: {title}")
    return listed
