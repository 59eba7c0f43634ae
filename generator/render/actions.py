"""The action lists a board asks about: overdue, re-dated, and due before the next meeting."""

from __future__ import annotations

from collections.abc import Sequence

from generator.common.plurals import plural, word_for
from generator.common.ukdates import duration, uk_date
from generator.model.plan import Action
from generator.render.context import Context
from generator.render.tables import DATE_CM, REF_CM, STATUS_CM, TEXT_CM, Cell, Column
from generator.schema.fields import REPORT

REPORT_SHEET = REPORT.sheet


def _ref(ctx: Context, action: Action) -> str:
    return ctx.clean(action.ref)


def _status(ctx: Context, action: Action) -> Cell:
    return ctx.status(action.status)


def _update(ctx: Context, action: Action) -> str:
    return ctx.clean(action.progress_update)


def overdue_actions(ctx: Context) -> None:
    """Overdue actions grouped by section, most overdue first, with how long and the update."""
    ctx.heading("Overdue actions")
    late = ctx.plan.overdue(ctx.as_of)
    if not late:
        ctx.numbered(f"No actions are overdue at {uk_date(ctx.as_of)}.")
        return
    ctx.numbered(
        f"{plural(len(late), 'action')} {word_for(len(late), 'is', 'are')} overdue at "
        f"{uk_date(ctx.as_of)}: the due date (the revised due date where one was set) has "
        "passed and the action is not complete. Most overdue first in each section."
    )
    by_section = ctx.plan.actions_by_section(late)  # most overdue first within each section
    # How long overdue sits under the date it was due, so the update gets the width.
    columns = [
        Column("Ref", 0, minimum_cm=REF_CM),
        Column("Action", 3.8, minimum_cm=TEXT_CM),
        Column("Lead", 2.8, minimum_cm=TEXT_CM),
        Column("Due", 0, minimum_cm=DATE_CM),
        Column("Status", 0, "center", minimum_cm=STATUS_CM),
        Column("Latest update", 4.4, minimum_cm=TEXT_CM),
    ]
    for section, actions in by_section.items():
        if not actions:
            continue
        name = ctx.clean(section) or "No section"
        ctx.heading(name, 2)
        ctx.table(
            columns,
            (
                [
                    _ref(ctx, a),
                    ctx.clean(a.action),
                    ctx.clean(a.lead),
                    f"{uk_date(a.effective_due_date)}\n"
                    f"{duration(a.days_overdue(ctx.as_of))} overdue",
                    _status(ctx, a),
                    _update(ctx, a),
                ]
                for a in actions
            ),
            caption=f"Overdue actions: {name}",
        )
        ctx.paragraph()


def slippage(ctx: Context) -> None:
    """Actions given a revised due date later than first planned, and by how much."""
    ctx.heading("Re-dated actions")
    moved = ctx.plan.slipped()
    if not moved:
        ctx.numbered("No action has been given a later due date than first planned.")
        return
    ctx.numbered(
        f"{plural(len(moved), 'action')} {word_for(len(moved), 'has', 'have')} a revised due "
        "date later than first planned, most re-dated first."
    )
    ctx.table(
        [
            Column("Ref", 0, minimum_cm=REF_CM),
            Column("Action", 4.9, minimum_cm=TEXT_CM),
            Column("Lead", 3.0, minimum_cm=TEXT_CM),
            Column("Due date", 0, minimum_cm=DATE_CM),
            Column("Revised due date", 0, minimum_cm=DATE_CM),
            Column("Status", 0, "center", minimum_cm=STATUS_CM),
        ],
        (
            [
                _ref(ctx, a),
                ctx.clean(a.action),
                ctx.clean(a.lead),
                uk_date(a.due_date),
                f"{uk_date(a.revised_due_date)}\n{duration(a.slippage_days)} later",
                _status(ctx, a),
            ]
            for a in moved
        ),
        caption="Actions re-dated later than first planned",
    )
    ctx.paragraph()


def undated(ctx: Context) -> None:
    """Open actions without a target date, with the date as the plan wrote it ("TBC")."""
    actions = ctx.plan.undated()
    if not actions:
        return
    ctx.heading("Actions without a target date")
    ctx.numbered(
        f"{plural(len(actions), 'open action')} {word_for(len(actions), 'has', 'have')} no "
        "target date, so cannot be overdue: the plan says when as shown."
    )
    ctx.table(
        [
            Column("Ref", 0, minimum_cm=REF_CM),
            Column("Action", 5.0, minimum_cm=TEXT_CM),
            Column("Section", 3.0, minimum_cm=TEXT_CM),
            Column("Lead", 3.2, minimum_cm=TEXT_CM),
            Column("Due date as written", 0, minimum_cm=DATE_CM),
            Column("Status", 0, "center", minimum_cm=STATUS_CM),
        ],
        (
            [
                _ref(ctx, a),
                ctx.clean(a.action),
                ctx.clean(a.section),
                ctx.clean(a.lead),
                ctx.clean(a.no_date_reason) or "Not given",
                _status(ctx, a),
            ]
            for a in actions
        ),
        caption="Actions without a target date",
    )
    ctx.paragraph()


def next_steps(ctx: Context) -> None:
    """The Report sheet's Next steps, then the actions due before the next meeting."""
    ctx.heading("Next steps")
    typed = ctx.clean(ctx.plan.report.next_steps)
    ctx.numbered_lines(typed)
    soon = ctx.plan.due_soon(ctx.as_of)
    until = ctx.plan.lookahead_until(ctx.as_of)
    meeting = ctx.plan.report.next_meeting_date
    by = (
        f"by the next meeting on {uk_date(until)}"
        if meeting is not None and meeting == until
        else f"in the next six weeks, by {uk_date(until)}"
    )
    if not soon:
        ctx.numbered(f"No open actions are due {by}.")
        return
    ctx.numbered(
        f"{plural(len(soon), 'action')} {word_for(len(soon), 'is', 'are')} due {by}, soonest first:"
    )
    _due_table(ctx, soon)


def _due_table(ctx: Context, actions: Sequence[Action]) -> None:
    ctx.table(
        [
            Column("Ref", 0, minimum_cm=REF_CM),
            Column("Action", 5.0, minimum_cm=TEXT_CM),
            Column("Section", 3.0, minimum_cm=TEXT_CM),
            Column("Lead", 3.2, minimum_cm=TEXT_CM),
            Column("Due", 0, minimum_cm=DATE_CM),
            Column("Status", 0, "center", minimum_cm=STATUS_CM),
        ],
        (
            [
                _ref(ctx, a),
                ctx.clean(a.action),
                ctx.clean(a.section),
                ctx.clean(a.lead),
                uk_date(a.effective_due_date),
                _status(ctx, a),
            ]
            for a in actions
        ),
        caption="Actions due before the next meeting",
    )
    ctx.paragraph()
