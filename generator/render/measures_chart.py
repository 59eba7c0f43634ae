"""A small trend chart of the measures: previous to current, against the target.

One small panel per measure, each on its own scale (a caseload and a percentage share no
axis): the previous and current figures joined by a line, the target dashed across, and each
point labelled with its figure as the table shows it, so the chart reads without colour.
Drawn only for measures with both figures; the same numbers always give the same PNG.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from generator.model.plan import Measure
from generator.render.chart_style import chart_style, new_figure, png_bytes
from generator.render.figures import measure_figure

#: More panels than this would be too small to read (and a workbook of thousands of measures
#: would draw a picture metres long): the first ones are drawn, the caption says how many of
#: how many, and the table lists them all.
MOST_PANELS = 16
_COLUMNS = 4
_PANEL_HEIGHT = 1.55


def chartable(measures: Sequence[Measure]) -> list[Measure]:
    """The measures a trend can be drawn for: numeric previous and current figures."""
    return [
        measure for measure in measures if _number(measure.previous) and _number(measure.current)
    ]


def measures_chart_title(shown: int, chartable_count: int) -> str:
    """The chart's caption, saying when only the first measures are drawn."""
    title = "Measures: previous to current, against target"
    if chartable_count <= shown:
        return title
    return f"{title} (the first {shown} of {chartable_count:,}; the table lists them all)"


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def measures_chart_png(measures: Sequence[Measure]) -> bytes:
    """The panels as one PNG, four to a row."""
    from matplotlib.lines import Line2D

    rows = (len(measures) + _COLUMNS - 1) // _COLUMNS
    height = 0.45 + rows * _PANEL_HEIGHT
    with chart_style():
        figure = new_figure(7.0, height)
        for index, measure in enumerate(measures):
            axes = figure.add_subplot(rows, _COLUMNS, index + 1)
            values = [float(measure.previous), float(measure.current)]  # type: ignore[arg-type]
            axes.plot([0, 1], values, color="#1F3864", linewidth=1.6, zorder=3)
            axes.plot([0], values[:1], "o", markersize=4.5, markerfacecolor="white",
                      color="#1F3864", zorder=4)  # fmt: skip
            axes.plot([1], values[1:], "o", markersize=4.5, color="#1F3864", zorder=4)
            shown = values + ([float(measure.target)] if _number(measure.target) else [])  # type: ignore[arg-type]
            if _number(measure.target):
                axes.axhline(float(measure.target), color="#7F7F7F", linestyle="--", linewidth=1)  # type: ignore[arg-type]
            low, high = min(shown), max(shown)
            pad = (high - low) * 0.35 or abs(high) * 0.2 or 1
            axes.set_ylim(low - pad, high + pad)
            for x, (value, code) in enumerate(
                zip((measure.previous, measure.current), measure.formats[1:], strict=True)
            ):
                # The lower point's figure goes beneath it: above, it would sit on the line
                # climbing to the other point ("20.1 children" struck through).
                below = values[x] < values[1 - x]
                axes.annotate(
                    measure_figure(value, measure.unit, code),
                    (x, float(value)),  # type: ignore[arg-type]
                    textcoords="offset points",
                    xytext=(0, -6 if below else 5),
                    ha="center",
                    va="top" if below else "baseline",
                    fontsize=6.5,
                    # On white, so a target line passing behind never strikes it through.
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
                    zorder=5,
                )
            axes.set_xlim(-0.6, 1.6)
            axes.set_xticks([0, 1], ["Previous", "Current"], fontsize=6.5)
            axes.set_yticks([])
            axes.spines[["top", "right", "left"]].set_visible(False)
            axes.set_title(textwrap.fill(measure.name, 26), fontsize=6.5, loc="left")
        figure.legend(
            handles=[
                Line2D([], [], color="#1F3864", marker="o", markerfacecolor="white",
                       label="Previous to current"),
                Line2D([], [], color="#7F7F7F", linestyle="--", label="Target"),
            ],
            loc="lower center",
            ncol=2,
            frameon=False,
            fontsize=7,
        )  # fmt: skip
        # Fixed margins: the panels are alike, so measuring each label (a tight layout)
        # would cost more than the drawing for the same result.
        figure.subplots_adjust(
            left=0.02, right=0.98, top=1 - 0.42 / height, bottom=0.55 / height,
            wspace=0.18, hspace=0.95,
        )  # fmt: skip
        return png_bytes(figure)


def measures_chart_alt_text(measures: Sequence[Measure], chartable_count: int = 0) -> str:
    """The chart in words: each measure's previous, current and target figures (and, when
    ``chartable_count`` is more than are drawn, that only the first are)."""
    parts = ["Small charts of each measure, previous to current, against its target."]
    if chartable_count > len(measures):
        parts.append(f"The first {len(measures)} of {chartable_count:,} measures are drawn.")
    for measure in measures:
        codes = measure.formats
        target = (
            f", target {measure_figure(measure.target, measure.unit, codes[0])}"
            if _number(measure.target)
            else ""
        )
        parts.append(
            f"{measure.name}: {measure_figure(measure.previous, measure.unit, codes[1])} to "
            f"{measure_figure(measure.current, measure.unit, codes[2])}{target}."
        )
    return " ".join(parts)
