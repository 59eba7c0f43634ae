"""Write the example workbooks in this folder.

    python workbooks/make_examples.py

writes templates/blank-plan.xlsx (the blank workbook `boardpack init` makes, shipped as a
template), example-plan.xlsx (the Eastbridge plan as at 23 November 2026),
example-plan-previous.xlsx (the same plan at the previous board, for --previous) and
example-with-problems.xlsx (a small plan that trips every rule in rules.yaml; README.md maps
each rule to its cell). Every run gives the same bytes: the files are committed, so a change in
them should mean a change in this script or in plan_data.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import plan_data as data
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RULES = ROOT / "rules.yaml"
sys.path.insert(0, str(ROOT))  # run as a script from a checkout: find the generator package

ACTION_COLUMNS = [
    "Ref",
    "Section",
    "Recommendation",
    "Action",
    "Lead",
    "Partners",
    "Start date",
    "Due date",
    "Revised due date",
    "Completed date",
    "Status",
    "Progress update",
    "Evidence of impact",
    "Last updated",
]
WIDTHS = {
    "Ref": 8,
    "Section": 24,
    "Recommendation": 40,
    "Action": 50,
    "Lead": 28,
    "Partners": 24,
    "Status": 10,
    "Progress update": 55,
    "Evidence of impact": 40,
}
DATE_WIDTH = 12
UK_DATE = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

# Fixed so that the same script gives the same bytes (zip entries and docProps carry times).
FIXED_TIME = dt.datetime(2026, 11, 23, 9, 0, 0)
ZIP_TIME = (2026, 11, 23, 9, 0, 0)
# openpyxl refuses control characters, so a placeholder is swapped for Excel's own escape
# (_x0007_, which Excel and calamine read back as the BEL character) after saving.
BELL_PLACEHOLDER = "[[BELL]]"


def default_rules() -> dict[str, Any]:
    document: dict[str, Any] = YAML(typ="safe").load(RULES.read_text(encoding="utf-8"))
    return document


def status_colours() -> dict[str, tuple[str, str]]:
    """Fill and text colour for each status name, read from the default rules.yaml."""
    return {
        s["name"]: (s["colour"], s.get("text_colour", "000000")) for s in default_rules()["status"]
    }


def write_blank_template(path: Path) -> None:
    """The workbook `boardpack init` writes, from the default rules."""
    from generator.scaffold import build_blank_workbook
    from generator.schema.rules import load_rules

    save_deterministically(build_blank_workbook(load_rules(RULES)), path)


def save_deterministically(workbook: Workbook, path: Path) -> None:
    """Save with fixed timestamps so that re-running the script changes no bytes."""
    workbook.properties.creator = "boardpack examples"
    workbook.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    content,
                )
            content = content.replace(BELL_PLACEHOLDER.encode(), b"_x0007_")
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    path.write_bytes(out.getvalue())


def write_title_block(sheet: Worksheet, lines: Sequence[str], width: int) -> int:
    """Merged title lines above the header row; returns the header row number."""
    for number, text in enumerate(lines, start=1):
        sheet.cell(row=number, column=1, value=text)
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
        sheet.cell(row=number, column=1).font = Font(
            bold=number == 1, size=14 if number == 1 else 11
        )
    return len(lines) + 2  # one blank row between the title block and the headers


def write_table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    header_row: int = 1,
    colours: dict[str, tuple[str, str]] | None = None,
) -> None:
    """Headers in bold, then rows; dates shown the UK way, long text wrapped, statuses coloured."""
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=header_row, column=column, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        width = DATE_WIDTH if "date" in header.lower() or header == "Last updated" else None
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS.get(header, width or 20)
    for row_number, values in enumerate(rows, start=header_row + 1):
        for column, (header, value) in enumerate(zip(headers, values, strict=False), start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row=row_number, column=column, value=value)
            cell.alignment = WRAP if isinstance(value, str) and len(value) > 30 else TOP
            if isinstance(value, dt.date):
                cell.number_format = UK_DATE
            if colours and header in ("Status", "RAG") and value in colours:
                fill, text = colours[value]
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(color=text, bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def action_values(row: data.PlanRow) -> list[Any]:
    return [
        row.ref,
        row.section,
        data.RECOMMENDATIONS[row.recommendation],
        row.action,
        row.lead,
        row.partners,
        data.d(row.start),
        data.d(row.due),
        data.d(row.revised),
        data.d(row.completed),
        row.status,
        row.update,
        row.evidence,
        data.d(row.updated),
    ]


def as_it_was(row: data.PlanRow) -> data.PlanRow:
    """The row as it stood at the previous board."""
    status = row.before_status or row.status
    updated = data.d(row.updated)
    assert updated is not None
    previous_update = updated - data.PREVIOUS_UPDATE_SHIFT
    completed = row.completed if status == "Blue" else ""
    if completed:
        previous_update = max(previous_update, dt.date.fromisoformat(completed))
    return dataclasses.replace(
        row,
        status=status,
        update=row.before_update or row.update,
        revised=row.revised if row.before_revised is None else row.before_revised,
        completed=completed,
        updated=previous_update.isoformat(),
    )


def write_plan(
    path: Path,
    rows: Sequence[data.PlanRow],
    title: str,
    report: dict[str, Any],
    measures: Sequence[tuple[Any, ...]],
) -> None:
    """A complete, valid plan workbook in the shape of the seeds."""
    colours = status_colours()
    workbook = Workbook()
    actions = workbook.active
    assert actions is not None
    actions.title = "Actions"
    header_row = write_title_block(
        actions,
        [
            title,
            f"{data.ORGANISATION} · Plan agreed May 2026 · Status key: Blue – completed; "
            "Green – on track; Amber – some progress but slippage; Red – not progressed as planned",
        ],
        len(ACTION_COLUMNS),
    )
    write_table(actions, ACTION_COLUMNS, map(action_values, rows), header_row, colours)
    last = header_row + len(rows)
    actions.auto_filter.ref = f"A{header_row}:{get_column_letter(len(ACTION_COLUMNS))}{last}"

    write_table(workbook.create_sheet("Sections"), ["Section", "Lead", "Commentary"], data.SECTIONS)
    write_table(
        workbook.create_sheet("Recommendations"),
        ["Ref", "Recommendation", "Source", "Lead"],
        [
            (ref, text, *data.RECOMMENDATION_SOURCES[ref[:2]])
            for ref, text in data.RECOMMENDATIONS.items()
        ],
    )
    workbook["Recommendations"].column_dimensions["B"].width = 70
    write_table(workbook.create_sheet("Report"), ["Field", "Value"], report.items())
    workbook["Report"].column_dimensions["B"].width = 90
    measure_headers = [
        "Measure",
        "Section",
        "Unit",
        "Target",
        "Previous",
        "Current",
        "Better",
        "Commentary",
    ]
    write_table(workbook.create_sheet("Measures"), measure_headers, measures)
    write_table(workbook.create_sheet("Distribution"), ["Name", "Email", "Role"], data.DISTRIBUTION)
    save_deterministically(workbook, path)


def write_example_plan(path: Path) -> None:
    write_plan(
        path,
        data.ROWS,
        "Children's Services Improvement Plan – November 2026",
        data.REPORT,
        data.MEASURES,
    )


def previous_rows() -> list[data.PlanRow]:
    """The plan's rows as they stood at the previous board."""
    rows = [as_it_was(row) for row in data.ROWS if not row.added_since]
    # The removed action sat after LM-06 in the previous plan.
    position = next(i for i, row in enumerate(rows) if row.ref == "LM-08")
    rows.insert(position, data.REMOVED_SINCE)
    return rows


def write_previous_plan(path: Path) -> None:
    rows = previous_rows()
    report = {**data.REPORT, **data.PREVIOUS_REPORT_DATES}
    measures = [
        (name, section, unit, target, *data.PREVIOUS_MEASURES_CURRENT[name], better, "")
        for name, section, unit, target, _, _, better, _ in data.MEASURES
    ]
    write_plan(
        path, rows, "Children's Services Improvement Plan – September 2026", report, measures
    )


def at_earlier_board(row: data.PlanRow, board: data.EarlierBoard) -> data.PlanRow:
    """A row as it stood at an earlier board: completed only if done by the board's data
    date, and on track (Green) otherwise unless the board's own changes say different."""
    as_at = board.data_as_at
    done = row.status == "Blue" and row.completed and data.D(row.completed) <= as_at
    changed: dict[str, str] = {}
    if not done:
        changed = {"status": "Green", "completed": "", "update": "Work is on track."}
    changed.update(board.changes.get(row.ref, {}))
    updated = max(as_at - dt.timedelta(days=5), data.D(row.start) or as_at)
    if done:
        updated = max(updated, data.D(row.completed))
    return dataclasses.replace(row, **changed, updated=min(updated, as_at).isoformat())


def write_earlier_board(path: Path, board: data.EarlierBoard) -> None:
    """The plan at a board before the previous one (see plan_data.EARLIER_BOARDS)."""
    rows = [at_earlier_board(row, board) for row in previous_rows()]
    report = {**data.REPORT, "Meeting date": board.meeting, "Next meeting date": board.next_meeting}
    measures = [
        (name, section, unit, target, *board.measures[name], better, "")
        for name, section, unit, target, _, _, better, _ in data.MEASURES
    ]
    title = f"Children's Services Improvement Plan – {data.month_year(board.data_as_at)}"
    write_plan(path, rows, title, report, measures)


# The problem plan's columns: three headers under aliases (Owner, Target date, RAG) and a
# Notes column that boardpack does not know.
PROBLEM_COLUMNS = [
    "Ref",
    "Section",
    "Recommendation",
    "Action",
    "Owner",
    "Partners",
    "Start date",
    "Target date",
    "Revised due date",
    "Completed date",
    "RAG",
    "Progress update",
    "Evidence of impact",
    "Last updated",
    "Notes",
]
QP, WF = data.QP, data.WF
D = dt.date.fromisoformat  # real dates; plain strings stay text, as if typed into the cell
PLAIN_START, PLAIN_DUE, PLAIN_UPDATED = D("2026-06-01"), D("2027-03-31"), D("2026-11-10")
UPDATE = "Slipped because of staff vacancies; recovery plan agreed."


def _problem(
    ref: str,
    section: str = QP,
    action: str = "Review the threshold document with partners.",
    lead: str = "Head of Service, Assessment",
    start: Any = PLAIN_START,
    due: Any = PLAIN_DUE,
    revised: Any = None,
    completed: Any = None,
    status: str = "Green",
    update: str = "On track.",
    updated: Any = PLAIN_UPDATED,
    notes: str = "",
    recommendation: str = data.RECOMMENDATIONS["QP1"],
) -> list[Any]:
    """One Actions row with nothing wrong in it unless an argument says otherwise."""
    return [
        ref,
        section,
        recommendation,
        action,
        lead,
        "",
        start,
        due,
        revised,
        completed,
        status,
        update,
        "",
        updated,
        notes,
    ]


# Row numbers matter: workbooks/README.md names each problem's cell.
PROBLEM_ROWS: list[list[Any]] = [
    _problem("PR-01", start="23/04/2026", status="amber", update=UPDATE),  # row 4
    _problem("PR-02", start="23 April 2026", status="A", update=UPDATE),  # row 5
    _problem("PR-03", start="23-Apr-26", status=" Green "),  # row 6
    _problem("PR-04", start="2026-04-23", due="31/02/2026", status="Amber", update=UPDATE),
    _problem("PR-05", due="March 2027", status="Purple"),  # row 8
    _problem("PR-06", due="Mar-27", status=""),  # row 9: K9 gets a green fill
    _problem("PR-07", due="Q2 2026/27", status="Amber", update=UPDATE, updated="=TODAY()"),
    [],  # row 11, blank
    _problem("PR-08", due="Ongoing", update=f"Partners met on 3 November.{BELL_PLACEHOLDER}"),
    _problem("PR-09", due="TBC", start="#REF!"),  # row 13
    _problem("PR-10", due="after the summer", notes="Check with the AD"),  # row 14
    _problem("", lead=""),  # row 15
    _problem("PR-12", section="", due=None),  # row 16
    _problem("PR-13", action="", status=""),  # row 17
    # Row 18: Blue and last updated in March, which is not stale: it is done.
    _problem("PR-14", status="Blue", update="Done.", updated=D("2026-03-02"), recommendation="WF2"),
    _problem(
        "PR-15",
        due=D("2026-12-31"),
        revised=D("2026-10-31"),
        status="Red",
        update="",
        updated=D("2026-03-02"),
    ),  # row 19
    _problem(
        "PR-16", status="Blue", completed=D("2027-02-01"), update="Done.", recommendation="WF2"
    ),  # row 20
    _problem("PR-17", due=D("2026-06-30"), recommendation="QP9"),  # row 21
    _problem("PR-18", section="Early Help", completed=D("2026-10-01")),  # row 22
    _problem("PR-03", section=WF, action="Agree a workforce plan."),  # row 23
]
PROBLEM_HEADER_ROW = 3
COLOURED_EMPTY_STATUS = "K9"


def write_problems_workbook(path: Path) -> None:
    """A small plan showing every kind of finding (see README.md for the map of cells)."""
    colours = status_colours()
    workbook = Workbook()
    actions = workbook.active
    assert actions is not None
    actions.title = "Actions"
    header_row = write_title_block(
        actions, ["Improvement plan – example with problems"], len(PROBLEM_COLUMNS)
    )
    assert header_row == PROBLEM_HEADER_ROW
    write_table(actions, PROBLEM_COLUMNS, PROBLEM_ROWS, header_row, colours)
    actions[COLOURED_EMPTY_STATUS].fill = PatternFill("solid", fgColor=colours["Green"][0])

    write_table(
        workbook.create_sheet("Sections"),
        ["Section", "Lead", "Commentary"],
        [(QP, "Assistant Director", ""), (WF, "Head of Workforce Development", "")],
    )
    # QP1 is answered by most actions (by its text), WF2 only by complete actions with no
    # evidence of impact (by Ref), PW3 by none; an action names QP9, which is not listed.
    write_table(
        workbook.create_sheet("Recommendations"),
        ["Ref", "Recommendation", "Source", "Lead"],
        [
            (ref, data.RECOMMENDATIONS[ref], *data.RECOMMENDATION_SOURCES[ref[:2]])
            for ref in ("QP1", "WF2", "PW3")
        ],
    )
    write_table(
        workbook.create_sheet("Report"),
        ["Field", "Value"],
        [
            ("Organisation", data.ORGANISATION),
            ("Meeting", "Children's Improvement Board"),
            ("Meeting date", dt.date(2026, 11, 30)),
            ("Title", "Improvement Plan Progress Update"),
            ("Next meeting date", dt.date(2027, 1, 18)),
            # Row 7: a misspelt field is named in a warning, never dropped in silence.
            ("Finacial implications", "None beyond the improvement budget."),
        ],
    )
    write_table(
        workbook.create_sheet("Measures"),
        ["Measure", "Section", "Unit", "Target", "Previous", "Current", "Better", "Commentary"],
        [
            ("% of assessments within 45 working days", QP, "%", 85, 71, "n/k", "higher", ""),
            ("Average caseload per social worker", WF, "children", 18, 22.4, 20.1, "up", ""),
        ],
    )
    write_table(
        workbook.create_sheet("Distribution"),
        ["Name", "Email", "Role"],
        [
            ("Margaret Oduya", "margaret.oduya@example.org", "Independent Chair"),
            ("Tom Hartley", "tom.hartley at example.org", "Lead Member"),
        ],
    )
    save_deterministically(workbook, path)


def main(examples: Path = HERE, templates: Path = ROOT / "templates") -> None:
    """Write the example workbooks into ``examples`` and the blank template into ``templates``."""
    templates.mkdir(exist_ok=True)
    write_blank_template(templates / "blank-plan.xlsx")
    write_example_plan(examples / "example-plan.xlsx")
    write_previous_plan(examples / "example-plan-previous.xlsx")
    write_problems_workbook(examples / "example-with-problems.xlsx")
    earlier = examples / "earlier-boards"
    earlier.mkdir(exist_ok=True)
    for board in data.EARLIER_BOARDS:
        write_earlier_board(earlier / board.file_name, board)


if __name__ == "__main__":
    # With a folder argument (used by the tests) every file goes there instead.
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]), Path(sys.argv[1]))
    else:
        main()
