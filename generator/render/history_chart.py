"""The progress-over-time chart: one stacked column per board, oldest on the left.

Statuses are stacked in key order from the bottom (Blue first), in the key's colours and with
the same hatching as the progress chart; every segment tall enough is labelled with its count.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.common.plurals import plural
from generator.render.chart_style import (
    chart_style,
    legend_below_and_png,
    new_figure,
    stacked_status_bars,
)
from generator.schema.status import StatusKey

#: Below this share of the tallest column a segment is too thin to carry its count.
_LABELLED_SHARE = 0.045
_HEIGHT = 3.4


def history_chart_width(boards: int) -> float:
    """The chart's width in inches: wider with more boards, up to the progress chart's 7."""
    return max(4.5, min(7.0, 2.4 + 0.55 * boards))


def history_chart_png(columns: Sequence[tuple[str, dict[str, int]]], key: StatusKey) -> bytes:
    """A PNG of status counts at each board; ``columns`` are (label, counts), oldest first."""
    from matplotlib.ticker import MaxNLocator

    with chart_style():
        figure = new_figure(history_chart_width(len(columns)), _HEIGHT)
        axes = figure.add_subplot()
        stacks = [counts for _, counts in columns]
        stacked_status_bars(
            axes, stacks, key, horizontal=False, labelled_share=_LABELLED_SHARE, fontsize=7.5
        )
        axes.set_xticks(list(range(len(columns))), [label for label, _ in columns], fontsize=7.5)
        axes.set_ylabel("Number of actions")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.spines[["top", "right"]].set_visible(False)
        return legend_below_and_png(figure, axes, key, _HEIGHT)


def history_chart_alt_text(columns: Sequence[tuple[str, dict[str, int]]], key: StatusKey) -> str:
    """The chart in words: "Column chart of action status at each board, oldest first.
    5 October 2026: 60 actions with a status: 10 Blue, ..."."""
    parts = ["Column chart of action status at each board, oldest first."]
    for name, counts in columns:
        statuses = ", ".join(f"{counts.get(s.name, 0):,} {s.name}" for s in key.statuses)
        counted = plural(sum(counts.values()), "action")
        parts.append(f"{name}: {counted} with a status: {statuses}.")
    return " ".join(parts)
