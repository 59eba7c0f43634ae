"""The plan as the report sees it: actions, sections, report fields, measures, recipients.

Everything here is plain data built from an already-read workbook. Nothing in this module
knows about cells, openpyxl or Word; the report and the mailer are fed from a ``Plan``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.schema.derived import effective_due

# The Report sheet's fields are bound to rules.yaml with the other sheets' columns.
from generator.schema.fields import ReportFields
from generator.schema.status import StatusKey

DEFAULT_LOOKAHEAD = dt.timedelta(weeks=6)


@dataclass(frozen=True)
class Action:
    """One row of the Actions sheet, with values already parsed."""

    ref: str
    section: str
    action: str
    lead: str = ""
    recommendation: str = ""
    partners: str = ""
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    revised_due_date: dt.date | None = None
    completed_date: dt.date | None = None
    status: str | None = None  # a canonical status name from the key, e.g. "Blue"
    progress_update: str = ""
    evidence_of_impact: str = ""
    last_updated: dt.date | None = None
    row: int = 0  # the row number in the workbook, for pointing people at the source
    # What the plan typed where the target date would be, when it names no single day
    # ("Ongoing", "TBC", "End of May", "Monthly"): shown in the report in place of a date.
    no_date_reason: str = ""

    @property
    def effective_due_date(self) -> dt.date | None:
        """The Revised due date if there is one, else the Due date; none when the target was
        typed as text naming no day (``no_date_reason``: a Revised due date "Autumn term")."""
        return effective_due(
            self.due_date, self.revised_due_date, typed_without_day=bool(self.no_date_reason)
        )[0]

    def is_complete(self, key: StatusKey) -> bool:
        return key.is_complete(self.status)

    def is_overdue(self, as_of: dt.date, key: StatusKey) -> bool:
        """Not complete and the effective due date is before the as-of date (due today is not)."""
        due = self.effective_due_date
        return due is not None and due < as_of and not self.is_complete(key)

    def days_overdue(self, as_of: dt.date) -> int:
        due = self.effective_due_date
        return (as_of - due).days if due is not None else 0

    def is_due_soon(self, as_of: dt.date, until: dt.date, key: StatusKey) -> bool:
        """Not complete and due between the as-of date and ``until``, both days included."""
        due = self.effective_due_date
        return due is not None and as_of <= due <= until and not self.is_complete(key)

    def is_stale(self, as_of: dt.date, after_days: int) -> bool:
        """Last updated more than ``after_days`` days before the as-of date."""
        last = self.last_updated
        return last is not None and last < as_of - dt.timedelta(days=after_days)

    @property
    def slippage_days(self) -> int:
        """How many days the action has been re-dated by (0 when it has not moved later)."""
        if self.due_date and self.revised_due_date:
            return max(0, (self.revised_due_date - self.due_date).days)
        return 0


@dataclass(frozen=True)
class Section:
    """A section of the plan; the Sections sheet's order is the report's order."""

    name: str
    lead: str = ""
    commentary: str = ""


@dataclass(frozen=True)
class Measure:
    """A performance indicator from the Measures sheet."""

    name: str
    section: str = ""
    unit: str = ""
    target: float | str | None = None
    previous: float | str | None = None
    current: float | str | None = None
    better: str = "higher"  # "higher" or "lower"
    commentary: str = ""
    # How Excel shows target, previous and current: number format codes ("0%", "#,##0.0"),
    # "" for General or where the workbook does not say (.xls, .ods).
    formats: tuple[str, str, str] = ("", "", "")

    @property
    def direction(self) -> str:
        """ "improving", "worsening", "no change" or "" when it cannot be told."""
        if not isinstance(self.previous, (int, float)) or not isinstance(
            self.current, (int, float)
        ):
            return ""
        if self.current == self.previous:
            return "no change"
        up = self.current > self.previous
        return "improving" if up == (self.better != "lower") else "worsening"

    @property
    def meets_target(self) -> bool | None:
        if not isinstance(self.target, (int, float)) or not isinstance(self.current, (int, float)):
            return None
        if self.better == "lower":
            return self.current <= self.target
        return self.current >= self.target


@dataclass(frozen=True)
class Recommendation:
    """A row of the Recommendations sheet: what the inspectors or peer reviewers asked for.

    Not the Report sheet's recommendations to the board (``ReportFields.recommendations``).
    """

    ref: str
    text: str
    source: str = ""
    lead: str = ""
    row: int = 0  # the row number in the workbook


@dataclass(frozen=True)
class Recipient:
    """A row of the Distribution sheet."""

    name: str
    email: str
    role: str = ""


@dataclass
class Plan:
    """The whole plan: what a report or an email is made from."""

    actions: list[Action]
    sections: list[Section]
    key: StatusKey
    report: ReportFields = field(default_factory=ReportFields)
    measures: list[Measure] = field(default_factory=list)
    distribution: list[Recipient] = field(default_factory=list)
    # The Recommendations sheet's rows; empty when the workbook has none.
    recommendations: list[Recommendation] = field(default_factory=list)
    source_name: str = ""
    source_sha256: str = ""

    def section_names(self) -> list[str]:
        """Sections in report order: the Sections sheet's, then any found only in Actions."""
        names = [section.name for section in self.sections]
        seen = set(names)
        for action in self.actions:
            if action.section and action.section not in seen:
                seen.add(action.section)
                names.append(action.section)
        return names

    def actions_by_section(
        self, actions: Iterable[Action] | None = None
    ) -> dict[str, list[Action]]:
        """``actions`` (all of them by default) grouped by section, in report order.

        Every section appears, empty or not; within a section the given order is kept.
        """
        grouped: dict[str, list[Action]] = {name: [] for name in self.section_names()}
        for action in self.actions if actions is None else actions:
            grouped.setdefault(action.section, []).append(action)
        return grouped

    def status_counts(self, actions: Iterable[Action] | None = None) -> dict[str, int]:
        """Counts per status name in key order (every status present, zero or not)."""
        counts = {status.name: 0 for status in self.key.statuses}
        for action in self.actions if actions is None else actions:
            if action.status in counts:
                counts[action.status] += 1
        return counts

    def overdue(self, as_of: dt.date) -> list[Action]:
        """Overdue actions, most overdue first (ties by Ref)."""
        late = [a for a in self.actions if a.is_overdue(as_of, self.key)]
        return sorted(late, key=lambda a: (-a.days_overdue(as_of), a.ref))

    def lookahead_until(self, as_of: dt.date) -> dt.date:
        """The next meeting date, or six weeks on when none is given."""
        next_meeting = self.report.next_meeting_date
        if next_meeting is not None and next_meeting >= as_of:
            return next_meeting
        return as_of + DEFAULT_LOOKAHEAD

    def due_soon(self, as_of: dt.date) -> list[Action]:
        """Actions due from the as-of date up to the next meeting, soonest first."""
        until = self.lookahead_until(as_of)
        soon = [a for a in self.actions if a.is_due_soon(as_of, until, self.key)]
        return sorted(soon, key=lambda a: (a.effective_due_date or as_of, a.ref))

    def undated(self) -> list[Action]:
        """Open actions with no target date ("TBC", "Ongoing", a date that could not be
        pinned to a day), in plan order: never overdue, so listed on their own."""
        return [
            a for a in self.actions if a.effective_due_date is None and not a.is_complete(self.key)
        ]

    def slipped(self) -> list[Action]:
        """Actions re-dated later than first planned, most slipped first."""
        moved = [a for a in self.actions if a.slippage_days > 0]
        return sorted(moved, key=lambda a: (-a.slippage_days, a.ref))
