"""`boardpack validate` as CI and people run it: exit codes, formats, many files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import action_row, write_plan

from generator.common.sizes import KB
from generator.errors import WorkbookTooLarge
from generator.findings import FINDING_KEYS
from generator.read.guard import DEFAULT_LIMITS, inspect_workbook_file


def test_clean_workbook_exits_0(tmp_path: Path, run_cli) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row()])
    result = run_cli("validate", str(plan), "--as-of", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_errors_exit_1_and_warnings_only_with_strict(tmp_path: Path, run_cli) -> None:
    bad = write_plan(tmp_path / "bad.xlsx", [action_row({"Due date": "31/02/2027"})])
    warned = write_plan(tmp_path / "warned.xlsx", [action_row({"Due date": "23/04/2027"})])
    assert run_cli("validate", str(bad), "--as-of", "2026-11-23").returncode == 1
    assert run_cli("validate", str(warned), "--as-of", "2026-11-23").returncode == 0
    assert run_cli("validate", str(warned), "--as-of", "2026-11-23", "--strict").returncode == 1


def test_json_has_exactly_the_documented_keys(tmp_path: Path, run_cli) -> None:
    bad = write_plan(
        tmp_path / "bad.xlsx", [action_row({"Ref": "QP-07", "Due date": "31/02/2020"})]
    )
    result = run_cli("validate", str(bad), "--format", "json", "--as-of", "23/11/2026")
    (finding,) = json.loads(result.stdout)
    assert tuple(finding) == FINDING_KEYS
    assert finding["cell"] == "H2" and finding["ref"] == "QP-07" and finding["row"] == 2


def test_several_workbooks_one_unreadable_exits_2_but_reports_the_rest(
    tmp_path: Path, run_cli
) -> None:
    bad = write_plan(tmp_path / "bad.xlsx", [action_row({"Due date": "31/02/2027"})])
    text = tmp_path / "notes.xlsx"
    text.write_text("this is not a workbook")
    result = run_cli("validate", str(bad), str(text), "--format", "json", "--as-of", "2026-11-23")
    assert result.returncode == 2
    found = json.loads(result.stdout)
    assert [(f["file"], f["rule"]) for f in found] == [
        (str(bad), "impossible-date"),
        (str(text), "unreadable-workbook"),
    ]
    (line,) = result.stderr.splitlines()
    assert line == f"boardpack: {text}: {found[1]['message']}"
    assert "Traceback" not in result.stderr


def test_a_workbook_that_cannot_be_checked_is_in_every_ci_format(tmp_path: Path, run_cli) -> None:
    no_lead = write_plan(tmp_path / "no-lead.xlsx", [action_row()], headers=["Ref", "Status"])
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    paths = [str(empty), str(no_lead)]
    found = json.loads(run_cli("validate", *paths, "--format", "json").stdout)
    assert [(f["sheet"], f["cell"], f["row"], f["rule"], f["severity"]) for f in found] == [
        ("", "", None, "unreadable-workbook", "error"),
        ("Actions", "", None, "missing-columns", "error"),
    ]
    assert found[0]["message"].startswith("is empty (0 bytes)")
    assert "missing required columns Section, Action, Lead, Due date" in found[1]["message"]

    junit = run_cli("validate", *paths, "--format", "junit")
    assert junit.returncode == 2 and len(junit.stderr.splitlines()) == 2
    suites = ET.fromstring(junit.stdout)
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == ("2", "0", "2")
    cases = suites.findall("testsuite/testcase")
    assert [case.get("name") for case in cases] == [
        "unreadable-workbook",
        "Actions missing-columns",
    ]
    assert all(case.find("error") is not None for case in cases)

    github = run_cli("validate", *paths, "--format", "github")
    assert [line.split(" ", 1)[0] for line in github.stdout.splitlines()] == ["::error"] * 2

    text = run_cli("validate", *paths)  # people read it once, on stderr
    assert text.returncode == 2 and text.stdout == ""
    assert [line.split(": ", 2)[1] for line in text.stderr.splitlines()] == paths


def test_bad_arguments_exit_2(tmp_path: Path, run_cli) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row()])
    assert run_cli("validate", str(plan), "--as-of", "31/02/2026").returncode == 2
    assert run_cli("validate").returncode == 2
    missing_rules = run_cli("validate", str(plan), "--rules", str(tmp_path / "none.yaml"))
    assert missing_rules.returncode == 2
    assert "none.yaml" in missing_rules.stderr


def test_input_workbook_is_never_written(tmp_path: Path, run_cli) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row(Status=None)])
    before = plan.read_bytes()
    run_cli("validate", str(plan), "--as-of", "2026-11-23")
    assert plan.read_bytes() == before


def test_github_format_annotates_and_fills_the_step_summary(tmp_path: Path, run_cli) -> None:
    bad = write_plan(
        tmp_path / "bad.xlsx", [action_row({"Ref": "QP-07", "Due date": "31/02/2027"})]
    )
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    result = run_cli(
        "validate", str(bad), "--format", "github", "--as-of", "2026-11-23",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith("::error file=") and "impossible-date" in line and "Actions!H2" in line
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n")
    table_rows = [row for row in text.splitlines() if row.startswith("| ") and "H2" in row]
    assert len(table_rows) == 1 and "QP-07" in table_rows[0]


def test_junit_and_annotate_from_the_command_line(tmp_path: Path, run_cli) -> None:
    import xml.etree.ElementTree as ElementTree

    import openpyxl

    bad = write_plan(tmp_path / "bad.xlsx", [action_row({"Due date": "31/02/2027"})])
    copy = tmp_path / "checked.xlsx"
    result = run_cli(
        "validate", str(bad), "--format", "junit", "--as-of", "2026-11-23", "--annotate", str(copy)
    )
    assert result.returncode == 1
    suite = ElementTree.fromstring(result.stdout).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    cell = openpyxl.load_workbook(copy)["Actions"]["H2"]
    assert cell.value == "31/02/2027" and "impossible-date" in cell.comment.text


def test_a_workbook_over_max_size_is_refused_and_the_cli_says_how_to_raise_it(
    tmp_path: Path, run_cli
) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row()])
    with pytest.raises(WorkbookTooLarge) as caught:
        inspect_workbook_file(plan, DEFAULT_LIMITS.with_max_size(KB))
    assert caught.value.limit == KB and "--" not in str(caught.value)
    result = run_cli("validate", str(plan), "--max-size", "1KB")
    assert result.returncode == 2
    assert result.stderr == (
        f"boardpack: {caught.value}; if the workbook is genuine, raise the limit with --max-size\n"
    )
    assert run_cli("validate", str(plan), "--max-size", "2MB").returncode == 0
