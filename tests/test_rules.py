"""rules.yaml: teams change what is checked in YAML, and mistakes are reported by line."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from conftest import AS_OF, ROOT, action_row, write_plan

from generator.errors import BadRulesFile
from generator.pipeline import check_workbook
from generator.schema.rules import load_rules

DEFAULT = (ROOT / "rules.yaml").read_text(encoding="utf-8")


def custom_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_is_reported_with_line_and_suggestion(tmp_path: Path) -> None:
    text = DEFAULT.replace("    letter: B\n", "    leter: B\n", 1)
    line = text.splitlines().index("    leter: B") + 1
    with pytest.raises(BadRulesFile) as raised:
        load_rules(custom_rules(tmp_path, text))
    message = str(raised.value)
    assert f"line {line}" in message
    assert "unknown key 'leter'" in message
    assert "did you mean 'letter'" in message


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = custom_rules(tmp_path, DEFAULT.replace("version: 1", "version: [1", 1))
    with pytest.raises(BadRulesFile, match=r"rules\.yaml, line \d+: broken YAML"):
        load_rules(path)


def test_bad_cerberus_snippet_is_caught_at_load(tmp_path: Path) -> None:
    text = DEFAULT.replace("schema: {required: true, nullable: false, empty: false}",
                           "schema: {required: true, nullable: maybe}", 1)  # fmt: skip
    with pytest.raises(BadRulesFile, match="not a valid Cerberus rule"):
        load_rules(custom_rules(tmp_path, text))


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(BadRulesFile, match="no such rules file"):
        load_rules(tmp_path / "nope.yaml")


def test_a_rule_can_be_switched_off_and_a_severity_changed(tmp_path: Path) -> None:
    text = DEFAULT.replace(
        "  - id: duplicate-ref\n    severity: error\n",
        "  - id: duplicate-ref\n    severity: warning\n",
    ).replace(
        "  - id: lead-required\n            severity: error\n",
        "  - id: lead-required\n            enabled: false\n            severity: error\n",
    )
    rules = load_rules(custom_rules(tmp_path, text))
    plan = write_plan(tmp_path / "plan.xlsx", [action_row(Lead=None), action_row()])
    result = check_workbook(plan, rules, AS_OF).result
    assert result.flatten(["rule", "severity"]) == [["duplicate-ref", "warning"]]
    assert result.exit_code() == 0
    assert result.exit_code(strict=True) == 1


def test_an_alias_and_a_simple_rule_are_added_in_yaml(tmp_path: Path) -> None:
    assert 'aliases: ["Partner agencies", "Key partners", "Supported by"]' in DEFAULT
    text = DEFAULT.replace(
        'aliases: ["Partner agencies", "Key partners", "Supported by"]',
        'aliases: ["Partner agencies", "Key partners", "Supported by", "Agencies"]\n'
        "        checks:\n"
        "          - id: partners-known\n"
        "            severity: warning\n"
        '            message: "{value} is not a partner we work with"\n'
        "            schema: {allowed: [Police, Health], nullable: true}",
    )
    rules = load_rules(custom_rules(tmp_path, text))
    headers = ["Ref", "Section", "Action", "Lead", "Due date", "Status", "Agencies"]
    plan = write_plan(
        tmp_path / "plan.xlsx",
        [action_row(Agencies="Police"), action_row(Ref="QP-02", Agencies="Aliens")],
        headers=headers,
    )
    result = check_workbook(plan, rules, AS_OF).result
    assert [r for r in result.flatten(["cell", "rule"]) if r[1] == "partners-known"] == [
        ["G3", "partners-known"]
    ]


def test_required_when_rule_in_yaml(tmp_path: Path) -> None:
    text = DEFAULT.replace(
        "# Rules across rows.",
        "  - id: red-needs-partners\n"
        "    severity: error\n"
        '    message: "Red actions need named partners"\n'
        "    when: {Status: {allowed: [Red]}}\n"
        "    require: {Partners: {nullable: false}}\n\n"
        "# Rules across rows.",
    )
    rules = load_rules(custom_rules(tmp_path, text))
    plan = write_plan(
        tmp_path / "plan.xlsx",
        [action_row(Status="Red", **{"Progress update": "Late"})],
    )
    result = check_workbook(plan, rules, AS_OF).result
    assert result.flatten(["cell", "rule"]) == [["F2", "red-needs-partners"]]


def test_shipped_rules_give_every_rule_an_id_severity_and_message() -> None:
    rules = load_rules()
    every = [check.rule for spec in rules.sheets.values() for column in spec.columns.values()
             for check in column.checks]  # fmt: skip
    every += [r.rule for r in rules.row_rules] + [r.rule for r in rules.table_rules]
    every += list(rules.reading.values())
    assert len({rule.id for rule in every}) == len(every)
    assert all(rule.message and rule.severity.value in ("error", "warning") for rule in every)


def test_checked_rules_are_reused_and_a_changed_file_is_checked_again(tmp_path: Path) -> None:
    path = custom_rules(tmp_path, DEFAULT)
    first = load_rules(path)
    cached = list(Path(os.environ["BOARDPACK_CACHE_DIR"]).glob(f"rules-*-{first.sha256}.json"))
    assert len(cached) == 1
    again = load_rules(path)
    assert again.key == first.key and [r.rule for r in again.row_rules] == [
        r.rule for r in first.row_rules
    ]
    path.write_text(DEFAULT.replace("    letter: B\n", "    leter: B\n", 1), encoding="utf-8")
    with pytest.raises(BadRulesFile, match="unknown key 'leter'"):
        load_rules(path)


def test_a_damaged_cache_copy_is_ignored(tmp_path: Path) -> None:
    path = custom_rules(tmp_path, DEFAULT.replace("Blue", "Blue", 1) + "\n# another file\n")
    rules = load_rules(path)
    (copy,) = Path(os.environ["BOARDPACK_CACHE_DIR"]).glob(f"rules-*-{rules.sha256}.json")
    copy.write_text("{not json", encoding="utf-8")
    assert load_rules(path).key == rules.key


SECTIONS_RULES = """
  - id: section-needs-a-lead
    severity: warning
    message: "Section {ref}{value} has no Lead"
    sheet: Sections
    column: Lead
    require: {Lead: {required: true, nullable: false}}
  - id: one-row-per-section
    severity: error
    message: "Section {value} is listed twice (also row {other})"
    sheet: Sections
    unique: Section
"""


def test_row_and_table_rules_name_the_sheet_they_are_for(tmp_path: Path) -> None:
    row_rule, table_rule = SECTIONS_RULES.split("  - id: one-row", 1)
    text = DEFAULT.replace("row_rules:\n", "row_rules:\n" + row_rule, 1)
    text = text.replace("table_rules:\n", "table_rules:\n  - id: one-row" + table_rule, 1)
    rules = load_rules(custom_rules(tmp_path, text))
    plan = write_plan(tmp_path / "plan.xlsx", [action_row()], sections=("Quality of Practice",))
    book = openpyxl.load_workbook(plan)
    book["Sections"].append(["Quality of Practice", None])
    book.save(plan)
    found = check_workbook(plan, rules, AS_OF).result.flatten(["sheet", "cell", "rule"])
    assert found == [
        ["Sections", "A3", "one-row-per-section"],
        ["Sections", "B3", "section-needs-a-lead"],
    ]


def test_a_rule_for_a_sheet_that_is_not_described_is_refused(tmp_path: Path) -> None:
    text = DEFAULT.replace(
        "row_rules:\n", "row_rules:\n" + SECTIONS_RULES.split("  - id: one")[0], 1
    )
    text = text.replace("    sheet: Sections\n", "    sheet: Sectoins\n", 1)
    with pytest.raises(
        BadRulesFile, match=r"no sheet 'Sectoins' is described \(did you mean 'Sections'"
    ):
        load_rules(custom_rules(tmp_path, text))
    text = text.replace("    sheet: Sectoins\n", "    sheet: Sections\n", 1).replace(
        "    column: Lead\n", "    column: Due date\n", 1
    )
    with pytest.raises(BadRulesFile, match="no Sections column called 'Due date'"):
        load_rules(custom_rules(tmp_path, text))
