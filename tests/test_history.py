"""Many earlier boards: progress over time, actions that keep slipping, measures over time.

The four boards are in history_boards.py, each action's state at each board written out, so
each expected row below can be checked against that table by eye.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from history_boards import AS_OF, BOARD_DATES, EXPECTED_COUNTS, write_board, write_boards

from generator.board_report import make_report
from generator.common.ukdates import uk_date
from generator.model.history import Board, History
from generator.model.plan import Action, Plan
from generator.schema.rules import Rules
from tests.report_reading import column, headings, open_report, rows_of, table_captioned

PROGRESS = "Actions by status at each board"
REDATED = "Actions re-dated at 2 or more boards"
OFF_TRACK = "Actions Amber or Red at 3 or more boards in a row"
MEASURES = "Measures at each board"


def report(
    tmp_path: Path, rules: Rules, previous: Any, name: str = "report.docx", **options: Any
) -> tuple[bytes, list[str]]:
    """The report's bytes and the warnings about earlier workbooks."""
    current = tmp_path / "current.xlsx"
    if not current.exists():
        write_board(current, 3)
    output = tmp_path / name
    run = make_report(current, output, rules=rules, as_of=AS_OF, previous=previous, **options)
    assert run.written == output, [f.describe() for f in run.result.errors]
    return output.read_bytes(), run.earlier_warnings


def board_rows(data: bytes) -> list[list[str]]:
    return rows_of(table_captioned(open_report(data), PROGRESS))


def expected_progress() -> list[list[str]]:
    names = [uk_date(day) for day in BOARD_DATES]
    names[-1] += " (this report)"
    return [
        ["Board", "Blue – completed", "Green – on track", "Amber – some progress but slippage",
         "Red – not progressed as planned", "Total number of actions"],
        *([name, *map(str, counts)] for name, counts in zip(names, EXPECTED_COUNTS, strict=True)),
    ]  # fmt: skip


@pytest.fixture
def boards(tmp_path: Path) -> Path:
    # Named so that file-name order is not board order: the Meeting dates must decide.
    write_boards(tmp_path / "boards", names=("z-august", "b-september", "m-october"))
    return tmp_path / "boards"


def test_four_monthly_boards_give_the_known_tables(
    tmp_path: Path, rules: Rules, boards: Path
) -> None:
    data, warnings = report(tmp_path, rules, boards)
    assert warnings == []
    document = open_report(data)
    assert board_rows(data) == expected_progress()
    assert rows_of(table_captioned(document, REDATED))[1:] == [
        ["QP-02", "Audit child protection plans", "Head of Child Protection", "3",
         "30 September 2026\nto 31 December 2026", "Red"],
        ["WF-02", "Run the recruitment campaign", "HR Business Partner", "2",
         "15 September 2026\nto 15 December 2026", "Green"],
    ]  # fmt: skip
    assert rows_of(table_captioned(document, OFF_TRACK))[1:] == [
        ["QP-03", "Hold permanence meetings", "Head of Children in Care", "4",
         "24 August 2026\nto 30 November 2026 (this report)", "Amber"],
        ["QP-02", "Audit child protection plans", "Head of Child Protection", "3",
         "28 September 2026\nto 30 November 2026 (this report)", "Red"],
    ]  # fmt: skip
    assert rows_of(table_captioned(document, MEASURES)) == [
        ["Measure", "Target", "24 Aug\n2026", "28 Sep\n2026", "26 Oct\n2026", "30 Nov\n2026"],
        ["Assessments within 45 working days", "85%", "70%", "74%", "79%", "81%"],
        ["Average caseload (children)", "18", "22.4", "21", "", "20.1"],
    ]
    titles = [text for _, text in headings(document)]
    order = [
        next(i for i, text in enumerate(titles) if text.endswith(name))
        for name in ("Changes since the last report", "Progress over time",
                     "Actions that keep slipping", "Performance measures", "Measures over time")
    ]  # fmt: skip
    assert order == sorted(order)
    # The last board before this one is what "changes since the last report" compares with.
    moved = table_captioned(
        document, "Actions whose due date has moved later since the last report"
    )
    assert column(moved, "Was due") == ["30 November 2026", "15 October 2026"]


def test_the_chart_says_its_numbers_in_words(tmp_path: Path, rules: Rules, boards: Path) -> None:
    document = open_report(report(tmp_path, rules, boards)[0])
    described = [
        element.get("descr")
        for element in document.element.body.iter()
        if element.tag.endswith("}docPr") and element.get("title") == PROGRESS
    ]
    assert described == [
        "Column chart of action status at each board, oldest first. "
        "24 August 2026: 7 actions with a status: 0 Blue, 5 Green, 1 Amber, 1 Red. "
        "28 September 2026: 7 actions with a status: 0 Blue, 3 Green, 3 Amber, 1 Red. "
        "26 October 2026: 7 actions with a status: 1 Blue, 4 Green, 1 Amber, 1 Red. "
        "30 November 2026 (this report): 7 actions with a status: 1 Blue, 3 Green, 2 Amber, 1 Red."
    ]


def test_the_same_inputs_give_the_same_bytes_however_the_boards_are_named(
    tmp_path: Path, rules: Rules, boards: Path
) -> None:
    from_folder, _ = report(tmp_path, rules, boards, "folder.docx")
    again, _ = report(tmp_path, rules, boards, "again.docx")
    files = sorted(boards.iterdir(), reverse=True)
    one_by_one, _ = report(tmp_path, rules, files, "repeated.docx")
    assert from_folder == again == one_by_one


def test_a_folder_holding_the_current_workbook_passes_over_it(
    tmp_path: Path, rules: Rules, boards: Path
) -> None:
    without, _ = report(tmp_path, rules, boards, "without.docx")
    current = tmp_path / "current.xlsx"
    moved = boards / "current.xlsx"
    shutil.move(current, moved)
    output = tmp_path / "with.docx"
    run = make_report(moved, output, rules=rules, as_of=AS_OF, previous=boards)
    assert run.earlier_warnings == []
    assert output.read_bytes() == without


def test_a_copy_of_the_current_workbook_named_as_earlier_is_left_out_with_a_warning(
    tmp_path: Path, rules: Rules, boards: Path
) -> None:
    write_board(tmp_path / "current.xlsx", 3)
    copy = shutil.copy(tmp_path / "current.xlsx", tmp_path / "copy.xlsx")
    data, warnings = report(tmp_path, rules, [boards, copy])
    assert warnings == [
        f"earlier workbook left out: {copy}: it is the same as current.xlsx, "
        "the workbook being reported"
    ]
    assert len(board_rows(data)) == 5


def test_an_unreadable_earlier_workbook_is_left_out_with_a_warning_naming_it(
    tmp_path: Path, rules: Rules, boards: Path
) -> None:
    damaged = boards / "a-damaged.xlsx"
    damaged.write_bytes((boards / "b-september.xlsx").read_bytes()[:3000])
    no_actions = boards / "c-notes.xlsx"
    write_board(no_actions, 0)
    _drop_sheet(no_actions, "Actions")
    (boards / "~$m-october.xlsx").write_bytes(b"lock file")  # Excel's: never read
    (boards / "minutes.docx").write_bytes(b"not a workbook, and not read")
    data, warnings = report(tmp_path, rules, boards)
    assert [line.split(": ")[:2] for line in warnings] == [
        ["earlier workbook left out", str(damaged)],
        ["earlier workbook left out", str(no_actions)],
    ]
    assert board_rows(data) == expected_progress()


def test_through_the_command_line_warnings_name_the_workbook_and_the_report_is_written(
    tmp_path: Path, run_cli, boards: Path
) -> None:
    current = write_board(tmp_path / "current.xlsx", 3)
    (boards / "broken.xlsx").write_text("not a workbook")
    done = run_cli(
        "report", str(current), "-o", "report.docx", "--as-of", "2026-11-23",
        "--previous", str(boards),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"warning: earlier workbook left out: {boards / 'broken.xlsx'}: "
    ), lines
    assert board_rows((tmp_path / "report.docx").read_bytes()) == expected_progress()


def test_a_board_dated_on_or_after_this_one_is_left_out(
    tmp_path: Path, rules: Rules, boards: Path
) -> None:
    write_board(boards / "later.xlsx", 3)
    _set_meeting_date(boards / "later.xlsx", dt.date(2026, 12, 14))
    data, warnings = report(tmp_path, rules, boards)
    assert warnings == [
        f"earlier workbooks left out: {boards / 'later.xlsx'} (14 December 2026): their "
        "Meeting date is not before this report's Meeting date, 30 November 2026"
    ]
    assert board_rows(data) == expected_progress()


def test_two_workbooks_for_one_board_keep_the_later_by_name(
    tmp_path: Path, rules: Rules, boards: Path
) -> None:
    shutil.move(boards / "b-september.xlsx", boards / "b-september-v2.xlsx")
    first_go = shutil.copy(boards / "m-october.xlsx", boards / "b-september.xlsx")
    _set_meeting_date(first_go, BOARD_DATES[1])  # October's figures, for September
    data, warnings = report(tmp_path, rules, boards)
    assert warnings == [
        "earlier workbooks left out for another with the same Meeting date, later by name: "
        "b-september.xlsx (by b-september-v2.xlsx)"
    ]
    assert board_rows(data) == expected_progress()


def test_without_meeting_dates_boards_go_by_file_name(tmp_path: Path, rules: Rules) -> None:
    folder = tmp_path / "undated"
    folder.mkdir()
    for board, name in enumerate(("board-2", "board-9", "board-10")):
        write_board(folder / f"{name}.xlsx", board, meeting_date=False)
    data, warnings = report(tmp_path, rules, folder)
    assert warnings == [
        "earlier workbooks put in order by file name, as "
        f"{folder / 'board-2.xlsx'}, {folder / 'board-9.xlsx'}, {folder / 'board-10.xlsx'} "
        "have no Meeting date on a Report sheet"
    ]
    names = [row[0] for row in board_rows(data)[1:]]
    assert names == [
        "board-2.xlsx",
        "board-9.xlsx",
        "board-10.xlsx",
        "30 November 2026 (this report)",
    ]
    assert [row[1:] for row in board_rows(data)[1:]] == expected_progress_counts()


def expected_progress_counts() -> list[list[str]]:
    return [list(map(str, counts)) for counts in EXPECTED_COUNTS]


def test_one_earlier_board_gives_the_changes_and_no_history(
    tmp_path: Path, rules: Rules, boards: Path
) -> None:
    data, _ = report(tmp_path, rules, boards / "m-october.xlsx")
    titles = [text for _, text in headings(open_report(data))]
    assert any(title.endswith("Changes since the last report") for title in titles)
    assert not any("over time" in title or "slipping" in title for title in titles)


def test_a_folder_with_no_workbooks_is_a_warning(tmp_path: Path, rules: Rules) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _, warnings = report(tmp_path, rules, empty)
    assert warnings == [
        f"{empty}: the folder holds no workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods), so no "
        "earlier board was read from it"
    ]


def test_a_previous_path_that_does_not_exist_stops_the_report(tmp_path: Path, run_cli) -> None:
    current = write_board(tmp_path / "current.xlsx", 3)
    done = run_cli(
        "report", str(current), "-o", "out.docx", "--previous", "no-such-folder",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "boardpack: no-such-folder: no such earlier workbook or folder\n"
    assert not (tmp_path / "out.docx").exists()


# --- the model on its own --------------------------------------------------------------------


def _plan(rules: Rules, *actions: Action) -> Plan:
    return Plan(actions=list(actions), sections=[], key=rules.key)


def test_a_board_without_the_action_breaks_its_run_and_repeated_refs_are_not_followed(
    rules: Rules,
) -> None:
    red = Action("QP-1", "S", "Act", status="Red")
    history = History(
        [
            Board(_plan(rules, red), "1", None),
            Board(_plan(rules, red), "2", None),
            Board(_plan(rules), "3", None),  # QP-1 missing here
            Board(_plan(rules, red), "4", None),
            Board(_plan(rules, red, Action("qp 1", "S", "Again", status="Red")), "5", None),
        ]
    )
    assert history.off_track(at_least=3) == []  # 1-2 and 4-5: the gap at 3 breaks the run
    runs = history.off_track(at_least=2)
    assert [(run.action.action, run.length, run.first.label, run.last.label) for run in runs] == [
        ("Act", 2, "1", "2")  # the earlier of two equal runs; the repeated "qp 1" not followed
    ]


def _drop_sheet(path: Path, name: str) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    del book[name]
    book.save(path)


def _set_meeting_date(path: Path, day: dt.date) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["Report"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "Meeting date":
            row[1].value = day
    book.save(path)


def test_the_new_sections_number_their_paragraphs_as_the_rest_of_the_paper(
    tmp_path: Path, rules: Rules, boards: Path
) -> None:
    # Members cite "7.2" at the meeting: every sentence of the history and recommendation
    # sections is numbered under its section's heading, as in every other section.
    data, _ = report(tmp_path, rules, boards)
    document = open_report(data)
    wanted = (
        "Progress against the recommendations",
        "Progress over time",
        "Actions that keep slipping",
        "Measures over time",
    )
    section = ""
    sentences: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == "Heading 1":
            number, _, title = text.partition(". ")
            section = number if title in wanted else ""
            if section:
                sentences[title] = []
        elif section and text and not style.startswith(("Heading", "Caption")):
            sentences[next(reversed(sentences))].append(text)
    assert set(sentences) == set(wanted)
    for title, texts in sentences.items():
        assert texts, title
        numbers = [text.split("\t")[0] for text in texts]
        heading = next(t for _, t in headings(document) if t.endswith(title)).split(".")[0]
        assert numbers == [f"{heading}.{n}" for n in range(1, len(texts) + 1)], (title, texts)


def test_the_chart_hatches_each_status_as_the_progress_chart_does(rules: Rules) -> None:
    # Printed in greyscale, Green, Amber and Red are told apart by their hatching; Blue,
    # the first status, is plain (chart_style.HATCHES). One status a column, 40 actions each.
    from PIL import Image

    from generator.render.history_chart import history_chart_png

    key = rules.key
    png = history_chart_png([(s.name, {s.name: 40}) for s in key.statuses], key)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = image.load()
    assert pixels is not None
    width, height = image.size
    solid_share = {}
    for status in key.statuses:
        colour = tuple(int(status.colour[i : i + 2], 16) for i in (0, 2, 4))
        found = [(x, y) for x in range(width) for y in range(height) if pixels[x, y] == colour]
        # The column is the largest block of the colour; the legend's swatch lies apart.
        middle = sorted(x for x, _ in found)[len(found) // 2]
        column = [(x, y) for x, y in found if abs(x - middle) < width // 12]
        left, right = min(x for x, _ in column), max(x for x, _ in column)
        top, bottom = min(y for _, y in column), max(y for _, y in column)
        area = (right - left + 1) * (bottom - top + 1)
        solid_share[status.name] = len(column) / area
    assert solid_share["Blue"] > 0.9, solid_share  # plain but for its count
    for name in ("Green", "Amber", "Red"):
        assert solid_share[name] < 0.85, solid_share  # hatch lines cross the fill
