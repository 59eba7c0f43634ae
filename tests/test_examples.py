"""The example workbooks and the benchmark plan generator."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from bench.make_plans import make_plan
from generator.cli import main
from generator.findings import NOT_CHECKED_RULES
from generator.schema.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"
EXAMPLES = ["example-plan.xlsx", "example-plan-previous.xlsx", "example-with-problems.xlsx"]
#: The boards before the previous one, with the date their data stands at.
EARLIER_BOARDS = {
    "earlier-boards/2026-06-08-board.xlsx": "2026-06-01",
    "earlier-boards/2026-08-10-board.xlsx": "2026-08-03",
}
NOW = dt.date(2026, 11, 23)
ACTIONS_HEADER_ROW = 3  # 0-based: the example plan has a title block of two rows and a gap


def sheet(path: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def actions(path: Path) -> list[dict[str, object]]:
    rows = sheet(path, "Actions")
    header = [str(cell) for cell in rows[ACTIONS_HEADER_ROW]]
    return [
        dict(zip(header, row, strict=True)) for row in rows[ACTIONS_HEADER_ROW + 1 :] if any(row)
    ]


@pytest.fixture(scope="module")
def fresh_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("examples")
    subprocess.run(
        [sys.executable, str(WORKBOOKS / "make_examples.py"), str(folder)], check=True, cwd=ROOT
    )
    return folder


@pytest.mark.parametrize("name", [*EXAMPLES, *EARLIER_BOARDS, "blank-plan.xlsx"])
def test_committed_workbooks_are_what_the_script_writes(fresh_examples: Path, name: str) -> None:
    committed = ROOT / "templates" / name if name == "blank-plan.xlsx" else WORKBOOKS / name
    assert (fresh_examples / name).read_bytes() == committed.read_bytes()


@pytest.mark.parametrize("name", EXAMPLES)
def test_rerunning_the_script_gives_the_same_cells(
    fresh_examples: Path, tmp_path: Path, name: str
) -> None:
    subprocess.run(
        [sys.executable, str(WORKBOOKS / "make_examples.py"), str(tmp_path)], check=True, cwd=ROOT
    )
    for sheet_name in CalamineWorkbook.from_path(str(tmp_path / name)).sheet_names:
        assert sheet(tmp_path / name, sheet_name) == sheet(fresh_examples / name, sheet_name)


def test_example_plan_has_64_actions_in_seed_004s_five_sections() -> None:
    plan = actions(WORKBOOKS / "example-plan.xlsx")
    sections = [row[0] for row in sheet(WORKBOOKS / "example-plan.xlsx", "Sections")[1:]]
    assert 60 <= len(plan) <= 70
    assert sections == [
        "Quality of Practice",
        "Capacity and capability of workforce",
        "Effective Leadership and Management",
        "Quality Assurance and Performance Management",
        "Partnership working",
    ]
    assert {row["Section"] for row in plan} == set(sections)
    assert len({row["Ref"] for row in plan}) == len(plan)
    assert set(collections.Counter(row["Status"] for row in plan)) == {
        "Blue",
        "Green",
        "Amber",
        "Red",
    }


def test_example_plan_is_consistent_as_of_23_november_2026() -> None:
    plan = actions(WORKBOOKS / "example-plan.xlsx")
    overdue = due_soon = 0
    for row in plan:
        due = row["Revised due date"] or row["Due date"]
        assert isinstance(due, dt.date)
        completed = row["Completed date"]
        if row["Status"] == "Blue":
            assert isinstance(completed, dt.date) and completed < NOW, row["Ref"]
        else:
            assert completed == "", row["Ref"]
            overdue += due < NOW
            due_soon += NOW <= due <= dt.date(2027, 1, 18)
        if row["Status"] in ("Amber", "Red"):
            assert row["Progress update"], row["Ref"]
        if row["Status"] == "Green":
            assert due >= NOW, row["Ref"]
        last_updated = row["Last updated"]
        assert isinstance(last_updated, dt.date)
        assert NOW - dt.timedelta(days=60) <= last_updated <= NOW, row["Ref"]
    assert overdue >= 3 and due_soon >= 3


def test_previous_plan_differs_by_added_removed_and_changed_actions() -> None:
    now = {row["Ref"]: row for row in actions(WORKBOOKS / "example-plan.xlsx")}
    before = {row["Ref"]: row for row in actions(WORKBOOKS / "example-plan-previous.xlsx")}
    assert sorted(now.keys() - before.keys()) == ["PW-13", "QP-16", "WF-13"]
    assert sorted(before.keys() - now.keys()) == ["LM-07"]
    changed = {
        ref for ref in now.keys() & before.keys() if now[ref]["Status"] != before[ref]["Status"]
    }
    assert {"QP-03", "QP-07", "WF-03"} <= changed


def test_bench_plan_has_the_rows_asked_for(tmp_path: Path) -> None:
    path = make_plan(tmp_path / "plan.xlsx", 250, seed=3)
    rows = sheet(path, "Actions")
    assert rows[0][:2] == ["Ref", "Section"]
    data = rows[1:]
    assert len(data) == 250
    assert len({row[0] for row in data}) == 250
    sections = {row[0] for row in sheet(path, "Sections")[1:]}
    assert {row[1] for row in data} <= sections
    for row in data:
        status, completed, update = row[10], row[9], row[11]
        if status == "Blue":
            assert isinstance(completed, dt.date) and completed < NOW
        if status in ("Amber", "Red"):
            assert update


def test_bench_plan_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    first = sheet(make_plan(tmp_path / "a.xlsx", 50, seed=1), "Actions")
    second = sheet(make_plan(tmp_path / "b.xlsx", 50, seed=1), "Actions")
    assert first == second


def validate(path: Path, as_of: str) -> tuple[int, list[dict[str, str]]]:
    """Exit code and findings of `boardpack validate --format json`."""
    result = CliRunner().invoke(main, ["validate", str(path), "--as-of", as_of, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("as_of", ["2026-11-23", "2027-01-18", "2030-06-30"])
def test_example_plan_has_no_errors_on_or_after_23_november_2026(as_of: str) -> None:
    exit_code, findings = validate(WORKBOOKS / "example-plan.xlsx", as_of)
    assert exit_code == 0
    assert [f["rule"] for f in findings if f["severity"] == "error"] == []


def test_example_plan_is_spotless_on_23_november_2026() -> None:
    assert validate(WORKBOOKS / "example-plan.xlsx", "2026-11-23") == (0, [])


def test_previous_plan_is_spotless_at_the_previous_board() -> None:
    assert validate(WORKBOOKS / "example-plan-previous.xlsx", "2026-09-28") == (0, [])


@pytest.mark.parametrize(("name", "as_of"), sorted(EARLIER_BOARDS.items()))
def test_earlier_boards_are_spotless_at_their_boards(name: str, as_of: str) -> None:
    assert validate(WORKBOOKS / name, as_of) == (0, [])


# missing-optional-column needs a workbook without an optional column, and sheet-left-out an
# optional sheet without its key column (see README.md and tests/test_validate.py); the rules
# for a workbook that cannot be checked at all need another workbook each
# (tests/test_cli_validate.py).
NOT_SHOWN = {"missing-optional-column", "sheet-left-out", *NOT_CHECKED_RULES}


def test_problems_workbook_hits_every_rule_in_the_readme() -> None:
    exit_code, findings = validate(WORKBOOKS / "example-with-problems.xlsx", "2026-11-23")
    assert exit_code == 1
    found = {(f["sheet"], f["cell"], f["rule"]) for f in findings}
    documented = set(
        re.findall(
            r"^\| (\w+)!([A-Z]+\d+) \|.*?\| `([a-z-]+)` \|",
            (WORKBOOKS / "README.md").read_text(encoding="utf-8"),
            flags=re.MULTILINE,
        )
    )
    assert len(documented) >= 30
    assert documented - {d for d in documented if d[2] in NOT_SHOWN} == found
    rules = load_rules()
    rule_ids = {
        *(
            check.rule.id
            for sheet in rules.sheets.values()
            for column in sheet.columns.values()
            for check in column.checks
        ),
        *(rule.rule.id for rule in rules.row_rules),
        *(rule.rule.id for rule in rules.table_rules),
        *rules.reading,
        *rules.coverage,
    }
    assert {rule for _, _, rule in found} == rule_ids - NOT_SHOWN
