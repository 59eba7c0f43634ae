"""Changes since the last report (``--previous``): status moves, new, removed, re-dated actions
and each section's direction of travel."""

from __future__ import annotations

from generator.common.plurals import plural
from generator.common.ukdates import duration, uk_date
from generator.model.changes import PlanChanges, SectionTrend, changes_headline
from generator.model.plan import Action
from generator.render.context import Context
from generator.render.tables import (
    DATE_CM,
    DURATION_CM,
    REF_CM,
    STATUS_CM,
    TEXT_CM,
    Column,
    Styled,
)

_TRAVEL = {
    "improving": ("Improving", "E2EFDA"),
    "worsening": ("Worsening", "FCE4D6"),
    "no change": ("No change", ""),
}
_MOVES = {"better": "Improved", "worse": "Worse", "same": "Changed"}


def changes_since_last_report(ctx: Context, changes: PlanChanges) -> None:
    """The section, with only the tables that have rows."""
    ctx.heading("Changes since the last report")
    ctx.numbered(changes_headline(changes))

    def ref(action: Action) -> str:
        return ctx.clean(action.ref)

    def what(action: Action) -> str:
        return ctx.clean(action.action)

    if changes.section_trends:
        ctx.heading("Direction of travel by section", 2)
        ctx.table(
            [
                Column("Section", 4.6, minimum_cm=TEXT_CM),
                Column("Last report", 5.0),
                Column("This report", 5.0),
                Column("Direction of travel", 0, minimum_cm=2.1),
            ],
            (
                [
                    ctx.clean(trend.section),
                    _counts(trend, previous=True),
                    _counts(trend, previous=False),
                    Styled(*_TRAVEL.get(trend.direction, (trend.direction, ""))),
                ]
                for trend in changes.section_trends
            ),
            caption="Direction of travel by section",
        )
        ctx.paragraph()
    if changes.status_changes:
        ctx.heading("Changes of status", 2)
        ctx.table(
            [
                Column("Ref", 0, minimum_cm=REF_CM),
                Column("Action", 6.3, minimum_cm=TEXT_CM),
                Column("Section", 3.4, minimum_cm=TEXT_CM),
                Column("Was", 0, "center", minimum_cm=STATUS_CM),
                Column("Now", 0, "center", minimum_cm=STATUS_CM),
                Column("Change", 0, minimum_cm=DURATION_CM),
            ],
            (
                [
                    ctx.clean(change.ref),
                    ctx.clean(change.action),
                    ctx.clean(change.section),
                    ctx.status(change.was),
                    ctx.status(change.now),
                    _MOVES.get(change.direction, change.direction),
                ]
                for change in changes.status_changes
            ),
            caption="Actions whose status has changed since the last report",
        )
        ctx.paragraph()
    if changes.new_actions:
        ctx.heading("New actions", 2)
        ctx.table(
            [
                Column("Ref", 0, minimum_cm=REF_CM),
                Column("Action", 7.0, minimum_cm=TEXT_CM),
                Column("Section", 4.7, minimum_cm=TEXT_CM),
                Column("Due", 0, minimum_cm=DATE_CM),
                Column("Status", 0, "center", minimum_cm=STATUS_CM),
            ],
            (
                [
                    ref(a),
                    what(a),
                    ctx.clean(a.section),
                    uk_date(a.effective_due_date),
                    ctx.status(a.status),
                ]
                for a in changes.new_actions
            ),
            caption="Actions added since the last report",
        )
        ctx.paragraph()
    if changes.removed_actions:
        ctx.heading("Removed actions", 2)
        ctx.table(
            [
                Column("Ref", 0, minimum_cm=REF_CM),
                Column("Action", 8.0, minimum_cm=TEXT_CM),
                Column("Section", 5.5, minimum_cm=TEXT_CM),
                Column("Last status", 0, "center", minimum_cm=1.9),
            ],
            (
                [
                    ctx.clean(a.ref),
                    ctx.clean(a.action),
                    ctx.clean(a.section),
                    ctx.status(a.status),
                ]
                for a in changes.removed_actions
            ),
            caption="Actions in the last report that are no longer in the plan",
        )
        ctx.paragraph()
    if changes.redated:
        ctx.heading("Due dates moved since the last report", 2)
        ctx.table(
            [
                Column("Ref", 0, minimum_cm=REF_CM),
                Column("Action", 8.2, minimum_cm=TEXT_CM),
                Column("Was due", 0, minimum_cm=DATE_CM),
                Column("Now due", 0, minimum_cm=DATE_CM),
                Column("Moved by", 0, minimum_cm=DURATION_CM),
            ],
            (
                [
                    ref(now),
                    what(now),
                    uk_date(was.effective_due_date),
                    uk_date(now.effective_due_date),
                    duration(_days_moved(was, now)),
                ]
                for was, now in changes.redated
            ),
            caption="Actions whose due date has moved later since the last report",
        )
        ctx.paragraph()


def _days_moved(was: Action, now: Action) -> int:
    if was.effective_due_date and now.effective_due_date:
        return (now.effective_due_date - was.effective_due_date).days
    return 0


def _counts(trend: SectionTrend, *, previous: bool) -> str:
    counts = trend.previous if previous else trend.current
    total = trend.previous_total if previous else trend.current_total
    if not total:
        return "No actions"
    listed = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    return f"{plural(total, 'action')}: {listed}"
