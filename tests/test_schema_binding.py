"""One schema: the plan's fields are bound to rules.yaml's sheets and columns in one place."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from conftest import AS_OF, ROOT, action_row, write_plan

from generator.errors import BadRulesFile
from generator.model.plan import Action, Measure, Recipient, Section
from generator.pipeline import check_workbook
from generator.schema.fields import (
    ACTIONS,
    DISTRIBUTION,
    MEASURES,
    SECTIONS,
    ReportFields,
    report_field_kinds,
)
from generator.schema.rules import load_rules

DEFAULT = (ROOT / "rules.yaml").read_text(encoding="utf-8")
EXAMPLE = ROOT / "workbooks" / "example-plan.xlsx"
RENAMED_LEAD = DEFAULT.replace(
    "      Lead:\n        type: text\n", "      Owner:\n        type: text\n", 1
)


def rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line == needle)


@pytest.mark.parametrize(
    ("binding", "model", "own"),
    [
        (ACTIONS, Action, {"row", "no_date_reason"}),
        (SECTIONS, Section, set()),
        (MEASURES, Measure, {"formats"}),  # the cells' number formats, from the styles
        (DISTRIBUTION, Recipient, set()),
    ],
)
def test_every_field_of_the_model_is_bound_to_a_column(binding, model, own) -> None:
    fields = {item.name for item in dataclasses.fields(model)} - own
    assert {attr for attr, _ in binding.columns()} == fields


def test_renaming_a_column_the_plan_reads_is_refused_with_file_line_and_key(
    tmp_path: Path,
) -> None:
    text = RENAMED_LEAD
    path = rules_file(tmp_path, text)
    with pytest.raises(BadRulesFile) as raised:
        load_rules(path)
    message = str(raised.value)
    assert message.startswith(f"{path}, line {line_of(text, '      Owner:')}, ")
    assert "key sheets.Actions.columns.Owner" in message
    assert "'Lead' is missing (it seems renamed 'Owner')" in message
    assert "aliases" in message


def test_before_the_binding_a_renamed_lead_gave_empty_leads(tmp_path: Path) -> None:
    """The issue's case: with Lead renamed, the example used to validate with empty leads."""
    text = RENAMED_LEAD
    with pytest.raises(BadRulesFile):
        check_workbook(EXAMPLE, load_rules(rules_file(tmp_path, text)), AS_OF)
    plan = check_workbook(EXAMPLE, load_rules(), AS_OF).plan
    assert all(action.lead for action in plan.actions)


def test_retyping_a_column_the_plan_reads_is_refused(tmp_path: Path) -> None:
    text = DEFAULT.replace("      Due date:\n        type: date\n",
                           "      Due date:\n        type: text\n", 1)  # fmt: skip
    with pytest.raises(BadRulesFile) as raised:
        load_rules(rules_file(tmp_path, text))
    line = line_of(text, "      Due date:") + 1
    assert f"line {line}, key sheets.Actions.columns.Due date.type" in str(raised.value)
    assert "must be of type date, not text" in str(raised.value)


def test_dropping_a_sheet_the_plan_reads_is_refused(tmp_path: Path) -> None:
    start = DEFAULT.index("  Distribution:\n")
    end = DEFAULT.index("# Rules that look at more than one cell")
    with pytest.raises(BadRulesFile, match=r"key sheets: the Distribution sheet is missing"):
        load_rules(rules_file(tmp_path, DEFAULT[:start] + DEFAULT[end:]))


def test_a_column_of_a_teams_own_can_still_be_added(tmp_path: Path) -> None:
    text = DEFAULT.replace("      Partners:\n", "      Budget:\n        type: number\n"
                           "      Partners:\n", 1)  # fmt: skip
    rules = load_rules(rules_file(tmp_path, text))
    assert rules.actions.columns["Budget"].type == "number"


def test_report_field_names_live_in_rules_yaml() -> None:
    rules = load_rules()
    assert set(rules.report_fields) == {item.name for item in dataclasses.fields(ReportFields)}
    assert rules.report_fields["meeting_date"][0] == "Meeting date"
    assert report_field_kinds()["meeting_date"] == "date"
    assert report_field_kinds()["recommendations"] == "list"
    assert report_field_kinds()["title"] == "text"


def report_workbook(path: Path, fields: list[tuple[str, object]]) -> Path:
    write_plan(path, [action_row()])
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("Report")
    sheet.append(["Field", "Value"])
    for row in fields:
        sheet.append(list(row))
    book.save(path)
    return path


def test_a_report_field_name_added_in_yaml_is_read(tmp_path: Path) -> None:
    text = DEFAULT.replace('"Meeting name"]', '"Meeting name", "Forum"]', 1)
    plan_path = report_workbook(tmp_path / "plan.xlsx", [("Forum", "Scrutiny Panel")])
    default = check_workbook(plan_path, load_rules(), AS_OF).plan
    assert default.report.meeting == ""
    custom = check_workbook(plan_path, load_rules(rules_file(tmp_path, text)), AS_OF).plan
    assert custom.report.meeting == "Scrutiny Panel"


def test_an_unknown_report_field_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    text = DEFAULT.replace("  organisation: [", "  organization: [", 1)
    with pytest.raises(BadRulesFile) as raised:
        load_rules(rules_file(tmp_path, text))
    line = line_of(text, next(x for x in text.splitlines() if x.startswith("  organization:")))
    assert f"line {line}, key report_fields.organization" in str(raised.value)
    assert "did you mean 'organisation'?" in str(raised.value)


def test_a_field_name_listed_twice_is_refused(tmp_path: Path) -> None:
    text = DEFAULT.replace("  title: [Title,", "  title: [Title, Date,", 1)
    with pytest.raises(BadRulesFile, match="'Date' is also listed for 'meeting_date'"):
        load_rules(rules_file(tmp_path, text))


def test_an_older_rules_file_without_report_fields_uses_the_shipped_names(
    tmp_path: Path,
) -> None:
    start = DEFAULT.index("# The Report sheet's Field names")
    end = DEFAULT.index("# Rules that look at more than one cell")
    rules = load_rules(rules_file(tmp_path, DEFAULT[:start] + DEFAULT[end:]))
    assert rules.report_fields == load_rules().report_fields
    plan_path = report_workbook(tmp_path / "plan.xlsx", [("Date of meeting", "30/11/2026")])
    assert check_workbook(plan_path, rules, AS_OF).plan.report.meeting_date is not None
