"""The plan over time: the same plan at several boards, oldest first, ending with this report.

Each board is a whole ``Plan`` (as read from that board's workbook) with the date of its
meeting. From them come the status counts at each board, the actions whose due date moved
later at two or more boards, the actions that stayed off track (Amber or Red) at three or
more boards in a row, and each measure's figure at each board.

Actions are matched from board to board by Ref, as the changes section matches them; a Ref
used twice in one workbook matches only its first row there. Only actions still in the plan
are followed: an action removed since is in the changes section, not here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from generator.common.matching import fold, ref_key, ref_keys
from generator.model.plan import Action, Measure, Plan
from generator.schema.status import StatusKey

#: How many boards at which an action's due date moved later make it "keeps slipping".
REDATED_AT_LEAST = 2
#: How many boards in a row off track (Amber or Red) make it "keeps slipping".
OFF_TRACK_AT_LEAST = 3


@dataclass(frozen=True)
class Board:
    """The plan as it stood at one board meeting."""

    plan: Plan
    label: str  # how people know the workbook: its file name, or name@commit
    date: dt.date | None  # the Report sheet's Meeting date, when it gives one
    current: bool = False  # this report's own board


@dataclass(frozen=True)
class BoardCounts:
    """One row of "progress over time": a board's count of actions in each status."""

    board: Board
    counts: dict[str, int]  # per status name, in key order
    unknown: int  # actions with no status, or one outside the key
    total: int


@dataclass(frozen=True)
class Redating:
    """An action whose due date moved later at ``times`` boards."""

    action: Action  # as it is now
    times: int
    first_due: dt.date  # the effective due date at the earliest board it is in
    latest_due: dt.date  # the effective due date now


@dataclass(frozen=True)
class OffTrackRun:
    """An action off track at ``length`` boards in a row, from ``first`` to ``last``."""

    action: Action  # as it is now
    length: int
    first: Board
    last: Board


@dataclass(frozen=True)
class MeasureHistory:
    """A measure's figure at each board (None where the board did not have the measure)."""

    measure: Measure  # as it was at the latest board that had it
    values: tuple[float | str | None, ...]  # one per board, oldest first


@dataclass
class History:
    """The boards in order, the oldest first and this report's board last."""

    boards: list[Board]
    _indexes: list[dict[str, Action]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self._indexes = [_first_by_ref(board.plan.actions) for board in self.boards]

    @property
    def current(self) -> Plan:
        return self.boards[-1].plan

    @property
    def key(self) -> StatusKey:
        return self.current.key

    def progress(self) -> list[BoardCounts]:
        """Status counts at each board, in board order."""
        rows = []
        for board in self.boards:
            counts = {name: 0 for name in self.key.names}
            for action in board.plan.actions:
                if action.status in counts:
                    counts[action.status] += 1
            total = len(board.plan.actions)
            rows.append(BoardCounts(board, counts, total - sum(counts.values()), total))
        return rows

    def redated(self, at_least: int = REDATED_AT_LEAST) -> list[Redating]:
        """Actions whose effective due date moved later at ``at_least`` boards or more.

        A move is counted at a board when the action's effective due date there is later
        than at the last board before it that had the action. Most re-dated first.
        """
        found = []
        for action, appearances in self._followed():
            dues = [a.effective_due_date for a in appearances]
            known = [due for due in dues if due is not None]
            times = sum(1 for before, after in itertools.pairwise(known) if after > before)
            if times >= at_least and action.effective_due_date is not None:
                found.append(Redating(action, times, known[0], action.effective_due_date))
        order = self._plan_order()
        return sorted(found, key=lambda item: (-item.times, order[id(item.action)]))

    def off_track(self, at_least: int = OFF_TRACK_AT_LEAST) -> list[OffTrackRun]:
        """Actions off track at ``at_least`` boards in a row or more: their longest such run.

        Off track means a status after the first open one in the key: Amber or Red in the
        BRAG key. A board without the action breaks the run. Longest runs first.
        """
        off = self.off_track_statuses
        found = []
        for action, _ in self._followed():
            key = ref_key(action.ref)
            best: tuple[int, int] = (0, 0)  # (length, index of the run's last board)
            length = 0
            for index, matches in enumerate(self._indexes):
                earlier = matches.get(key)
                length = length + 1 if earlier is not None and earlier.status in off else 0
                if length > best[0]:
                    best = (length, index)
            if best[0] >= at_least:
                last = best[1]
                found.append(
                    OffTrackRun(action, best[0], self.boards[last - best[0] + 1], self.boards[last])
                )
        order = self._plan_order()
        return sorted(found, key=lambda run: (-run.length, order[id(run.action)]))

    @cached_property
    def off_track_statuses(self) -> frozenset[str]:
        """The statuses worse than the best open one: Amber and Red in the BRAG key."""
        open_statuses = [status.name for status in self.key.statuses if not status.complete]
        return frozenset(open_statuses[1:])

    def measures(self) -> list[MeasureHistory]:
        """Every measure met at any board, this report's first in its order, then the rest in
        the order first met; each with its figure at every board."""
        order: list[str] = []
        latest: dict[str, Measure] = {}
        values: dict[str, list[float | str | None]] = {}
        boards = [self.boards[-1], *self.boards[:-1]]  # this report's measures lead the order
        for board in boards:
            for measure in board.plan.measures:
                name = fold(measure.name)
                if name and name not in values:
                    order.append(name)
                    values[name] = [None] * len(self.boards)
        for index, board in enumerate(self.boards):
            for measure in board.plan.measures:
                name = fold(measure.name)
                if name and values[name][index] is None:
                    values[name][index] = measure.current
                    latest[name] = measure
        return [MeasureHistory(latest[name], tuple(values[name])) for name in order]

    def _followed(self) -> list[tuple[Action, list[Action]]]:
        """Each action in this report with the rows for it at every board that had it."""
        followed = []
        for action in self.current.actions:
            ref = ref_key(action.ref)
            if not ref or self._indexes[-1].get(ref) is not action:
                continue  # no Ref, or a repeated one: it cannot be followed
            appearances: list[Action] = []
            for matches in self._indexes:
                earlier = matches.get(ref)
                if earlier is not None:
                    appearances.append(earlier)
            followed.append((action, appearances))
        return followed

    def _plan_order(self) -> dict[int, int]:
        return {id(action): index for index, action in enumerate(self.current.actions)}


def _first_by_ref(actions: Sequence[Action]) -> dict[str, Action]:
    index: dict[str, Action] = {}
    # The Refs folded as one column: a dozen boards of 2,000 actions each are 24,000 Refs.
    for ref, action in zip(ref_keys([action.ref for action in actions]), actions, strict=True):
        if ref and ref not in index:
            index[ref] = action
    return index
