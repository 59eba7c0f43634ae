"""The front sheet, the summary and the recommendations: the first page a member reads."""

from __future__ import annotations

from docx.shared import Cm, Pt

from generator.common.ukdates import uk_date
from generator.render.context import Context
from generator.render.tables import Column
from generator.schema.fields import REPORT

REPORT_SHEET = REPORT.sheet
DEFAULT_TITLE = "Improvement Plan Progress Update"
_BODIES = ("Committee", "Cabinet", "Panel", "Board", "Council", "Forum", "Group")


def body_name(meeting: str) -> str:
    """Who is asked to decide: "the Committee" for a scrutiny committee, else "the Board"."""
    words = meeting.title().split()
    for body in _BODIES:
        if body in words:
            return f"the {body}"
    return "the Board"


def front_sheet(ctx: Context) -> None:
    """Organisation, title and the report-details table, in the shape of seeds 001 and 003."""
    fields = ctx.plan.report

    def text(column: str, value: str) -> str:
        return ctx.clean(value)

    if fields.organisation:
        ctx.paragraph(text("Organisation", fields.organisation), ctx.house.subtitle)
    ctx.paragraph(text("Title", fields.title) or DEFAULT_TITLE, ctx.house.title)
    access = text("Public or exempt", fields.access).strip()
    exempt = access.casefold().startswith("exempt") or bool(fields.exempt_paragraph.strip())
    rows = [
        ("Agenda item", text("Agenda item", fields.agenda_item)),
        ("Date of meeting", uk_date(fields.meeting_date)),
        ("Report of", text("Report of", fields.report_of)),
        ("Portfolio holder", text("Portfolio holder", fields.portfolio_holder)),
        ("Author", text("Author", fields.author)),
        ("Contact officer", text("Contact", fields.contact)),
        ("Classification", text("Classification", fields.classification)),
        ("Public or exempt", "Exempt" if exempt else access),
        ("Key decision", text("Key decision", fields.key_decision)),
        ("Ward(s) affected", text("Wards", fields.wards)),
        ("Position as at", uk_date(ctx.as_of)),
    ]
    ctx.table(
        [
            Column("Meeting", 1.0),
            Column(text("Meeting", fields.meeting) or "Improvement Board", 2.4),
        ],
        [row for row in rows if row[1]],
        caption="Report details",
    )
    if exempt:
        statement = ctx.paragraph()
        statement.paragraph_format.space_before = Pt(6)
        notice = statement.add_run(exempt_notice(text("Exempt paragraph", fields.exempt_paragraph)))
        notice.bold = True


def exempt_notice(paragraph: str) -> str:
    """The statutory words for an exempt report, naming the paragraph of Schedule 12A."""
    number = paragraph.strip().removeprefix("paragraph").removeprefix("Paragraph").strip()
    which = f"paragraph {number} of " if number else ""
    return (
        f"Not for publication by virtue of {which}Part 1 of Schedule 12A to the Local "
        "Government Act 1972."
    )


def purpose(ctx: Context) -> None:
    """ "Purpose of the report", as seeds 001 and 003 open, when the Report sheet gives one."""
    typed = ctx.clean(ctx.plan.report.purpose)
    if typed.strip():
        ctx.heading("Purpose of the report")
        ctx.numbered_lines(typed)


def background(ctx: Context) -> None:
    """The Report sheet's Background (the inspection, the plan so far), when given."""
    typed = ctx.clean(ctx.plan.report.background)
    if typed.strip():
        ctx.heading("Background")
        ctx.numbered_lines(typed)


def summary(ctx: Context, headline: str) -> None:
    """The Report sheet's Summary, or a plain opening with ``headline``'s figures."""
    ctx.heading("Summary")
    typed = ctx.clean(ctx.plan.report.summary)
    paragraphs = [part.strip() for part in typed.split("\n") if part.strip()]
    if not paragraphs:
        board = body_name(ctx.plan.report.meeting)
        paragraphs = [
            f"This report updates {board} on progress against the improvement plan as at "
            f"{uk_date(ctx.as_of)}.",
            headline,
        ]
    for paragraph in paragraphs:
        ctx.numbered(paragraph)


def recommendations(ctx: Context) -> None:
    """ "The Board is asked to:" and the numbered recommendations, "1) ...", as seed 004 has."""
    ctx.heading("Recommendations")
    items = [ctx.clean(item).strip() for item in ctx.plan.report.recommendations]
    items = [item for item in items if item] or [
        f"note the progress made against the improvement plan as at {uk_date(ctx.as_of)}."
    ]
    board = body_name(ctx.plan.report.meeting)
    ctx.numbered(f"{board[0].upper()}{board[1:]} is asked to:")
    for number, item in enumerate(items, start=1):
        paragraph = ctx.paragraph(f"{number})\t{item}")
        layout = paragraph.paragraph_format
        layout.left_indent = Cm(2.25)
        layout.first_line_indent = Cm(-1)
        layout.tab_stops.add_tab_stop(Cm(2.25))
