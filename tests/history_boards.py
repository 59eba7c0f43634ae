"""Four monthly boards of one small plan, with known counts, re-datings and measures.

Boards meet on 24 August, 28 September, 26 October and 30 November 2026 (this report's board,
as at 23 November 2026). Each action's state at each board is written out in full below, so
every expected figure in the tests can be checked by eye against this table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

D = dt.date.fromisoformat
AS_OF = D("2026-11-23")
BOARD_DATES = (D("2026-08-24"), D("2026-09-28"), D("2026-10-26"), D("2026-11-30"))
QP, WF = "Quality of Practice", "Workforce"
SECTIONS = (QP, WF)


@dataclass(frozen=True)
class State:
    """An action at one board: status, due date, revised due date, completed date."""

    status: str
    due: str
    revised: str = ""
    completed: str = ""


@dataclass(frozen=True)
class Row:
    ref: str
    section: str
    action: str
    lead: str
    recommendation: str
    states: tuple[State | None, ...]  # one per board; None: not in the plan at that board
    evidence: str = ""


G, A, R, B = "Green", "Amber", "Red", "Blue"
ROWS = (
    Row("QP-01", QP, "Introduce the assessment template", "Head of Assessment", "R1", (
        State(G, "2026-10-31"), State(G, "2026-10-31"),
        State(B, "2026-10-31", completed="2026-10-20"),
        State(B, "2026-10-31", completed="2026-10-20"),
    ), evidence="Audit shows better analysis"),
    # Re-dated at three boards, and Amber or Red at the last three.
    Row("QP-02", QP, "Audit child protection plans", "Head of Child Protection", "R2", (
        State(G, "2026-09-30"), State(A, "2026-09-30", "2026-10-31"),
        State(A, "2026-09-30", "2026-11-30"), State(R, "2026-09-30", "2026-12-31"),
    )),
    # Amber or Red at all four boards.
    Row("QP-03", QP, "Hold permanence meetings", "Head of Children in Care", "R2", (
        State(A, "2027-01-31"), State(R, "2027-01-31"),
        State(R, "2027-01-31"), State(A, "2027-01-31"),
    )),
    # Re-dated once only.
    Row("QP-04", QP, "Record the child's voice", "Principal Social Worker", "R1", (
        State(G, "2026-12-31"), State(G, "2026-12-31"),
        State(G, "2026-12-31", "2027-01-31"), State(G, "2026-12-31", "2027-01-31"),
    )),
    # Off track at two boards, then on track: not three in a row.
    Row("WF-01", WF, "Reduce caseloads", "Assistant Director", "R3", (
        State(R, "2027-03-31"), State(A, "2027-03-31"),
        State(G, "2027-03-31"), State(A, "2027-03-31"),
    )),
    # Re-dated twice: the Due date itself overwritten at September, then revised at November.
    Row("WF-02", WF, "Run the recruitment campaign", "HR Business Partner", "R3", (
        State(G, "2026-09-15"), State(G, "2026-10-15"),
        State(G, "2026-10-15"), State(G, "2026-10-15", "2026-12-15"),
    )),
    Row("WF-03", WF, "Start group supervision", "Principal Social Worker", "R3", (
        None, None, State(G, "2027-02-28"), State(G, "2027-02-28"),
    )),
    Row("WF-04", WF, "Set up a drift panel", "Assistant Director", "R3", (
        State(G, "2026-12-31"), State(A, "2026-12-31"), None, None,
    )),
)  # fmt: skip

#: Blue, Green, Amber, Red and total at each board, read off ROWS.
EXPECTED_COUNTS = (
    (0, 5, 1, 1, 7),
    (0, 3, 3, 1, 7),
    (1, 4, 1, 1, 7),
    (1, 3, 2, 1, 7),
)

MEASURES = (
    # name, unit, target, better, figure at each board (None: not reported then)
    ("Assessments within 45 working days", "%", 85, "higher", (70, 74, 79, 81)),
    ("Average caseload", "children", 18, "lower", (22.4, 21, None, 20.1)),
)

#: The Recommendations sheet: R4 has no action.
RECOMMENDATIONS = (
    ("R1", "Improve the quality of assessments", "Ofsted inspection, March 2026", "Director"),
    ("R2", "Strengthen child protection planning", "Ofsted inspection, March 2026", ""),
    ("R3", "Stabilise the workforce", "LGA peer review, January 2026", "Head of HR"),
    ("R4", "Strengthen the offer to care leavers", "Ofsted inspection, March 2026", ""),
)

HEADERS = [
    "Ref", "Section", "Recommendation", "Action", "Lead", "Due date", "Revised due date",
    "Completed date", "Status", "Progress update", "Evidence of impact", "Last updated",
]  # fmt: skip


def write_board(
    path: Path,
    board: int,
    *,
    meeting_date: bool = True,
    recommendations: bool = False,
) -> Path:
    """The plan as it stood at board ``board`` (0 to 3), valid at that board's date."""
    date = BOARD_DATES[board]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Actions"
    sheet.append(HEADERS)
    for row in ROWS:
        state = row.states[board]
        if state is None:
            continue
        sheet.append(
            [
                row.ref,
                row.section,
                row.recommendation,
                row.action,
                row.lead,
                D(state.due),
                D(state.revised) if state.revised else None,
                D(state.completed) if state.completed else None,
                state.status,
                None if state.status in (G, B) else "Behind plan; recovery agreed.",
                row.evidence or None,
                date - dt.timedelta(days=10),
            ]
        )
    sections = book.create_sheet("Sections")
    sections.append(["Section", "Lead"])
    for name in SECTIONS:
        sections.append([name, "Director"])
    report = book.create_sheet("Report")
    report.append(["Field", "Value"])
    report.append(["Title", "Improvement plan progress"])
    if meeting_date:
        report.append(["Meeting date", date])
    measures = book.create_sheet("Measures")
    measures.append(["Measure", "Unit", "Target", "Current", "Better"])
    for name, unit, target, better, values in MEASURES:
        if values[board] is not None:
            measures.append([name, unit, target, values[board], better])
    if recommendations:
        _append_table(
            book.create_sheet("Recommendations"),
            ["Ref", "Recommendation", "Source", "Lead"],
            RECOMMENDATIONS,
        )
    book.save(path)
    return path


def _append_table(sheet: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))


def write_boards(folder: Path, names: Sequence[str] = ("aug", "sep", "oct")) -> list[Path]:
    """The three earlier boards into ``folder``, named ``names`` (.xlsx), oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_board(folder / f"{name}.xlsx", board) for board, name in enumerate(names)]
