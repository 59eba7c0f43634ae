"""Values derived from other columns, defined once for validation and for the plan."""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Any, TypeVar

from generator.schema.fields import ACTIONS

#: The pseudo-column a rule may compare: Revised due date if given, else Due date.
EFFECTIVE_DUE = "effective due date"

_Day = TypeVar("_Day")


def effective_due(
    due: _Day, revised: _Day, *, typed_without_day: bool = False
) -> tuple[_Day | None, str]:
    """The date an action is judged by, and the column it comes from.

    The Revised due date if there is one, else the Due date (README: "effective due date").
    ``typed_without_day``: the target was typed as text that names no day, such as a Revised
    due date of "Autumn term" beside a Due date that has passed. The revision moved the
    target to no day in particular, so the action has no target date (and is never overdue)
    rather than the date it was moved from.
    """
    if revised:
        return revised, ACTIONS.revised_due_date.name
    if typed_without_day:
        return None, ACTIONS.revised_due_date.name if due else ACTIONS.due_date.name
    return due, ACTIONS.due_date.name


def effective_due_column(
    due: Sequence[Any], revised: Sequence[Any], typed_without_day: Container[int]
) -> list[Any]:
    """``effective_due`` for every row of a plan at once (``typed_without_day`` holds the
    rows whose target was typed as text naming no day): the same rule, without a call per
    row, for validating 20,000 actions."""
    return [
        new if new else (None if index in typed_without_day else old)
        for index, (old, new) in enumerate(zip(due, revised, strict=True))
    ]
