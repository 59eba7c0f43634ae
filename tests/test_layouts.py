"""Plans as councils lay them out: the plan's sheet found by what it holds, section heading
rows, a sheet per section, the headers people write, and clear answers when it is not a plan."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import AS_OF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layout_plans import LAYOUTS, action, write_layout

from generator.cli import main
from generator.errors import MissingColumns, MissingSheet
from generator.pipeline import check_workbook
from generator.schema.rules import Rules

PLAN = [
    action("L1", "Leadership and governance"),
    action("L2", "Leadership and governance", Status="Amber", **{"Progress update": "Late"}),
    action("W1", "Workforce", Status="Blue", **{"Completed date": dt.date(2026, 10, 1)}),
    action("P1", "Partnership working", Status="Red", **{"Progress update": "Not started"}),
]


def one_sheet(path: Path, title: str, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER = ["Ref", "Section", "Action", "Lead", "Due date", "Status"]
ROW = ["A1", "Leadership", "Act", "Director", dt.date(2027, 3, 31), "Green"]


@pytest.mark.parametrize(
    "title", ["Improvement Plan 2026", "Ofsted Action Plan", "Sheet1", "Action Plan v3"]
)
def test_a_one_sheet_plan_is_read_whatever_its_sheet_is_called(
    tmp_path: Path, rules: Rules, title: str
) -> None:
    path = one_sheet(tmp_path / "plan.xlsx", title, [["Our plan"], HEADER, ROW])
    checked = check_workbook(path, rules, AS_OF)
    assert [a.ref for a in checked.plan.actions] == ["A1"]
    assert checked.result.errors == []
    assert checked.workbook.actions.sheet == title


def test_the_plan_is_found_among_other_sheets_by_its_header(tmp_path: Path, rules: Rules) -> None:
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.append(["Ofsted action plan", "November 2026"])
    notes = book.create_sheet("Notes")
    notes.append(["Ref", "Note"])  # names one of the plan's columns, not the plan
    plan = book.create_sheet("Tracker")
    plan.append(HEADER)
    plan.append(ROW)
    book.save(tmp_path / "plan.xlsx")
    checked = check_workbook(tmp_path / "plan.xlsx", rules, AS_OF)
    assert checked.workbook.actions.sheet == "Tracker"
    assert "header row" in checked.workbook.actions.found_by


def test_a_sheet_named_actions_still_wins(tmp_path: Path, rules: Rules) -> None:
    book = openpyxl.Workbook()
    other = book.active
    other.title = "Archive 2025"
    other.append(HEADER)
    other.append(["OLD", "Old", "Old action", "Director", dt.date(2025, 3, 31), "Blue"])
    actions = book.create_sheet("Actions")
    actions.append(HEADER)
    actions.append(ROW)
    book.save(tmp_path / "plan.xlsx")
    checked = check_workbook(tmp_path / "plan.xlsx", rules, AS_OF)
    assert [a.ref for a in checked.plan.actions] == ["A1"]
    assert checked.workbook.actions.found_by.startswith("its name")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_gives_the_same_sections_and_counts(
    tmp_path: Path, rules: Rules, layout: str
) -> None:
    path = write_layout(tmp_path / f"{layout}.xlsx", PLAN, layout)
    checked = check_workbook(path, rules, AS_OF)
    assert checked.result.errors == []
    plan = checked.plan
    sections = plan.section_names()
    if layout == "sheets":
        sections = [name.split(": ", 1)[1] for name in sections]  # "Priority 1: Leadership..."
    assert sections == ["Leadership and governance", "Workforce", "Partnership working"]
    assert [plan.status_counts(group) for group in plan.actions_by_section().values()] == [
        {"Blue": 0, "Green": 1, "Amber": 1, "Red": 0},
        {"Blue": 1, "Green": 0, "Amber": 0, "Red": 0},
        {"Blue": 0, "Green": 0, "Amber": 0, "Red": 1},
    ]


def test_heading_rows_are_not_actions_and_a_section_column_wins(
    tmp_path: Path, rules: Rules
) -> None:
    path = one_sheet(
        tmp_path / "plan.xlsx",
        "Plan",
        [
            HEADER,
            ["Leadership"],  # a heading in a table that also has a Section column
            ["A1", "Governance", "Act", "Director", dt.date(2027, 3, 31), "Green"],
            ["A2", None, "Act", "Director", dt.date(2027, 3, 31), "Green"],
        ],
    )
    checked = check_workbook(path, rules, AS_OF)
    assert [(a.ref, a.section) for a in checked.plan.actions] == [
        ("A1", "Governance"),
        ("A2", "Leadership"),
    ]
    assert checked.result.errors == []


def test_rows_above_the_first_heading_have_no_section(tmp_path: Path, rules: Rules) -> None:
    own = [h for h in HEADER if h != "Section"]
    path = one_sheet(
        tmp_path / "plan.xlsx",
        "Plan",
        [
            own,
            ["A0", "Act", "Director", dt.date(2027, 3, 31), "Green"],
            ["Leadership"],
            ["A1", "Act", "Director", dt.date(2027, 3, 31), "Green"],
        ],
    )
    checked = check_workbook(path, rules, AS_OF)
    assert [[f.cell, f.ref, f.rule] for f in checked.result.errors] == [
        ["", "A0", "section-required"]
    ]
    assert [a.section for a in checked.plan.actions] == ["", "Leadership"]


def test_an_action_with_only_a_ref_and_text_is_not_taken_for_a_heading(
    tmp_path: Path, rules: Rules
) -> None:
    own = [h for h in HEADER if h != "Section"]
    path = one_sheet(
        tmp_path / "plan.xlsx",
        "Plan",
        [own, ["Leadership"], ["QP-05", "Half-written action"]],
    )
    checked = check_workbook(path, rules, AS_OF)
    assert [a.ref for a in checked.plan.actions] == ["QP-05"]
    assert {"lead-required", "due-date-required", "status-required"} <= {
        rule for (rule,) in checked.result.flatten(["rule"])
    }


def test_no_section_column_and_no_headings_says_what_to_add(tmp_path: Path, rules: Rules) -> None:
    own = [h for h in HEADER if h != "Section"]
    path = one_sheet(
        tmp_path / "plan.xlsx", "Plan", [own, ["A1", "Act", "Director", "1/1/2027", "Green"]]
    )
    with pytest.raises(MissingColumns) as raised:
        check_workbook(path, rules, AS_OF)
    message = str(raised.value)
    assert "Plan!1:1: no Section column and no section heading rows" in message
    assert "or a heading row above each section's actions" in message


def test_a_question_header_gets_no_implausible_suggestion(tmp_path: Path, rules: Rules) -> None:
    path = one_sheet(
        tmp_path / "plan.xlsx",
        "Plan",
        [["Ref", "Section", "What will we dooo?", "Leed", "By when?", "RAG"], ROW],
    )
    with pytest.raises(MissingColumns) as raised:
        check_workbook(path, rules, AS_OF)
    message = str(raised.value)
    assert 'Action (did you mean "What will we dooo?"?)' in message
    assert 'Lead (did you mean "Leed"?)' in message
    assert 'did you mean "Section"' not in message  # Section is read: never offered again


def test_a_header_carrying_a_date_and_the_latest_month_wins(tmp_path: Path, rules: Rules) -> None:
    headers = ["Ref", "Section", "Action", "Lead", "Due date", "RAG Oct 2026", "RAG Nov 2026",
               "Update Oct 26", "Progress update November 2026", "Update Sept 26"]  # fmt: skip
    path = one_sheet(
        tmp_path / "plan.xlsx",
        "Plan",
        [
            headers,
            ["A1", "S", "Act", "Lead", dt.date(2027, 1, 1), "Red", "Amber", "old", "new", "older"],
        ],
    )
    checked = check_workbook(path, rules, AS_OF)
    action_read = checked.plan.actions[0]
    assert (action_read.status, action_read.progress_update) == ("Amber", "new")
    readings = {r.typed: (r.became, r.how) for r in checked.workbook.actions.readings}
    assert readings["Progress update November 2026"] == ("Progress update", "dated")
    assert readings["Update Oct 26"] == ("", "")


@pytest.mark.parametrize(
    ("typed", "column"),
    [
        ("What will we do?", "Action"),
        ("What we will do", "Action"),
        ("How?", "Action"),
        ("Who?", "Lead"),
        ("Lead officer", "Lead"),
        ("Responsible", "Lead"),
        ("By when?", "Due date"),
        ("Timescale", "Due date"),
        ("Target date", "Due date"),
        ("RAG rating", "Status"),
        ("Theme", "Section"),
        ("Workstream", "Section"),
        ("Strand", "Section"),
        ("Progress update November 2026", "Progress update"),
        ("Update Nov 26", "Progress update"),
    ],
)
def test_headers_people_write(tmp_path: Path, rules: Rules, typed: str, column: str) -> None:
    headers = {"Section": "Section", "Action": "Action", "Lead": "Lead", "Due date": "Due date",
               "Status": "Status", "Progress update": "Progress update"}  # fmt: skip
    headers[column] = typed
    values = {"Section": "S", "Action": "Act", "Lead": "Lead", "Due date": dt.date(2027, 1, 1),
              "Status": "Green", "Progress update": "Fine"}  # fmt: skip
    path = one_sheet(
        tmp_path / "plan.xlsx",
        "Plan",
        [["Ref", *headers.values()], ["A1", *values.values()]],
    )
    checked = check_workbook(path, rules, AS_OF)
    assert checked.workbook.actions.headers[column] == typed
    assert checked.result.errors == []


def test_a_workbook_that_is_not_a_plan_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Austin"
    book.active.append(["Quarter", "Revenue", "Costs"])
    book.active.append(["Q1", 100, 80])
    book.create_sheet("Budget").append(["Item", "Amount"])
    book.save(tmp_path / "accounts.xlsx")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "accounts.xlsx")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no sheet holds an improvement plan" in lines[0]
    assert '(sheets: "Austin", "Budget")' in lines[0]
    assert "did you mean" not in lines[0] and "Rename" not in lines[0]


def test_the_closest_sheet_is_named_when_no_sheet_holds_the_plan(
    tmp_path: Path, rules: Rules
) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    plan = book.create_sheet("Action Plan v3")
    plan.append(["Action", "Lead officer", "Target"])
    book.save(tmp_path / "plan.xlsx")
    with pytest.raises(MissingColumns) as raised:
        check_workbook(tmp_path / "plan.xlsx", rules, AS_OF)
    message = str(raised.value)
    assert "Action Plan v3!1:1: missing required columns Ref, Section, Due date, Status" in message
    assert "rules file" in message


def test_an_empty_sheet_named_like_the_plan_is_mentioned(tmp_path: Path, rules: Rules) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Actons"
    book.save(tmp_path / "plan.xlsx")
    with pytest.raises(MissingSheet, match='"Actons" is named like one, but holds no header'):
        check_workbook(tmp_path / "plan.xlsx", rules, AS_OF)


def test_findings_on_a_sheet_per_section_name_their_own_sheet_and_cell(
    tmp_path: Path, rules: Rules
) -> None:
    plan = [*PLAN, action("W2", "Workforce", Lead=None)]
    path = write_layout(tmp_path / "plan.xlsx", plan, "sheets")
    checked = check_workbook(path, rules, AS_OF)
    assert [[f.sheet, f.cell, f.ref, f.rule] for f in checked.result.errors] == [
        ["2. Priority 2", "C4", "W2", "lead-required"]
    ]


# --- The property: a plan is the same plan in any layout ------------------------------------

_WORDS = st.text(string.ascii_letters, min_size=3, max_size=10)
# Short enough to be a sheet's name too (Excel allows 31 characters, "1. " included).
_SECTION_NAMES = (
    st.lists(_WORDS, min_size=1, max_size=3).map(" and ".join).filter(lambda name: len(name) <= 28)
)
_TEXT = st.text(string.ascii_letters + string.digits + " ,.'-", min_size=1, max_size=40).filter(
    lambda text: text.strip() != ""
)
_DAYS = st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31))


@st.composite
def plans(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A valid plan: one to four sections, each with one to five actions."""
    sections = draw(
        st.lists(_SECTION_NAMES, min_size=1, max_size=4, unique_by=lambda name: name.casefold())
    )
    actions = []
    for number, section in enumerate(sections, start=1):
        for index in range(draw(st.integers(1, 5))):
            status = draw(st.sampled_from(["Blue", "Green", "Amber", "Red"]))
            values: dict[str, Any] = {
                "Action": draw(_TEXT).strip(),
                "Lead": draw(_TEXT).strip(),
                "Due date": draw(_DAYS),
                "Status": status,
            }
            if status == "Blue":
                values["Completed date"] = draw(st.dates(dt.date(2024, 1, 1), AS_OF))
            if status in ("Amber", "Red") or draw(st.booleans()):
                values["Progress update"] = draw(_TEXT).strip()
            actions.append(action(f"R{number}-{index + 1}", section, **values))
    return actions


def _read(path: Path, rules: Rules) -> tuple[list[str], list[tuple[Any, ...]]]:
    plan = check_workbook(path, rules, AS_OF).plan
    actions = [
        (a.ref, a.section, a.action, a.lead, a.due_date, a.completed_date, a.status,
         a.progress_update)
        for a in plan.actions
    ]  # fmt: skip
    return plan.section_names(), actions


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_any_valid_plan_is_the_same_plan_in_every_layout(
    tmp_path_factory: pytest.TempPathFactory, rules: Rules, plan: list[dict[str, Any]]
) -> None:
    folder = tmp_path_factory.mktemp("layouts")
    expected = _read(write_layout(folder / "columns.xlsx", plan, "columns"), rules)
    # One sheet alone is not a sheet per section: it needs a Section column or headings.
    several = len(expected[0]) > 1
    for layout in ("headings", "named-sheets") if several else ("headings",):
        assert _read(write_layout(folder / f"{layout}.xlsx", plan, layout), rules) == expected
