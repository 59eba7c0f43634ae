"""What changed between the last report's plan and this one.

``compare_plans(previous, current)`` is the pure logic behind the report's "Changes since the
last report" section (``boardpack report --previous last-month.xlsx``). It reads two ``Plan``
objects and returns plain data; the report's wording for it is in render/changes_section.py.

How actions are matched:

- By Ref, ignoring case, spacing and punctuation ("QP-07", "QP 07" and "qp07" are the same
  action), as the duplicate-Ref check does (``ref_key``).
- An action with no Ref cannot be matched: it is neither new nor removed, and is only counted
  in the section trends (``previous_unmatched`` / ``current_unmatched`` say how many there were).
- When a Ref appears more than once in a plan (a validation error, but the report may be built
  with ``--allow-errors``), its first row is matched and later rows are treated like rows with
  no Ref.
- A matched action keeps its match when its Section changed, and its previous row is counted
  under its current section in the trends, so a renamed section keeps its direction of travel.
  Section names are matched as validation matches them (``fold``).
- Statuses are ranked by the current plan's key: complete statuses (Blue) best, then the others
  in key order (Green, Amber, Red worst). A missing or unknown status has no rank: a change to
  or from it is reported, with the direction "same".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from generator.common.matching import fold, ref_key
from generator.model.plan import Action, Plan
from generator.schema.status import StatusKey

_DIGITS = re.compile(r"(\d+)")


def _ref_sort_key(ref: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order, so that "QP-2" comes before "QP-10"."""
    parts = _DIGITS.split(ref_key(ref))
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts if part)


def status_rank(status: str | None, key: StatusKey) -> int | None:
    """0 for the best status, rising as statuses get worse; None when it has no place in the key.

    Complete statuses come first, then the rest in key order, so a key that does not list
    Blue first still ranks it best.
    """
    done = [s.name for s in key.statuses if s.complete]
    order = done + [s.name for s in key.statuses if not s.complete]
    return order.index(status) if status in order else None


@dataclass(frozen=True)
class StatusChange:
    """An action in both plans whose status is different now."""

    ref: str  # as the current plan writes it
    section: str  # the current plan's section
    action: str
    was: str | None
    now: str | None
    key: StatusKey = field(compare=False, repr=False)

    @property
    def direction(self) -> str:
        """Whether the action is "better", "worse" or the "same" (a status missing or unknown)."""
        was, now = status_rank(self.was, self.key), status_rank(self.now, self.key)
        if was is None or now is None or was == now:
            return "same"
        return "better" if now < was else "worse"

    @property
    def completed(self) -> bool:
        """Moved to a complete status (Blue) from one that was not."""
        return self.key.is_complete(self.now) and not self.key.is_complete(self.was)


@dataclass(frozen=True)
class SectionTrend:
    """One section's status counts last time and now, with its direction of travel.

    The direction compares the section's average status, counting each action by its place in
    the key (Blue 0, Green 1, Amber 2, Red 3 in the BRAG key): lower is "improving", higher is
    "worsening", and a shift under a twentieth of a step is "no change". So a section where
    one action was completed but two turned Red is worsening, as a board member would judge
    it. A section with no statuses last time or none now has nothing to compare: "no change".
    """

    section: str
    previous: dict[str, int]  # counts per status name, in key order
    current: dict[str, int]
    previous_total: int  # every action, including any with no or an unknown status
    current_total: int
    direction: str


@dataclass(frozen=True)
class PlanChanges:
    """Everything the report says about what changed since the previous plan."""

    status_changes: list[StatusChange]
    new_actions: list[Action]
    removed_actions: list[Action]
    section_trends: list[SectionTrend]
    redated: list[tuple[Action, Action]]  # (previous, current): effective due date moved later
    key: StatusKey = field(compare=False, repr=False)
    previous_unmatched: int = 0  # rows left out of matching: no Ref, or a repeated Ref
    current_unmatched: int = 0

    @property
    def completed(self) -> list[StatusChange]:
        """Status changes that completed an action."""
        return [change for change in self.status_changes if change.completed]

    @property
    def is_empty(self) -> bool:
        """Nothing to report: no changes of status, no new, removed or re-dated actions, and
        every section's counts tell the same story as last time."""
        return not (
            self.status_changes
            or self.new_actions
            or self.removed_actions
            or self.redated
            or any(trend.direction != "no change" for trend in self.section_trends)
        )


def compare_plans(previous: Plan, current: Plan) -> PlanChanges:
    """Compare the plan from the last report with this one (see the module notes for how)."""
    key = current.key
    previous_by_ref, previous_unmatched = _index_by_ref(previous.actions)
    current_by_ref, current_unmatched = _index_by_ref(current.actions)

    sections = _SectionOrder(current)

    # Where each previous action is counted: under its current section when it was matched.
    previous_sections: list[tuple[str, Action]] = []
    matched: list[tuple[Action, Action]] = []
    matched_refs: set[str] = set()
    for action in previous.actions:
        ref = ref_key(action.ref)
        now = current_by_ref.get(ref)
        if now is not None and ref not in matched_refs:
            matched_refs.add(ref)  # only the first row with this Ref is matched
            matched.append((action, now))
            previous_sections.append((sections.place(now.section), action))
        else:
            previous_sections.append((sections.place(action.section), action))
    sections.order_extras(previous.section_names())

    def report_order(action: Action) -> tuple[int, tuple[tuple[int, int | str], ...]]:
        return (sections.index(action.section), _ref_sort_key(action.ref))

    status_changes = [
        StatusChange(now.ref, sections.place(now.section), now.action, was.status, now.status, key)
        for was, now in sorted(matched, key=lambda pair: report_order(pair[1]))
        if was.status != now.status
    ]
    new_actions = sorted(
        (a for ref, a in current_by_ref.items() if ref not in previous_by_ref), key=report_order
    )
    removed_actions = sorted(
        (a for ref, a in previous_by_ref.items() if ref not in current_by_ref), key=report_order
    )
    redated = [
        (was, now)
        for was, now in sorted(matched, key=lambda pair: report_order(pair[1]))
        if _moved_later(was, now)
    ]

    current_groups = _group(sections, ((sections.place(a.section), a) for a in current.actions))
    previous_groups = _group(sections, previous_sections)
    trends = [
        _trend(name, previous_groups.get(name, []), current_groups.get(name, []), current)
        for name in sections.names
    ]
    return PlanChanges(
        status_changes=status_changes,
        new_actions=new_actions,
        removed_actions=removed_actions,
        section_trends=trends,
        redated=redated,
        previous_unmatched=previous_unmatched,
        current_unmatched=current_unmatched,
        key=key,
    )


class _SectionOrder:
    """Report order of sections: the current plan's, then any met only in the previous plan.

    Names are matched ignoring case and spacing; the first spelling met is the one reported.
    """

    def __init__(self, current: Plan) -> None:
        self.names: list[str] = []
        self._by_fold: dict[str, str] = {}
        for name in current.section_names():
            self.place(name)
        for action in current.actions:  # catches actions with no Section at all
            self.place(action.section)
        self._current_count = len(self.names)

    def place(self, name: str) -> str:
        """The reported spelling of ``name``, adding it at the end when it is new."""
        folded = fold(name)
        if folded not in self._by_fold:
            self._by_fold[folded] = name.strip()
            self.names.append(name.strip())
        return self._by_fold[folded]

    def index(self, name: str) -> int:
        return self.names.index(self.place(name))

    def order_extras(self, previous_order: Sequence[str]) -> None:
        """Put the sections met only in the previous plan in that plan's order."""
        rank = {fold(name): i for i, name in reversed(list(enumerate(previous_order)))}
        extras = self.names[self._current_count :]
        extras.sort(key=lambda name: rank.get(fold(name), len(rank)))
        self.names[self._current_count :] = extras


def _index_by_ref(actions: Sequence[Action]) -> tuple[dict[str, Action], int]:
    """First action for each Ref, and how many actions could not be matched."""
    by_ref: dict[str, Action] = {}
    unmatched = 0
    for action in actions:
        ref = ref_key(action.ref)
        if not ref or ref in by_ref:
            unmatched += 1
        else:
            by_ref[ref] = action
    return by_ref, unmatched


def _moved_later(was: Action, now: Action) -> bool:
    before, after = was.effective_due_date, now.effective_due_date
    return before is not None and after is not None and after > before


def _group(
    sections: _SectionOrder, placed: Iterable[tuple[str, Action]]
) -> dict[str, list[Action]]:
    grouped: dict[str, list[Action]] = {}
    for name, action in placed:
        grouped.setdefault(sections.place(name), []).append(action)
    return grouped


def _trend(
    section: str, previous: Sequence[Action], current: Sequence[Action], plan: Plan
) -> SectionTrend:
    """Both sets of actions counted by ``plan``'s key (the current one)."""
    before, after = plan.status_counts(previous), plan.status_counts(current)
    was, now = _mean_rank(before, plan.key), _mean_rank(after, plan.key)
    direction = "no change"
    if was is not None and now is not None and abs(now - was) >= _NOTICEABLE:
        direction = "improving" if now < was else "worsening"
    return SectionTrend(section, before, after, len(previous), len(current), direction)


# A shift of less than a twentieth of a status step (say one action in a section of 25
# moving from Green to Amber) is too small to call a direction of travel.
_NOTICEABLE = Fraction(1, 20)


def _mean_rank(counts: dict[str, int], key: StatusKey) -> Fraction | None:
    """The section's average status, 0 being all complete; None with no statuses to average."""
    total = sum(counts.values())
    if not total:
        return None
    ranked = sum(count * (status_rank(name, key) or 0) for name, count in counts.items())
    return Fraction(ranked, total)
