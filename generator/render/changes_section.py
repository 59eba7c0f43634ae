"""Changes since the last report (``--previous``): status moves, new, removed, re-dated actions
and each section's direction of travel."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from generator.common.plurals import plural, word_for
from generator.common.ukdates import duration, uk_date
from generator.model.changes import PlanChanges, SectionTrend, StatusChange, status_rank
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
from generator.schema.status import StatusKey

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


# --- the headline: what changed, in one UK-English sentence -------------------------------


def describe_direction(changes: Iterable[StatusChange]) -> str:
    """A clause such as "3 actions have improved and 2 have got worse"; "" when none changed.

    Changes to or from a missing status are counted as "changed status" without a direction.
    """
    return _join(_name_first(_direction_clauses(changes)))


def changes_headline(changes: PlanChanges) -> str:
    """One UK-English sentence for the report, for example: "Since the last report, 4 actions
    have been completed, 2 have moved from Green to Amber and 3 new actions have been added."

    Up to three kinds of move between statuses are listed; beyond that the moves are
    summarised as improved or got worse, to keep the sentence readable.
    """
    completed = changes.completed
    key = changes.key
    moves = Counter(
        (change.was, change.now) for change in changes.status_changes if not change.completed
    )
    status_clauses = [_clause(len(completed), "been completed")]
    if len(moves) <= 3:
        status_clauses += [
            _clause(count, f"moved from {_status_words(was)} to {_status_words(now)}")
            for (was, now), count in sorted(
                moves.items(), key=lambda item: (-item[1], *_move_order(item[0], key))
            )
        ]
    else:
        others = [change for change in changes.status_changes if not change.completed]
        status_clauses += _direction_clauses(others)
    clauses = _name_first([clause for clause in status_clauses if clause])
    clauses += [
        _counted(len(changes.new_actions), "new action", "been added"),
        _counted(len(changes.removed_actions), "action", "been removed"),
        _counted(len(changes.redated), "due date", "moved later"),
    ]
    clauses = [clause for clause in clauses if clause]
    if not clauses:
        return "Since the last report, no action has changed status, been added or been removed."
    return f"Since the last report, {_join(clauses)}."


def _direction_clauses(changes: Iterable[StatusChange]) -> list[str]:
    counts = Counter(change.direction for change in changes)
    clauses = (
        _clause(counts["better"], "improved"),
        _clause(counts["worse"], "got worse"),
        _clause(counts["same"], "changed status"),
    )
    return [clause for clause in clauses if clause]


def _move_order(move: tuple[str | None, str | None], key: StatusKey) -> tuple[int, int]:
    """Moves listed by where they came from, then where to, best status first."""
    unranked = len(key.statuses)
    was, now = (status_rank(status, key) for status in move)
    return (unranked if was is None else was, unranked if now is None else now)


def _status_words(status: str | None) -> str:
    return status if status else "no status"


def _clause(count: int, participle: str) -> str:
    """A clause like "2 have moved ..." ("" for none); _name_first adds the noun."""
    if not count:
        return ""
    return f"{count} {word_for(count, 'has', 'have')} {participle}"


def _name_first(clauses: list[str]) -> list[str]:
    """Name the noun once: "4 actions have been completed, 2 have moved ..."."""
    if not clauses:
        return []
    count, rest = clauses[0].split(" ", 1)
    return [f"{count} {word_for(int(count), 'action')} {rest}", *clauses[1:]]


def _counted(count: int, noun: str, participle: str) -> str:
    """A clause like "3 new actions have been added" or "1 due date has moved later"."""
    if not count:
        return ""
    return f"{plural(count, noun)} {word_for(count, 'has', 'have')} {participle}"


def _join(clauses: list[str]) -> str:
    """Clauses joined as "a, b and c", without the serial comma UK reports do not use."""
    if len(clauses) <= 1:
        return "".join(clauses)
    return f"{', '.join(clauses[:-1])} and {clauses[-1]}"
