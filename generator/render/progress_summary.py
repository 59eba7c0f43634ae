"""The progress summary: the headline figures, the RAG table by section, its key and chart."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from docx.oxml.parser import parse_xml
from docx.shared import Cm

from generator.common.plurals import plural, word_for
from generator.common.ukdates import percentages, uk_date
from generator.model.plan import Plan
from generator.render.chart import chart_alt_text, chart_png
from generator.render.context import Context
from generator.render.tables import Column, Styled, readable_text_colour
from generator.schema.status import StatusKey

NO_STATUS = "No status"
NO_SECTION = "No section"
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@dataclass(frozen=True)
class SectionCounts:
    """One row of the RAG table."""

    section: str
    total: int
    counts: dict[str, int]  # per status name in key order
    unknown: int  # actions with no status, or one outside the key


def section_counts(plan: Plan) -> list[SectionCounts]:
    """Counts per section in the Sections sheet's order."""
    rows = []
    for name, actions in plan.actions_by_section().items():
        counts = plan.status_counts(actions)
        rows.append(SectionCounts(name, len(actions), counts, len(actions) - sum(counts.values())))
    return rows


def headline(plan: Plan) -> str:
    """ "Of the 62 actions in the plan, 14 (23%) are Blue – completed, ..."."""
    total = len(plan.actions)
    if total == 0:
        return "The plan has no actions yet."
    counts = plan.status_counts()
    unknown = total - sum(counts.values())
    figures = [*counts.values(), *([unknown] if unknown else [])]
    shares = percentages(figures)
    labels = [status.label for status in plan.key.statuses] + (
        [NO_STATUS.lower()] if unknown else []
    )
    parts = [
        f"{count:,} ({share}%) {label}"
        for count, share, label in zip(figures, shares, labels, strict=True)
    ]
    listed = f"{', '.join(parts[:-1])} and {parts[-1]}" if len(parts) > 1 else parts[0]
    return f"Of the {plural(total, 'action')} in the plan, {listed}."


def at_a_glance(plan: Plan, as_of: dt.date) -> str:
    """ "Of the plan's 62 actions, 14 (23%) are complete, 13 are overdue and 11 are due by ..."."""
    total = len(plan.actions)
    if total == 0:
        return "The plan has no actions yet."
    complete = sum(1 for action in plan.actions if action.is_complete(plan.key))
    share = percentages([complete, total - complete])[0]
    overdue, soon = len(plan.overdue(as_of)), len(plan.due_soon(as_of))
    return (
        f"Of the plan's {plural(total, 'action')}, {_some(complete)} ({share}%) "
        f"{_be(complete)} complete, {_some(overdue)} {_be(overdue)} overdue and {_some(soon)} "
        f"{_be(soon)} due by {uk_date(plan.lookahead_until(as_of))}."
    )


def _be(count: int) -> str:
    return word_for(count, "is", "are")


def _some(count: int) -> str:
    """ "none" rather than "0" where a count stands for the actions themselves."""
    return f"{count:,}" if count else "none"


def progress_summary(ctx: Context, *, chart: bool = True) -> None:
    """Headline, overdue and due-soon counts, the RAG table, the key and the chart."""
    plan, key = ctx.plan, ctx.plan.key
    ctx.heading("Progress summary")
    ctx.numbered(headline(plan))
    overdue, soon = len(plan.overdue(ctx.as_of)), len(plan.due_soon(ctx.as_of))
    until = uk_date(plan.lookahead_until(ctx.as_of))
    ctx.numbered(
        f"At {uk_date(ctx.as_of)}, {plural(overdue, 'action') if overdue else 'no actions'} "
        f"{_be(overdue)} overdue and {_some(soon)} {_be(soon)} due by {until}."
    )
    ctx.numbered("The table below shows the RAG ratings for actions in each section of the plan.")

    rows = section_counts(plan)
    show_unknown = any(row.unknown for row in rows)
    columns = [
        Column("Section of plan", 3.0),
        Column("Total number of actions", 1.3, "center", minimum_cm=1.8),
        *status_columns(key),
    ]
    if show_unknown:
        columns.append(Column(NO_STATUS, 1.1, "center"))

    def cells(name: str, total: int, counts: dict[str, int], unknown: int) -> list:
        values: list = [name, f"{total:,}"]
        for status in key.statuses:
            count = counts.get(status.name, 0)
            values.append(Styled(f"{count:,}", _tint(status.colour) if count else ""))
        if show_unknown:
            values.append(f"{unknown:,}")
        return values

    totals = plan.status_counts()
    ctx.table(
        columns,
        [
            cells(ctx.clean(row.section) or NO_SECTION, row.total, row.counts, row.unknown)
            for row in rows
        ],
        caption="RAG ratings for actions in each section of the plan",
        total=cells("Total", len(plan.actions), totals, sum(row.unknown for row in rows)),
    )
    status_key(ctx)
    if chart and plan.actions:
        progress_chart(ctx, rows)


def status_columns(key: StatusKey) -> list[Column]:
    """A column of counts per status, headed by the status shaded and named."""
    return [
        Column(
            Styled(status.label, status.colour, readable_text_colour(status), bold=True),
            1.35,
            "center",
            minimum_cm=2.2,
        )
        for status in key.statuses
    ]


def status_key(ctx: Context) -> None:
    """The key beneath the table: each status shaded, named and explained."""
    paragraph = ctx.paragraph("Status key: ")
    paragraph.paragraph_format.space_before = Cm(0.2)
    for index, status in enumerate(ctx.plan.key.statuses):
        swatch = paragraph.add_run(f"\u00a0{status.name}\u00a0")
        swatch.bold = True
        properties = swatch._r.get_or_add_rPr()
        properties.append(parse_xml(f'<w:color {_W} w:val="{readable_text_colour(status)}"/>'))
        properties.append(
            parse_xml(f'<w:shd {_W} w:val="clear" w:color="auto" w:fill="{status.colour}"/>')
        )
        ending = "; " if index < len(ctx.plan.key.statuses) - 1 else "."
        paragraph.add_run(f" – {status.meaning}{ending}" if status.meaning else ending)


def progress_chart(ctx: Context, rows: list[SectionCounts]) -> None:
    """The chart of the same figures, with the numbers in its alt text."""
    data = [(ctx.clean(row.section) or NO_SECTION, row.counts) for row in rows]
    png = chart_png(data, ctx.plan.key)
    paragraph = ctx.paragraph()
    paragraph.paragraph_format.keep_with_next = True
    shape = paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", chart_alt_text(data, ctx.plan.key))
    doc_pr.set("title", "Actions by status and section")
    ctx.figure_caption("Actions by status and section")


def _tint(colour: str, share: float = 0.28) -> str:
    """A pale version of a status colour, for count cells that should not shout."""
    try:
        channels = [int(colour[i : i + 2], 16) for i in (0, 2, 4)]
    except ValueError:
        return ""
    return "".join(f"{round(255 - (255 - c) * share):02X}" for c in channels)


def progress_by_section(ctx: Context) -> None:
    """ "Progress by section": each section's figures, lead and commentary as prose (seed 003
    §4, seed 004 §2), when the Sections sheet has commentary to tell."""
    plan = ctx.plan
    sections = {section.name: section for section in plan.sections}
    if not any(section.commentary.strip() for section in plan.sections):
        return
    ctx.heading("Progress by section")
    late = {id(action) for action in plan.overdue(ctx.as_of)}
    grouped = plan.actions_by_section()  # once: per section it cost sections × actions
    for row in section_counts(plan):
        section = sections.get(row.section)
        ctx.heading(ctx.clean(row.section) or NO_SECTION, 2)
        counts = [
            f"{row.counts.get(status.name, 0):,} {status.name}" for status in plan.key.statuses
        ]
        listed = f"{', '.join(counts[:-1])} and {counts[-1]}" if len(counts) > 1 else counts[0]
        overdue = sum(1 for a in grouped.get(row.section, []) if id(a) in late)
        lead = ctx.clean(section.lead).strip() if section else ""
        ctx.numbered(
            f"{plural(row.total, 'action')}: {listed}"
            + (f"; {overdue:,} overdue" if overdue else "")
            + "."
            + (f" Section lead: {lead}." if lead else "")
        )
        if section is not None:
            ctx.numbered_lines(ctx.clean(section.commentary))
