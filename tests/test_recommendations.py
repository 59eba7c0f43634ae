"""The Recommendations sheet: coverage findings in validate, progress against each
recommendation in the report, and the sheet in a new plan."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import action_row, write_plan
from history_boards import AS_OF, write_board

from generator.board_report import make_report
from generator.cli import main
from generator.common.recommendation_names import RecommendationNames
from generator.errors import BadRulesFile
from generator.pipeline import check_workbook
from generator.schema.rules import Rules, load_rules
from tests.report_reading import open_report, rows_of, table_captioned, text_dump

TABLE = "Progress against the recommendations"
LISTED = [
    ("R1", "Improve the quality of assessments", "Ofsted", "Director"),
    ("R2", "Strengthen child protection planning", "Ofsted", ""),
    ("R3", "Stabilise the workforce", "Peer review", ""),
]


def findings(path: Path, rules: Rules) -> list[list[Any]]:
    result = check_workbook(path, rules, AS_OF).result
    return result.flatten(["sheet", "cell", "ref", "rule", "severity"])


def plan_with(
    tmp_path: Path,
    actions: list[dict[str, Any]],
    listed: list[tuple[str, ...]] | None = LISTED,
    headers: list[str] | None = None,
) -> Path:
    """A plan whose Actions rows are ``actions`` and whose Recommendations sheet is ``listed``."""
    path = tmp_path / "plan.xlsx"
    if headers is not None:
        write_plan(path, actions, headers=headers)
    else:
        write_plan(path, actions)
    if listed is not None:
        book = openpyxl.load_workbook(path)
        sheet = book.create_sheet("Recommendations")
        sheet.append(["Ref", "Recommendation", "Source", "Lead"])
        for row in listed:
            sheet.append(list(row))
        book.save(path)
    return path


def act(ref: str, recommendation: str, **values: Any) -> dict[str, Any]:
    return action_row({"Ref": ref, "Recommendation": recommendation, **values})


def blue(ref: str, recommendation: str, evidence: str = "") -> dict[str, Any]:
    return act(
        ref,
        recommendation,
        Status="Blue",
        **{"Completed date": dt.date(2026, 10, 1), "Evidence of impact": evidence or None},
    )


# --- validate ---------------------------------------------------------------------------------


def test_the_four_board_plan_flags_the_recommendation_with_no_action(
    tmp_path: Path, rules: Rules
) -> None:
    path = write_board(tmp_path / "plan.xlsx", 3, recommendations=True)
    assert findings(path, rules) == [
        ["Recommendations", "B5", "R4", "recommendation-without-action", "warning"]
    ]


def test_the_cli_reports_it_at_the_recommendations_cell(tmp_path: Path) -> None:
    path = write_board(tmp_path / "plan.xlsx", 3, recommendations=True)
    result = CliRunner().invoke(
        main, ["validate", str(path), "--as-of", "2026-11-23", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "file": str(path),
            "sheet": "Recommendations",
            "cell": "B5",
            "row": 5,
            "column": "Recommendation",
            "ref": "R4",
            "rule": "recommendation-without-action",
            "severity": "warning",
            "message": "no action in the Actions sheet answers this recommendation",
            "value": "Strengthen the offer to care leavers",
        }
    ]


def test_actions_name_recommendations_by_ref_text_or_several_refs(
    tmp_path: Path, rules: Rules
) -> None:
    path = plan_with(
        tmp_path,
        [
            act("QP-01", "r 1"),  # a Ref as people type it
            act("QP-02", "strengthen child-protection planning"),  # the text, folded
            act("QP-03", "R3 – Stabilise the workforce"),  # Ref, then text
            act("QP-04", "R1; R3"),  # several Refs
            act("QP-05", ""),  # none: a general action
        ],
    )
    assert findings(path, rules) == []


def test_an_unknown_recommendation_is_an_error_at_the_actions_cell(
    tmp_path: Path, rules: Rules
) -> None:
    path = plan_with(
        tmp_path,
        [act("QP-01", "R1"), act("QP-02", "R2"), act("QP-03", "R3; R9"), act("QP-04", "R3")],
    )
    assert findings(path, rules) == [["Actions", "C4", "QP-03", "unknown-recommendation", "error"]]
    message = check_workbook(path, rules, AS_OF).result.findings[0].describe()
    assert message == (
        f'{path}: Actions!C4 (QP-03, Recommendation): "R3; R9" is not a recommendation on the '
        "Recommendations sheet (give its Ref or its text)"
    )


def test_complete_actions_without_evidence_are_flagged_once_per_recommendation(
    tmp_path: Path, rules: Rules
) -> None:
    path = plan_with(
        tmp_path,
        [
            blue("QP-01", "R1"),
            blue("QP-02", "R1"),  # R1: all done, no evidence
            blue("QP-03", "R2"),
            blue("QP-04", "R2", evidence="Audit shows better plans"),  # R2: evidence given
            blue("QP-05", "R3"),
            act("QP-06", "R3"),  # R3: one still open
        ],
    )
    assert findings(path, rules) == [
        ["Recommendations", "B2", "R1", "recommendation-done-without-impact", "warning"]
    ]
    finding = check_workbook(path, rules, AS_OF).result.findings[0]
    assert finding.message == (
        "every action for this recommendation is complete (2 in all), but none gives any "
        "Evidence of impact"
    )


def test_without_the_actions_recommendation_column_the_rules_are_skipped_with_one_warning(
    tmp_path: Path, rules: Rules
) -> None:
    from conftest import ACTION_HEADERS

    headers = [h for h in ACTION_HEADERS if h != "Recommendation"]
    path = plan_with(tmp_path, [act("QP-01", "R1")], headers=headers)
    result = check_workbook(path, rules, AS_OF).result
    assert result.flatten(["sheet", "rule", "column"]) == [
        ["Actions", "missing-optional-column", ""]
    ]
    assert result.findings[0].message == (
        "no Recommendation column, so the rules that need it were skipped: "
        "recommendation-without-action, unknown-recommendation, "
        "recommendation-done-without-impact"
    )


def test_without_a_recommendations_sheet_nothing_is_checked(tmp_path: Path, rules: Rules) -> None:
    path = plan_with(tmp_path, [act("QP-01", "Anything at all")], listed=None)
    assert findings(path, rules) == []


def test_rules_yaml_sets_severity_and_switches_rules_off(tmp_path: Path) -> None:
    shipped = load_rules()
    assert shipped.path is not None
    text = shipped.path.read_text(encoding="utf-8")
    stricter = text.replace(
        "  - id: recommendation-without-action\n    severity: warning",
        "  - id: recommendation-without-action\n    severity: error",
    )
    assert stricter != text
    (tmp_path / "strict.yaml").write_text(stricter, encoding="utf-8")
    path = write_board(tmp_path / "plan.xlsx", 3, recommendations=True)
    result = CliRunner().invoke(
        main,
        ["validate", str(path), "--as-of", "2026-11-23", "--rules", str(tmp_path / "strict.yaml")],
    )
    assert result.exit_code == 1
    off = text.replace(
        "  - id: recommendation-without-action\n    severity: warning",
        "  - id: recommendation-without-action\n    enabled: false\n    severity: warning",
    )
    (tmp_path / "off.yaml").write_text(off, encoding="utf-8")
    assert findings(path, load_rules(tmp_path / "off.yaml")) == []


def test_a_misspelt_coverage_rule_is_refused_by_line(tmp_path: Path) -> None:
    shipped = load_rules()
    assert shipped.path is not None
    text = shipped.path.read_text(encoding="utf-8")
    misspelt = text.replace("id: unknown-recommendation", "id: unknown-recomendation")
    (tmp_path / "misspelt.yaml").write_text(misspelt, encoding="utf-8")
    with pytest.raises(BadRulesFile, match=r"line \d+, key coverage\.1\.id: "
                                           r"'unknown-recomendation' is not a coverage rule "
                                           r"boardpack knows \(did you mean "
                                           r"'unknown-recommendation'\?\)"):  # fmt: skip
        load_rules(tmp_path / "misspelt.yaml")


def test_a_rules_file_written_before_recommendations_gets_the_shipped_ones(
    tmp_path: Path,
) -> None:
    """A team's rules.yaml from before the Recommendations sheet keeps working: it gets the
    shipped sheet and coverage rules, and its workbook is checked by them."""
    shipped = load_rules()
    assert shipped.path is not None
    text = shipped.path.read_text(encoding="utf-8")
    sheet_start = text.index("  # What the inspectors or peer reviewers asked for.")
    sheet_end = text.index("  Report:\n")
    older = text[:sheet_start] + text[sheet_end:]
    older = older[: older.index("# The recommendations and the actions that answer them")]
    assert "Recommendations:" not in older and "coverage:" not in older
    (tmp_path / "older.yaml").write_text(older, encoding="utf-8")
    rules = load_rules(tmp_path / "older.yaml")
    assert rules.coverage == shipped.coverage
    assert rules.sheets["Recommendations"] == shipped.sheets["Recommendations"]
    path = write_board(tmp_path / "plan.xlsx", 3, recommendations=True)
    assert findings(path, rules) == [
        ["Recommendations", "B5", "R4", "recommendation-without-action", "warning"]
    ]


@pytest.mark.parametrize(
    ("cell", "named"),
    [
        ("R1", [0]),
        ("r 1", [0]),
        ("R1; R2", [0, 1]),
        ("R1, R10", [0, 2]),
        ("R1 and R2", [0, 1]),
        ("R1 – Improve assessments", [0]),
        ("R10: anything said after it", [2]),
        ("3.1) text", [3]),
        ("improve  ASSESSMENTS.", [0]),
        ("", []),
        ("R9", None),
        ("R1; R9", None),  # one unknown Ref in a list is a mistake worth flagging
        ("Stabilise the workforce", None),  # not the listed text
    ],
)
def test_how_a_cell_names_recommendations(cell: str, named: list[int] | None) -> None:
    names = RecommendationNames(
        ["R1", "R2", "R10", "3.1"], ["Improve assessments", "Stabilise workforce", "Ten", "x"]
    )
    assert names.named(cell) == named


# --- the report -------------------------------------------------------------------------------


def report_of(path: Path, rules: Rules, tmp_path: Path) -> bytes:
    output = tmp_path / "report.docx"
    run = make_report(path, output, rules=rules, as_of=AS_OF, allow_errors=True)
    assert run.written == output
    return output.read_bytes()


def test_the_report_shows_progress_against_each_recommendation(
    tmp_path: Path, rules: Rules
) -> None:
    path = write_board(tmp_path / "plan.xlsx", 3, recommendations=True)
    document = open_report(report_of(path, rules, tmp_path))
    # Grouped under their sources, in the order the sheet first gives each.
    assert rows_of(table_captioned(document, TABLE)) == [
        ["Recommendation", "Lead", "Actions", "Blue", "Green", "Amber", "Red", "Worst status"],
        ["From the Ofsted inspection, March 2026"],
        ["R1 Improve the quality of assessments\nActions: QP-01, QP-04", "Director",
         "2", "1", "1", "0", "0", "Green"],
        ["R2 Strengthen child protection planning\nActions: QP-02, QP-03",
         "Head of Child Protection\nHead of Children in Care", "2", "0", "0", "1", "1", "Red"],
        ["R4 Strengthen the offer to care leavers", "", "0", "0", "0", "0", "0", "No action"],
        ["From the LGA peer review, January 2026"],
        ["R3 Stabilise the workforce\nActions: WF-01, WF-02, WF-03", "Head of HR",
         "3", "0", "2", "1", "0", "Amber"],
    ]  # fmt: skip
    dump = text_dump(document)
    assert "1 recommendation has no action yet: R4 Strengthen the offer to care leavers." in dump
    assert rows_of(table_captioned(document, "Evidence of impact by recommendation")) == [
        ["Ref", "Evidence of impact"],
        ["R1 Improve the quality of assessments"],
        ["QP-01", "Audit shows better analysis"],
    ]


def test_without_a_sheet_the_recommendation_column_is_listed_the_same_way(
    tmp_path: Path, rules: Rules
) -> None:
    path = plan_with(
        tmp_path,
        [
            act("QP-01", "Improve assessments", Status="Amber", **{"Progress update": "Late"}),
            act("QP-02", "improve  assessments", Lead="Principal Social Worker"),
            act("QP-03", "Stabilise the workforce"),
            act("QP-04", ""),
        ],
        listed=None,
    )
    document = open_report(report_of(path, rules, tmp_path))
    assert rows_of(table_captioned(document, TABLE))[1:] == [
        ["Improve assessments\nActions: QP-01, QP-02", "Head of Service\nPrincipal Social Worker",
         "2", "0", "1", "1", "0", "Amber"],
        ["Stabilise the workforce\nActions: QP-03", "Head of Service",
         "1", "0", "1", "0", "0", "Green"],
    ]  # fmt: skip
    assert "the workbook has no Recommendations sheet listing them" in text_dump(document)


def test_a_plan_naming_no_recommendation_has_no_such_section(tmp_path: Path, rules: Rules) -> None:
    path = plan_with(tmp_path, [act("QP-01", "")], listed=None)
    assert TABLE not in text_dump(open_report(report_of(path, rules, tmp_path)))


def test_actions_naming_an_unlisted_recommendation_are_said_plainly(
    tmp_path: Path, rules: Rules
) -> None:
    path = plan_with(tmp_path, [act("QP-01", "R1"), act("QP-02", "R9")])
    dump = text_dump(open_report(report_of(path, rules, tmp_path)))
    assert (
        "1 action names a recommendation the Recommendations sheet does not list, so it is not "
        "counted above: QP-02 (\u201cR9\u201d)." in dump
    )


# --- inspect ----------------------------------------------------------------------------------


def inspected(path: Path) -> list[str]:
    result = CliRunner().invoke(main, ["inspect", str(path), "--as-of", AS_OF.isoformat()])
    assert result.exit_code in (0, 1), result.output
    lines = result.stdout.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Recommendations ("))
    end = next(n for n, line in enumerate(lines) if n > start and not line.startswith("  "))
    return lines[start:end]


def test_inspect_lists_the_sheet_with_what_answers_each_and_what_does_not(
    tmp_path: Path,
) -> None:
    path = plan_with(
        tmp_path,
        [act("QP-01", "R1"), act("QP-02", "R1; R2"), act("QP-03", "R9")],
        [*LISTED, ("R4", "Hear the voice of the child in every assessment", "Ofsted", "")],
    )
    assert inspected(path) == [
        'Recommendations (4, from sheet "Recommendations"):',
        "  R1 Improve the quality of assessments: 2 actions",
        "  R2 Strengthen child protection planning: 1 action",
        "  R3 Stabilise the workforce: no action",
        "  R4 Hear the voice of the child in every assessment: no action",
        "  Without an action: R3 (B4), R4 (B5)",
        '  1 action names one the sheet does not list: QP-03 ("R9")',
    ]


def test_inspect_lists_every_recommendation_and_sums_up_those_without_an_action(
    tmp_path: Path,
) -> None:
    listed = [(f"R{n}", f"Recommendation number {n}", "Ofsted", "") for n in range(1, 13)]
    actions = [act(f"QP-{n:02d}", f"R{n}") for n in range(1, 12)]  # none names R12
    lines = inspected(plan_with(tmp_path, actions, listed))
    assert lines[0] == 'Recommendations (12, from sheet "Recommendations"):'
    assert lines[1:13] == [
        *(f"  R{n} Recommendation number {n}: 1 action" for n in range(1, 12)),
        "  R12 Recommendation number 12: no action",
    ]
    assert lines[13:] == ["  Without an action: R12 (B13)"]


def test_inspect_without_the_sheet_lists_the_texts_the_actions_name(tmp_path: Path) -> None:
    long = "Ensure that every child in care has a timely plan for permanence, reviewed"
    path = plan_with(
        tmp_path,
        [act("QP-01", long), act("QP-02", long.upper()), act("QP-03", "Stabilise the workforce")],
        listed=None,
    )
    assert inspected(path) == [
        'Recommendations (2, named in the Actions\' "Recommendation" column):',
        "  Ensure that every child in care has a timely plan…: 2 actions",
        "  Stabilise the workforce: 1 action",
    ]


# --- init -------------------------------------------------------------------------------------


def test_init_writes_the_recommendations_sheet(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    result = CliRunner().invoke(main, ["init", str(path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    assert [cell.value for cell in book["Recommendations"][1]] == [
        "Ref", "Recommendation", "Source", "Lead",
    ]  # fmt: skip
    guide = {row[0].value: row[1].value for row in book["Guide"].iter_rows()}
    assert "every one has an action" in guide["Recommendations sheet"]
    assert "Recommendations sheet" in guide["Recommendation"]
