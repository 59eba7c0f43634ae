"""The progress chart: one horizontal stacked bar per section, in the status key's colours.

Each status also has its own hatching and every segment wide enough is labelled with its
count, so the chart reads in greyscale print and for people who do not see colour. The PNG
is the same bytes for the same numbers: matplotlib's Agg renderer, a fixed size and DPI, the
bundled DejaVu Sans font and no timestamp or software metadata. matplotlib is imported only
when a chart is drawn, so validating never pays for it.
"""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Sequence

from generator.common.plurals import plural
from generator.schema.status import StatusKey

_HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
_DPI = 150


def chart_png(rows: Sequence[tuple[str, dict[str, int]]], key: StatusKey) -> bytes:
    """A PNG bar chart of status counts per section (``rows`` in report order)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = [textwrap.fill(name, 30) or "(no section)" for name, _ in rows]
    line_counts = [label.count("\n") + 1 for label in labels]
    height = 1.5 + sum(0.32 + 0.17 * lines for lines in line_counts)
    from matplotlib import rc_context
    from matplotlib.layout_engine import TightLayoutEngine
    from matplotlib.ticker import MaxNLocator

    # Section names are cell text: "$" must not start mathtext, and a character the font
    # lacks (an emoji, a control character) is drawn as a box rather than warned about.
    with (
        rc_context(
            {
                "font.family": "DejaVu Sans",
                "font.size": 9,
                "hatch.linewidth": 0.6,
                "text.parse_math": False,
            }
        ),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        figure = Figure(figsize=(7.0, height), dpi=_DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        positions = list(range(len(rows)))
        lefts = [0] * len(rows)
        largest = max((sum(counts.values()) for _, counts in rows), default=0) or 1
        for index, status in enumerate(key.statuses):
            values = [counts.get(status.name, 0) for _, counts in rows]
            bars = axes.barh(
                positions,
                values,
                left=lefts,
                height=0.62,
                color=f"#{status.colour}",
                edgecolor="#333333",
                linewidth=0.6,
                hatch=_HATCHES[index % len(_HATCHES)],
                label=status.label,
            )
            for bar, value in zip(bars, values, strict=True):
                if value and value / largest >= 0.035:
                    label = axes.text(
                        bar.get_x() + bar.get_width() / 2,
                        bar.get_y() + bar.get_height() / 2,
                        f"{value:,}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        fontweight="bold",
                        color="black",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
                    )
                    # Inside the axes, so the layout need not measure it.
                    label.set_in_layout(False)
            lefts = [left + value for left, value in zip(lefts, values, strict=True)]
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.set_xlabel("Number of actions")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.spines[["top", "right"]].set_visible(False)
        # The legend sits in its own strip below the axes, whatever the number of sections.
        legend_rows = (len(key.statuses) + 1) // 2
        strip = (0.25 + 0.18 * legend_rows) / height
        figure.legend(
            handles=axes.get_legend_handles_labels()[0],
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=2,
            frameon=False,
            fontsize=8,
        )
        # Laid out once, by the engine itself: Figure.tight_layout would leave a placeholder
        # engine behind that makes savefig lay the whole figure out a second time.
        TightLayoutEngine(rect=(0, strip, 1, 1)).execute(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def chart_alt_text(rows: Sequence[tuple[str, dict[str, int]]], key: StatusKey) -> str:
    """The chart in words: "Bar chart of action status by section. Quality of Practice: 22
    actions: 1 Blue, 7 Green, 10 Amber, 4 Red. ..."."""
    parts = ["Bar chart of action status by section."]
    for name, counts in rows:
        statuses = ", ".join(f"{counts.get(s.name, 0):,} {s.name}" for s in key.statuses)
        total = sum(counts.values())
        counted = f"{plural(total, 'action')} with a status"
        parts.append(f"{name or 'No section'}: {counted}: {statuses}.")
    return " ".join(parts)
