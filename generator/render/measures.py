"""Performance measures: target, previous, current and the direction of travel."""

from __future__ import annotations

from generator.plan import Measure
from generator.render.context import Context
from generator.render.tables import Column, Styled
from generator.render.text import Origin
from generator.ukdates import number

MEASURES_SHEET = "Measures"
_DIRECTION_WORDS = {"improving": "Improving", "worsening": "Worsening", "no change": "No change"}
_DIRECTION_FILLS = {"improving": "E2EFDA", "worsening": "FCE4D6"}


def _value(value: float | str | None, unit: str) -> str:
    if value is None or value == "":
        return ""
    shown = number(value)
    if not isinstance(value, (int, float)) or not unit:
        return shown
    return f"{shown}%" if unit.strip() == "%" else f"{shown} {unit.strip()}"


def measures(ctx: Context) -> None:
    """A table of the Measures sheet, in its order."""
    ctx.heading("Performance measures")
    items = ctx.plan.measures
    ctx.paragraph(
        "Direction of travel compares the current figure with the previous one, taking into "
        "account whether a higher or a lower figure is better."
    )

    def text(measure: Measure, column: str, value: str) -> str:
        return ctx.clean(value, Origin(MEASURES_SHEET, column, None, measure.name))

    def row(measure: Measure) -> list:
        unit = text(measure, "Unit", measure.unit)
        direction = measure.direction
        met = measure.meets_target
        return [
            text(measure, "Measure", measure.name),
            ctx.clean_section(measure.section),
            text(measure, "Target", _value(measure.target, unit)),
            text(measure, "Previous", _value(measure.previous, unit)),
            text(measure, "Current", _value(measure.current, unit)),
            Styled(
                _DIRECTION_WORDS.get(direction, "Not known"),
                _DIRECTION_FILLS.get(direction, ""),
            ),
            "" if met is None else ("Yes" if met else "No"),
            text(measure, "Commentary", measure.commentary),
        ]

    ctx.table(
        [
            Column("Measure", 3.6),
            Column("Section", 2.4, minimum_cm=2.7),
            Column("Target", 1.6, "right", minimum_cm=1.9),
            Column("Previous", 1.6, "right", minimum_cm=1.9),
            Column("Current", 1.6, "right", minimum_cm=1.9),
            Column("Direction of travel", 2.0, minimum_cm=2.1),
            Column("On target", 1.4, "center", minimum_cm=1.6),
            Column("Commentary", 2.8),
        ],
        (row(measure) for measure in items),
        caption="Performance measures",
    )
    ctx.paragraph()
