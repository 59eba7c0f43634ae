"""What every chart in the report shares: hatching, font, resolution and deterministic PNGs.

Each status has its own hatching as well as its colour, so charts read in greyscale print and
for people who do not see colour. The PNG is the same bytes for the same numbers: matplotlib's
Agg renderer, a fixed DPI, the bundled DejaVu Sans font and no timestamp or software metadata.
matplotlib is imported only when a chart is drawn, so validating never pays for it.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from generator.schema.status import StatusKey

#: Hatching by the status's place in the key: solid, then lines, dots, crosses...
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
DPI = 150


@contextlib.contextmanager
def chart_style() -> Iterator[None]:
    """matplotlib set for the report's charts, for the time a chart is drawn."""
    from matplotlib import rc_context

    # Labels are cell text: "$" must not start mathtext, and a character the font lacks
    # (an emoji, a control character) is drawn as a box rather than warned about.
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
        yield


def new_figure(width: float, height: float) -> Any:
    """A figure of ``width`` x ``height`` inches on the Agg canvas, at the report's DPI."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Any) -> bytes:
    """The figure as a PNG with no metadata that changes from run to run."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def stacked_status_bars(
    axes: Any,
    stacks: Sequence[dict[str, int]],
    key: StatusKey,
    *,
    horizontal: bool,
    labelled_share: float,
    fontsize: float,
) -> None:
    """One bar per count of statuses, a segment per status in key order, coloured, hatched,
    and labelled with its count where the segment is at least ``labelled_share`` of the
    largest bar."""
    positions = list(range(len(stacks)))
    starts = [0] * len(stacks)
    largest = max((sum(counts.values()) for counts in stacks), default=0) or 1
    for index, status in enumerate(key.statuses):
        values = [counts.get(status.name, 0) for counts in stacks]
        look = {
            "color": f"#{status.colour}",
            "edgecolor": "#333333",
            "linewidth": 0.6,
            "hatch": HATCHES[index % len(HATCHES)],
            "label": status.label,
        }
        if horizontal:
            bars = axes.barh(positions, values, left=starts, height=0.62, **look)
        else:
            bars = axes.bar(positions, values, bottom=starts, width=0.62, **look)
        for bar, value in zip(bars, values, strict=True):
            if value and value / largest >= labelled_share:
                label = axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    f"{value:,}",
                    ha="center",
                    va="center",
                    fontsize=fontsize,
                    fontweight="bold",
                    color="black",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
                )
                # Inside the axes, so the layout need not measure it.
                label.set_in_layout(False)
        starts = [start + value for start, value in zip(starts, values, strict=True)]


def legend_below_and_png(figure: Any, axes: Any, key: StatusKey, height: float) -> bytes:
    """The status legend in its own strip below the axes, the figure laid out, as a PNG."""
    from matplotlib.layout_engine import TightLayoutEngine

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
    return png_bytes(figure)
