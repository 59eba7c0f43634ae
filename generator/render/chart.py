"""The progress chart: one horizontal stacked bar per section, in the status key's colours.

Each status also has its own hatching and every segment wide enough is labelled with its
count, so the chart reads in greyscale print and for people who do not see colour; the look
and the deterministic PNG come from ``chart_style``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from generator.common.plurals import plural
from generator.render.chart_style import (
    chart_style,
    legend_below_and_png,
    new_figure,
    stacked_status_bars,
)
from generator.schema.status import StatusKey

#: More sections than this are charted as the first ones and one bar for the rest: a bar
#: per section for 10,000 sections was a 1050 x 735,224 px picture and most of the report's
#: time. The table beside the chart still lists every section.
MAX_CHART_SECTIONS = 30

Rows = Sequence[tuple[str, dict[str, int]]]


def charted_rows(rows: Rows) -> list[tuple[str, dict[str, int]]]:
    """``rows`` as charted: all of them, or the first ones and "N other sections" summed."""
    if len(rows) <= MAX_CHART_SECTIONS:
        return list(rows)
    shown = list(rows[: MAX_CHART_SECTIONS - 1])
    rest = rows[MAX_CHART_SECTIONS - 1 :]
    summed: dict[str, int] = {}
    for _, counts in rest:
        for status, number in counts.items():
            summed[status] = summed.get(status, 0) + number
    return [*shown, (f"{len(rest):,} other sections", summed)]


def chart_png(rows: Rows, key: StatusKey) -> bytes:
    """A PNG bar chart of status counts per section (``rows`` in report order, capped)."""
    rows = charted_rows(rows)
    labels = [textwrap.fill(name, 30) or "(no section)" for name, _ in rows]
    line_counts = [label.count("\n") + 1 for label in labels]
    height = 1.5 + sum(0.32 + 0.17 * lines for lines in line_counts)
    from matplotlib.ticker import MaxNLocator

    with chart_style():
        figure = new_figure(7.0, height)
        axes = figure.add_subplot()
        counts = [counts for _, counts in rows]
        stacked_status_bars(axes, counts, key, horizontal=True, labelled_share=0.035, fontsize=8)
        axes.set_yticks(list(range(len(rows))), labels)
        axes.invert_yaxis()
        axes.set_xlabel("Number of actions")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.spines[["top", "right"]].set_visible(False)
        # The legend sits in its own strip below the axes, whatever the number of sections.
        return legend_below_and_png(figure, axes, key, height)


def chart_alt_text(rows: Rows, key: StatusKey) -> str:
    """The chart in words: "Bar chart of action status by section. Quality of Practice: 22
    actions: 1 Blue, 7 Green, 10 Amber, 4 Red. ..."."""
    parts = ["Bar chart of action status by section."]
    for name, counts in charted_rows(rows):
        statuses = ", ".join(f"{counts.get(s.name, 0):,} {s.name}" for s in key.statuses)
        total = sum(counts.values())
        counted = f"{plural(total, 'action')} with a status"
        parts.append(f"{name or 'No section'}: {counted}: {statuses}.")
    return " ".join(parts)
