"""The plan over time, from earlier boards: progress at each board, the actions that keep
slipping, and each measure's figure at each board."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx.shared import Cm

from generator.common.plurals import plural, word_for
from generator.common.ukdates import uk_date
from generator.model.history import (
    OFF_TRACK_AT_LEAST,
    REDATED_AT_LEAST,
    Board,
    BoardCounts,
    History,
    MeasureHistory,
)
from generator.model.plan import Action
from generator.render.context import Context
from generator.render.history_chart import (
    history_chart_alt_text,
    history_chart_png,
    history_chart_width,
)
from generator.render.measures import measure_value
from generator.render.progress_summary import NO_STATUS, status_columns
from generator.render.tables import (
    DATE_CM,
    FIGURE_CM,
    REF_CM,
    STATUS_CM,
    TEXT_CM,
    Cell,
    Column,
)

#: Boards side by side in one measures table; more boards continue in another table.
MEASURE_BOARDS_PER_TABLE = 6
_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def board_name(board: Board) -> str:
    """How a board is named in the tables: its meeting date, else its workbook."""
    name = uk_date(board.date) if board.date is not None else board.label
    return f"{name} (this report)" if board.current else name


def _short_name(board: Board) -> str:
    """A column's or chart label's name for a board: "5 Oct\\n2026"."""
    if board.date is not None:
        day = board.date
        return f"{day.day} {_MONTHS_SHORT[day.month - 1]}\n{day.year}"
    return "This report" if board.current else board.label


def plan_over_time(ctx: Context, history: History, *, chart: bool = True) -> None:
    """ "Progress over time" and "Actions that keep slipping"."""
    progress_over_time(ctx, history, chart=chart)
    keeps_slipping(ctx, history)


def progress_over_time(ctx: Context, history: History, *, chart: bool = True) -> None:
    """The status counts at each board, as a table and as a chart."""
    key = ctx.plan.key
    rows = history.progress()
    ctx.heading("Progress over time")
    earlier = len(history.boards) - 1
    ctx.numbered(
        f"The table below shows how many actions had each status at the last "
        f"{plural(earlier, 'board')} and at this one, oldest first."
    )
    show_unknown = any(row.unknown for row in rows)
    columns = [Column("Board", 3.0, minimum_cm=DATE_CM), *status_columns(key)]
    if show_unknown:
        columns.append(Column(NO_STATUS, 1.1, "center"))
    columns.append(Column("Total number of actions", 1.3, "center", minimum_cm=1.8))

    def cells(row: BoardCounts) -> list[Cell]:
        values: list[Cell] = [_board_text(ctx, row.board)]
        values += [f"{row.counts.get(status.name, 0):,}" for status in key.statuses]
        if show_unknown:
            values.append(f"{row.unknown:,}")
        values.append(f"{row.total:,}")
        return values

    ctx.table(columns, [cells(row) for row in rows], caption="Actions by status at each board")
    if chart and any(row.total for row in rows):
        data = [(_clean_short(ctx, row.board), row.counts) for row in rows]
        png = history_chart_png(data, key)
        named = [(_board_text(ctx, row.board), row.counts) for row in rows]
        paragraph = ctx.paragraph()
        paragraph.paragraph_format.keep_with_next = True
        # Shown at the progress chart's scale (7 inches to 15.5 cm), so the text matches.
        width = Cm(15.5 * history_chart_width(len(data)) / 7.0)
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=width)
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", history_chart_alt_text(named, key))
        doc_pr.set("title", "Actions by status at each board")
        ctx.figure_caption("Actions by status at each board")
    else:
        ctx.paragraph()


def keeps_slipping(ctx: Context, history: History) -> None:
    """Actions re-dated at two or more boards, and actions off track at three or more in a
    row; a sentence says so when there are none."""
    redated = history.redated()
    off_track = history.off_track()
    off_names = [s.name for s in ctx.plan.key.statuses if s.name in history.off_track_statuses]
    off_words = " or ".join(off_names) or "off track"
    ctx.heading("Actions that keep slipping")
    ctx.numbered(
        f"Actions in the plan whose due date has moved later at {REDATED_AT_LEAST} or more "
        f"boards, and actions that have been {off_words} at {OFF_TRACK_AT_LEAST} or more "
        "boards in a row."
    )
    ctx.heading(f"Re-dated at {REDATED_AT_LEAST} or more boards", 2)
    if not redated:
        ctx.numbered(f"No action has been re-dated at {REDATED_AT_LEAST} or more boards.")
    else:
        ctx.numbered(
            f"{plural(len(redated), 'action')} {word_for(len(redated), 'has', 'have')} been "
            "re-dated at more than one board. Each is shown with its due date at the earliest "
            "board it appears in and its due date now; most re-dated first."
        )
        ctx.table(
            [
                *_ACTION_COLUMNS,
                Column("Times re-dated", 0, "center", minimum_cm=FIGURE_CM),
                Column("Due date, first to latest", 0, minimum_cm=DATE_CM),
                Column("Status", 0, "center", minimum_cm=STATUS_CM),
            ],
            (
                [
                    *_action_cells(ctx, item.action),
                    f"{item.times:,}",
                    f"{uk_date(item.first_due)}\nto {uk_date(item.latest_due)}",
                    ctx.status(item.action.status),
                ]
                for item in redated
            ),
            caption=f"Actions re-dated at {REDATED_AT_LEAST} or more boards",
        )
        ctx.paragraph()
    ctx.heading(f"{off_words} at {OFF_TRACK_AT_LEAST} or more boards in a row", 2)
    if not off_track:
        ctx.numbered(
            f"No action has been {off_words} at {OFF_TRACK_AT_LEAST} or more boards in a row."
        )
        return
    ctx.numbered(
        f"{plural(len(off_track), 'action')} {word_for(len(off_track), 'has', 'have')} been "
        f"{off_words} at {OFF_TRACK_AT_LEAST} or more boards in a row (the longest run is "
        "shown); longest first."
    )
    ctx.table(
        [
            *_ACTION_COLUMNS,
            Column("Boards in a row", 0, "center", minimum_cm=FIGURE_CM),
            Column("Boards, first to last", 0, minimum_cm=DATE_CM),
            Column("Status now", 0, "center", minimum_cm=STATUS_CM),
        ],
        (
            [
                *_action_cells(ctx, run.action),
                f"{run.length:,}",
                f"{_board_text(ctx, run.first)}\nto {_board_text(ctx, run.last)}",
                ctx.status(run.action.status),
            ]
            for run in off_track
        ),
        caption=f"Actions {off_words} at {OFF_TRACK_AT_LEAST} or more boards in a row",
    )
    ctx.paragraph()


def measures_over_time(ctx: Context, history: History) -> None:
    """Each measure's figure at each board beside its target, a table per six boards."""
    measures = history.measures()
    if not measures:
        return
    ctx.heading("Measures over time")
    ctx.numbered(
        "Each measure's figure at each board, oldest first, beside its target (the latest "
        "target given). A blank means the measure was not reported at that board."
    )
    boards = history.boards
    chunks = [
        range(start, min(start + MEASURE_BOARDS_PER_TABLE, len(boards)))
        for start in range(0, len(boards), MEASURE_BOARDS_PER_TABLE)
    ]
    for number, chunk in enumerate(chunks, 1):
        first, last = boards[chunk[0]], boards[chunk[-1]]
        caption = "Measures at each board"
        if len(chunks) > 1:
            caption += f" ({board_name(first)} to {board_name(last)})"
        columns = [
            Column("Measure", 3.6, minimum_cm=TEXT_CM),
            Column("Target", 0, "right", minimum_cm=FIGURE_CM),
            *(
                Column(_clean_short(ctx, boards[index]), 0, "right", minimum_cm=FIGURE_CM)
                for index in chunk
            ),
        ]
        ctx.table(
            columns,
            [_measure_row(ctx, item, chunk) for item in measures],
            caption=caption,
        )
        ctx.paragraph()
        if number < len(chunks):
            ctx.paragraph("Continued:")


def _measure_row(ctx: Context, item: MeasureHistory, chunk: Sequence[int]) -> list[Cell]:
    measure = item.measure
    unit = ctx.clean(measure.unit).strip()
    # A short unit rides with every figure; a longer one is said once, with the name.
    inline = unit if unit == "%" else ""
    name = ctx.clean(measure.name)
    if unit and not inline:
        name = f"{name} ({unit})"
    return [
        name,
        ctx.clean(measure_value(measure.target, inline)),
        *(ctx.clean(measure_value(item.values[index], inline)) for index in chunk),
    ]


_ACTION_COLUMNS = (
    Column("Ref", 0, minimum_cm=REF_CM),
    Column("Action", 4.6, minimum_cm=TEXT_CM),
    Column("Lead", 2.6, minimum_cm=TEXT_CM),
)


def _action_cells(ctx: Context, action: Action) -> list[Cell]:
    return [
        ctx.clean(action.ref),
        ctx.clean(action.action),
        ctx.clean(action.lead),
    ]


def _board_text(ctx: Context, board: Board) -> str:
    return ctx.clean(board_name(board))


def _clean_short(ctx: Context, board: Board) -> str:
    return ctx.clean(_short_name(board))
