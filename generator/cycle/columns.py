"""What the cycle asks of the plan's columns: which ones a lead may change.

The columns themselves are named once, in schema/fields.py; this says which of them are the
lead's to update. Everything else a lead is sent is locked.
"""

from __future__ import annotations

from generator.schema.fields import ACTIONS

#: What a lead may change: how the action stands, and nothing the board agreed.
LEAD_MAY_CHANGE = tuple(
    column.name
    for column in (
        ACTIONS.status,
        ACTIONS.revised_due_date,
        ACTIONS.completed_date,
        ACTIONS.progress_update,
        ACTIONS.evidence_of_impact,
    )
)
