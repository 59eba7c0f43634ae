"""Findings in every output format: structure that CI systems and people rely on."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.check.formats import (
    FORMATS,
    format_github,
    format_json,
    format_junit,
    format_text,
    render,
    step_summary_markdown,
    write_step_summary,
)
from generator.findings import FINDING_KEYS, Finding, Severity, ValidationResult

ERROR, WARNING = Severity.ERROR, Severity.WARNING
HOSTILE = 'line one\nline two, 50% done: a|b <tag> & "quoted" \x1b[31m\x00 ✅'


def finding(
    cell: str = "H14",
    rule: str = "impossible-date",
    severity: Severity = ERROR,
    message: str = '"31/02/2020" is not a real date',
    *,
    file: str = "plan.xlsx",
    sheet: str = "Actions",
) -> Finding:
    row = int(re.sub(r"\D", "", cell)) if cell else None
    return Finding(file, sheet, cell, row, "Due date", "QP-07", rule, severity, message, "v")


@pytest.fixture
def result() -> ValidationResult:
    return ValidationResult(
        findings=[
            finding("L20", "stale-update", WARNING, "last updated 91 days ago"),
            finding("H14"),
            finding("", "missing-optional-column", WARNING, "no Completed date column"),
            finding("B3", "unknown-section", sheet="Sections"),
            finding("H9", "impossible-date"),
        ],
        files=["plan.xlsx", "clean.xlsx"],
    )


# --- order --------------------------------------------------------------------------------


def test_json_lists_findings_by_sheet_errors_first_then_down_the_sheet(
    result: ValidationResult,
) -> None:
    rows = [[r["sheet"], r["cell"], r["severity"]] for r in json.loads(format_json(result))]
    assert rows == [
        ["Actions", "H9", "error"],
        ["Actions", "H14", "error"],
        ["Actions", "", "warning"],
        ["Actions", "L20", "warning"],
        ["Sections", "B3", "error"],
    ]


# --- text ---------------------------------------------------------------------------------


def test_text_has_one_line_per_finding_then_the_summary(result: ValidationResult) -> None:
    lines = format_text(result).splitlines()
    finding_lines = [line for line in lines if re.match(r"(error|warning): plan\.xlsx: ", line)]
    assert len(finding_lines) == len(result.findings)
    assert finding_lines[0] == (
        'error: plan.xlsx: Actions!H9 (QP-07, Due date): "31/02/2020" is not a real date'
    )
    assert lines[-1] == result.summary() == "3 errors and 2 warnings in 2 workbooks"
    assert "No problems found in clean.xlsx" in lines


def test_text_without_colour_has_no_escape_codes(result: ValidationResult) -> None:
    result.findings.append(finding(message=HOSTILE))
    text = format_text(result, colour=False)
    assert "\x1b" not in text
    assert len(text.splitlines()) == len(format_text(result, colour=True).splitlines())


def test_text_with_colour_paints_errors_red_and_warnings_yellow(result: ValidationResult) -> None:
    lines = format_text(result, colour=True).splitlines()
    assert lines[0].startswith("\x1b[31merror:\x1b[0m ")
    assert any(line.startswith("\x1b[33mwarning:\x1b[0m ") for line in lines)


def test_text_keeps_a_hostile_message_on_one_line_and_whole() -> None:
    text = format_text(ValidationResult([finding(message=HOSTILE)], ["plan.xlsx"]))
    first = text.splitlines()[0]
    assert "\x1b" not in text and "\x00" not in text
    assert first.endswith(r'line one\nline two, 50% done: a|b <tag> & "quoted" \x1b[31m\x00 ✅')


def test_text_with_no_findings_says_so() -> None:
    assert format_text(ValidationResult([], ["plan.xlsx"])) == "No problems found in plan.xlsx\n"
    assert format_text(ValidationResult([], ["a.xlsx", "b.xlsx"])).splitlines() == [
        "No problems found in 2 workbooks"
    ]


def test_text_counts_findings_by_rule_when_there_are_many() -> None:
    stale = [finding(f"L{row}", "stale-update", WARNING, "stale") for row in range(2, 5002)]
    result = ValidationResult([*stale, finding("H14")], ["plan.xlsx"])
    lines = format_text(result).splitlines()
    assert len([line for line in lines if line.startswith("warning: ")]) == 5000
    counts = lines[lines.index("By rule:") + 1 : -2]
    assert counts == ["  impossible-date: 1 error", "  stale-update: 5,000 warnings"]
    assert lines[-1] == "1 error and 5,000 warnings in 1 workbook"


# --- JSON ---------------------------------------------------------------------------------


def test_json_objects_have_exactly_the_documented_keys_in_order(result: ValidationResult) -> None:
    records = json.loads(format_json(result))
    assert len(records) == len(result.findings)
    for record in records:
        assert tuple(record) == FINDING_KEYS
        assert record["row"] is None or isinstance(record["row"], int)
        assert record["severity"] in ("error", "warning")
        for key in FINDING_KEYS:
            if key != "row":
                assert isinstance(record[key], str), key
    assert [r["row"] for r in records if r["cell"] == ""] == [None]


def test_json_round_trips_hostile_text_and_is_ascii() -> None:
    output = format_json(ValidationResult([finding(message=HOSTILE)], ["plan.xlsx"]))
    assert output.isascii()
    assert json.loads(output)[0]["message"] == HOSTILE


def test_json_with_no_findings_is_an_empty_array() -> None:
    assert json.loads(format_json(ValidationResult([], ["plan.xlsx"]))) == []


# --- GitHub -------------------------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning) file=([^,:]*),title=([^,:]*)::(.*)$")


def test_github_has_one_workflow_command_per_finding(result: ValidationResult) -> None:
    lines = format_github(result).splitlines()
    matches = [COMMAND.match(line) for line in lines]
    assert all(matches) and len(lines) == len(result.findings)
    first = matches[0]
    assert first is not None
    assert first.group(1, 2, 3) == ("error", "plan.xlsx", "boardpack impossible-date at Actions!H9")
    assert first.group(4).startswith("plan.xlsx: Actions!H9 (QP-07, Due date): ")
    assert [m.group(1) for m in matches if m] == ["error", "error", "warning", "warning", "error"]


def test_github_escapes_the_message_and_properties() -> None:
    hostile = finding(message="50% done\r\nnext: a, b", file="C:/plans/plan, v2.xlsx")
    line = format_github(ValidationResult([hostile], ["x"]))
    assert line.count("\n") == 1
    match = COMMAND.match(line.rstrip("\n"))
    assert match is not None
    assert match.group(2) == "C%3A/plans/plan%2C v2.xlsx"
    assert match.group(4).endswith("50%25 done%0D%0Anext: a, b")


# --- GitHub step summary -----------------------------------------------------------------


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| ")][2:]


def test_step_summary_appends_a_table_row_per_finding(
    result: ValidationResult, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result.findings.append(finding(message="a|b\nc"))
    write_step_summary(result, summary)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")
    assert result.summary() in text
    rows = _table_rows(text)
    assert len(rows) == len(result.findings)
    hostile = next(row for row in rows if "a\\|b" in row)
    # Eight columns: nine unescaped pipes, the escaped one does not split the cell.
    assert len(re.findall(r"(?<!\\)\|", hostile)) == 9
    assert "a\\|b<br>c" in hostile


def test_step_summary_caps_the_table_and_says_how_many_were_left_out() -> None:
    many = [finding(f"L{row}", "stale-update", WARNING, "stale") for row in range(2, 1502)]
    markdown = step_summary_markdown(ValidationResult(many, ["plan.xlsx"]), row_limit=1000)
    assert len(_table_rows(markdown)) == 1000
    assert "500 more findings left out" in markdown


def test_step_summary_stays_under_githubs_size_cap() -> None:
    huge = [finding(f"L{row}", message="<✅" * 15_000) for row in range(2, 1002)]
    markdown = step_summary_markdown(ValidationResult(huge, ["plan.xlsx"]))
    assert len(markdown.encode()) < 1024 * 1024
    assert "more findings left out" in markdown


def test_step_summary_with_no_findings_has_no_table() -> None:
    markdown = step_summary_markdown(ValidationResult([], ["plan.xlsx"]))
    assert "No problems found in plan.xlsx" in markdown
    assert _table_rows(markdown) == []


# --- JUnit --------------------------------------------------------------------------------


def test_junit_has_a_suite_per_workbook_and_a_case_per_finding(result: ValidationResult) -> None:
    root = ET.fromstring(format_junit(result))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["plan.xlsx", "clean.xlsx"]
    plan, clean = suites
    assert len(plan.findall("testcase")) == 5 and plan.get("tests") == "5"
    assert len(plan.findall("testcase/failure")) == 3 and plan.get("failures") == "3"
    assert len(plan.findall("testcase/system-out")) == 2
    assert plan.findall("testcase")[0].attrib == {
        "classname": "plan.xlsx.Actions",
        "name": "Actions!H9 impossible-date",
    }
    assert len(clean.findall("testcase")) == 1 and clean.findall("testcase/failure") == []
    assert (root.get("tests"), root.get("failures")) == ("6", "3")


def test_junit_strict_makes_warnings_failures(result: ValidationResult) -> None:
    root = ET.fromstring(format_junit(result, strict=True))
    assert len(root.findall("testsuite/testcase/failure")) == 5
    assert root.findall("testsuite/testcase/system-out") == []


def test_junit_is_well_formed_with_hostile_text() -> None:
    hostile = finding(message=HOSTILE, file="a&b <plan>.xlsx", sheet='Q"1"')
    root = ET.fromstring(format_junit(ValidationResult([hostile], ["a&b <plan>.xlsx"])))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.text is not None
    assert 'a|b <tag> & "quoted" [31m ✅' in failure.text
    assert [suite.get("name") for suite in root.iter("testsuite")] == ["a&b <plan>.xlsx"]


# --- dispatch -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_renders_text_ending_in_a_newline(name: str, result: ValidationResult) -> None:
    assert render(result, name).endswith("\n")


def test_an_unknown_format_is_refused(result: ValidationResult) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(result, "yaml")
