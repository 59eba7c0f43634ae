"""Values derived from other columns, defined once for validation and for the plan."""

from __future__ import annotations

from typing import TypeVar

#: The pseudo-column a rule may compare: Revised due date if given, else Due date.
EFFECTIVE_DUE = "effective due date"

_Day = TypeVar("_Day")


def effective_due(due: _Day, revised: _Day) -> tuple[_Day, str]:
    """The date an action is judged by, and the column it comes from.

    The Revised due date if there is one, else the Due date (README: "effective due date").
    """
    return (revised, "Revised due date") if revised else (due, "Due date")
