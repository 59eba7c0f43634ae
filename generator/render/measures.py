"""Performance measures: target, previous, current and the direction of travel."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

from docx.shared import Cm

from generator.model.plan import Measure
from generator.render.context import Context
from generator.render.figures import measure_figure
from generator.render.measures_chart import (
    MOST_PANELS,
    chartable,
    measures_chart_alt_text,
    measures_chart_png,
    measures_chart_title,
)
from generator.render.tables import FIGURE_CM, TEXT_CM, Band, Cell, Column, Styled
from generator.schema.fields import MEASURES

MEASURES_SHEET = MEASURES.sheet
_DIRECTION_WORDS = {"improving": "Improving", "worsening": "Worsening", "no change": "No change"}
_DIRECTION_FILLS = {"improving": "E2EFDA", "worsening": "FCE4D6"}


def measure_value(value: float | str | None, unit: str, code: str = "") -> str:
    """A measure's figure as Excel shows it (number format ``code``), with its unit."""
    return measure_figure(value, unit, code)


def measures(ctx: Context, *, chart: bool = True) -> None:
    """A table of the Measures sheet, grouped by section in the order sections first appear,
    and a small trend chart of the measures that have a previous figure."""
    ctx.heading("Performance measures")
    ctx.numbered(
        "Direction of travel compares the current figure with the previous one, taking into "
        "account whether a higher or a lower figure is better."
    )

    def text(measure: Measure, column: str, value: str) -> str:
        return ctx.clean(value)

    def row(measure: Measure) -> list[Cell]:
        unit = text(measure, "Unit", measure.unit)
        direction = measure.direction
        met = measure.meets_target
        return [
            text(measure, "Measure", measure.name),
            text(measure, "Target", measure_value(measure.target, unit, measure.formats[0])),
            text(measure, "Previous", measure_value(measure.previous, unit, measure.formats[1])),
            text(measure, "Current", measure_value(measure.current, unit, measure.formats[2])),
            Styled(
                _DIRECTION_WORDS.get(direction, "Not known"),
                _DIRECTION_FILLS.get(direction, ""),
            ),
            "" if met is None else ("Yes" if met else "No"),
            text(measure, "Commentary", measure.commentary),
        ]

    groups: dict[str, list[Measure]] = {}
    for measure in ctx.plan.measures:
        groups.setdefault(measure.section, []).append(measure)
    # A band per section says what a Section column would, without its width.
    banded = len(groups) > 1 or "" not in groups
    rows: list[Sequence[Cell] | Band] = []
    for section, items in groups.items():
        if banded:
            rows.append(Band(ctx.clean(section) or "Other measures"))
        rows.extend(row(measure) for measure in items)
    ctx.table(
        [
            Column("Measure", 3.6, minimum_cm=TEXT_CM),
            Column("Target", 0, "right", minimum_cm=FIGURE_CM),
            Column("Previous", 0, "right", minimum_cm=FIGURE_CM),
            Column("Current", 0, "right", minimum_cm=FIGURE_CM),
            Column("Direction of travel", 0, minimum_cm=2.1),
            Column("On target", 0, "center", minimum_cm=FIGURE_CM),
            Column("Commentary", 4.0, minimum_cm=TEXT_CM),
        ],
        rows,
        caption="Performance measures",
    )
    ctx.paragraph()
    if chart:
        trend_chart(ctx)


def trend_chart(ctx: Context) -> None:
    """Previous to current against the target, a panel a measure, with the figures in words."""
    cleaned = [
        replace(
            measure,
            name=ctx.clean(measure.name),
            unit=ctx.clean(measure.unit),
        )
        for measure in ctx.plan.measures
    ]
    drawable = chartable(cleaned)
    shown = drawable[:MOST_PANELS]
    if not shown:
        return
    paragraph = ctx.paragraph()
    paragraph.paragraph_format.keep_with_next = True
    shape = paragraph.add_run().add_picture(io.BytesIO(measures_chart_png(shown)), width=Cm(15.5))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", measures_chart_alt_text(shown, len(drawable)))
    doc_pr.set("title", "Measures: previous to current, against target")
    ctx.figure_caption(measures_chart_title(len(shown), len(drawable)))
