"""Values derived from other columns, defined once for validation and for the plan."""

from __future__ import annotations

from typing import TypeVar

from generator.schema.fields import ACTIONS

#: The pseudo-column a rule may compare: Revised due date if given, else Due date.
EFFECTIVE_DUE = "effective due date"

_Day = TypeVar("_Day")


def effective_due(due: _Day, revised: _Day) -> tuple[_Day, str]:
    """The date an action is judged by, and the column it comes from.

    The Revised due date if there is one, else the Due date (README: "effective due date").
    """
    if revised:
        return revised, ACTIONS.revised_due_date.name
    return due, ACTIONS.due_date.name
