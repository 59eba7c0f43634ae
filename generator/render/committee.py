"""The parts of a committee paper that the Report sheet writes: key issues, options,
consultation, implications, background papers and the list of appendices.

Each appears only when the Report sheet gives it, in the order seeds 001 and 003 use, so a
workbook without them keeps the short default paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Implication:
    """One kind of implication, with who was consulted on it and when (seed 001 §7)."""

    heading: str
    text: str
    officer: str
    date: dt.date | None
    officer_label: str


def implications(ctx: Context) -> None:
    """Financial, legal, equalities and risk implications, each with its officer and date."""
    fields = ctx.plan.report
    kinds = [
        Implication(
            "Financial implications",
            _typed(ctx, "Financial implications", fields.financial_implications),
            _typed(ctx, "Financial implications officer", fields.financial_officer),
            fields.financial_date,
            "Finance officer consulted",
        ),
        Implication(
            "Legal implications",
            _typed(ctx, "Legal implications", fields.legal_implications),
            _typed(ctx, "Legal implications officer", fields.legal_officer),
            fields.legal_date,
            "Lawyer consulted",
        ),
        Implication(
            "Equalities implications",
            _typed(ctx, "Equalities implications", fields.equalities_implications),
            _typed(ctx, "Equalities implications officer", fields.equalities_officer),
            fields.equalities_date,
            "Equalities officer consulted",
        ),
        Implication(
            "Risk implications",
            _typed(ctx, "Risk implications", fields.risk_implications),
            _typed(ctx, "Risk implications officer", fields.risk_officer),
            fields.risk_date,
            "Risk officer consulted",
        ),
    ]
    given = [kind for kind in kinds if kind.text or kind.officer or kind.date]
    if not given:
        return
    ctx.heading("Implications")
    for kind in given:
        ctx.heading(kind.heading, 2)
        ctx.numbered_lines(kind.text or "None identified.")
        consulted = [
            part
            for part in (
                f"{kind.officer_label}: {kind.officer}" if kind.officer else "",
                f"Date: {uk_date(kind.date)}" if kind.date else "",
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
