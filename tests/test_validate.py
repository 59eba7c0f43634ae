"""Validation of plan workbooks: each finding located to its sheet, cell and rule."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ACTION_HEADERS, AS_OF, action_row, write_plan

from generator.errors import MissingColumns, MissingSheet
from generator.pipeline import check_workbook
from generator.schema.rules import Rules


def findings(path: Path, rules: Rules, as_of: dt.date = AS_OF) -> list[list[object]]:
    return check_workbook(path, rules, as_of).result.flatten(["cell", "rule", "severity"])


def test_a_clean_plan_has_no_findings(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row()])
    assert findings(path, rules) == []


def test_required_cells_are_errors_at_their_cells(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row(Ref=None, Lead="  ")])
    assert findings(path, rules) == [
        ["A2", "ref-required", "error"],
        ["E2", "lead-required", "error"],
    ]


def test_impossible_and_text_dates(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(
        tmp_path / "plan.xlsx",
        [
            action_row({"Due date": "31/02/2027"}),
            action_row({"Ref": "QP-02", "Due date": "23/04/2027"}),
            action_row({"Ref": "QP-03", "Due date": "Ongoing"}),
        ],
    )
    assert findings(path, rules) == [
        ["H2", "impossible-date", "error"],
        ["H3", "date-as-text", "warning"],
        ["H4", "no-date", "warning"],
    ]


def test_message_names_file_sheet_cell_ref_and_column(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(
        tmp_path / "plan.xlsx", [action_row({"Ref": "QP-07", "Due date": "31/02/2020"})]
    )
    (finding,) = check_workbook(path, rules, AS_OF).result.findings
    assert (
        finding.describe()
        == f'{path}: Actions!H2 (QP-07, Due date): "31/02/2020" is not a real date'
    )
    assert finding.as_dict()["value"] == "31/02/2020"


def test_cross_field_rules(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(
        tmp_path / "plan.xlsx",
        [
            action_row(Ref="A1", Status="Blue"),  # no Completed date
            action_row(Ref="A2", Status="Amber"),  # no update
            action_row({"Ref": "A3", "Status": "Blue", "Completed date": dt.date(2027, 1, 1)}),
            action_row({"Ref": "A4", "Due date": dt.date(2026, 1, 1)}),  # Green but overdue
            action_row({"Ref": "A5", "Revised due date": dt.date(2027, 1, 1)}),
            action_row({"Ref": "A6", "Last updated": dt.date(2026, 6, 1)}),
            action_row({"Ref": "A7", "Completed date": dt.date(2026, 6, 1)}),  # Green, completed
        ],
    )
    assert [row[:2] for row in findings(path, rules)] == [
        ["J2", "blue-needs-completed-date"],
        ["L3", "update-needed"],
        ["J4", "completed-in-future"],
        ["H5", "green-but-overdue"],
        ["I6", "revised-before-due"],
        ["N7", "stale-update"],
        ["J8", "completed-date-not-blue"],
    ]


def test_only_open_actions_go_stale(tmp_path: Path, rules: Rules) -> None:
    old = dt.date(2026, 6, 1)
    path = write_plan(
        tmp_path / "plan.xlsx",
        [
            action_row({"Ref": "A1", "Status": "Blue", "Completed date": old, "Last updated": old}),
            action_row(
                {"Ref": "A2", "Status": "Amber", "Progress update": "x", "Last updated": old}
            ),
            action_row({"Ref": "A3", "Last updated": old}),
        ],
    )
    assert [row[:2] for row in findings(path, rules)] == [
        ["N3", "stale-update"],
        ["N4", "stale-update"],
    ]


def test_due_today_is_not_overdue(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row({"Due date": AS_OF})])
    checked = check_workbook(path, rules, AS_OF)
    assert checked.result.findings == []
    assert checked.plan.overdue(AS_OF) == []
    assert checked.plan.overdue(AS_OF + dt.timedelta(days=1))[0].ref == "QP-01"


def test_cross_row_rules(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(
        tmp_path / "plan.xlsx",
        [
            action_row(Ref="QP-01"),
            action_row(Ref="qp-01"),
            action_row(Ref="QP-03", Section="Unknown"),
        ],
    )
    assert [row[:2] for row in findings(path, rules)] == [
        ["A3", "duplicate-ref"],
        ["B4", "unknown-section"],
    ]


def test_status_spellings_are_understood(tmp_path: Path, rules: Rules) -> None:
    rows = [
        action_row({"Ref": f"R{i}", "Status": typed, "Progress update": "Slipping because..."})
        for i, typed in enumerate(["amber", "A", "Amber ", " Green ", "g", "Purple"])
    ]
    path = write_plan(tmp_path / "plan.xlsx", rows)
    checked = check_workbook(path, rules, AS_OF)
    assert [a.status for a in checked.plan.actions] == [
        "Amber",
        "Amber",
        "Amber",
        "Green",
        "Green",
        None,
    ]
    assert checked.result.flatten(["cell", "rule"]) == [["K7", "unknown-status"]]


def test_header_below_title_block_with_aliases_and_extra_columns(
    tmp_path: Path, rules: Rules
) -> None:
    headers = ["No.", "Theme", "What?", "Who?", "Target date", "RAG", "Notes", "Update"]
    path = write_plan(
        tmp_path / "plan.xlsx",
        [
            {"No.": "1", "Theme": "Quality of Practice", "What?": "Do it", "Who?": "Jo",
             "Target date": dt.date(2027, 1, 1), "RAG": "Red", "Update": "Behind"},
            {},  # a blank row in the middle
            {"No.": 2.0, "Theme": "quality of practice", "What?": "More", "Who?": "Al",
             "Target date": dt.date(2027, 2, 1), "RAG": "G", "Notes": "extra"},
        ],
        headers=headers,
        title_rows=3,
    )  # fmt: skip
    checked = check_workbook(path, rules, AS_OF)
    assert checked.result.findings[0].rule == "missing-optional-column"
    assert {f.rule for f in checked.result.findings} == {"missing-optional-column"}
    assert [(a.ref, a.row, a.section, a.status) for a in checked.plan.actions] == [
        ("1", 5, "Quality of Practice", "Red"),
        ("2", 7, "Quality of Practice", "Green"),
    ]


def test_missing_optional_column_is_one_warning_per_column(tmp_path: Path, rules: Rules) -> None:
    headers = [h for h in ACTION_HEADERS if h != "Completed date"]
    path = write_plan(tmp_path / "plan.xlsx", [action_row(Status="Blue")] * 1, headers=headers)
    result = check_workbook(path, rules, AS_OF).result
    skipped = [f for f in result.findings if f.rule == "missing-optional-column"]
    assert len(skipped) == 1
    assert "Completed date" in skipped[0].message
    assert "blue-needs-completed-date" in skipped[0].message


def test_merged_section_cells_fill_down(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row(Ref=f"R{i}") for i in range(3)])
    book = openpyxl.load_workbook(path)
    sheet = book["Actions"]
    sheet["B3"] = None
    sheet["B4"] = None
    sheet.merge_cells("B2:B4")
    book.save(path)
    checked = check_workbook(path, rules, AS_OF)
    assert checked.result.findings == []
    assert {a.section for a in checked.plan.actions} == {"Quality of Practice"}


def test_status_from_fill_colour_is_a_warning(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row(Status=None)])
    book = openpyxl.load_workbook(path)
    book["Actions"]["K2"].fill = openpyxl.styles.PatternFill("solid", fgColor="FF00B050")
    book.save(path)
    checked = check_workbook(path, rules, AS_OF)
    assert checked.result.flatten(["cell", "rule"]) == [["K2", "status-from-colour"]]
    assert checked.plan.actions[0].status == "Green"


def test_formula_without_cached_value_is_a_warning(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row({"Progress update": '=A2&" update"'})])
    assert findings(path, rules) == [["L2", "formula-without-value", "warning"]]


def test_hidden_actions_sheet_is_still_read(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row()])
    book = openpyxl.load_workbook(path)
    book.create_sheet("Cover", 0)
    book["Actions"].sheet_state = "hidden"
    book.save(path)
    assert len(check_workbook(path, rules, AS_OF).plan.actions) == 1


def test_no_actions_sheet_is_a_structural_error(tmp_path: Path, rules: Rules) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Actons"
    book.save(tmp_path / "plan.xlsx")
    with pytest.raises(MissingSheet, match='"Actons" is named like one, but holds no header'):
        check_workbook(tmp_path / "plan.xlsx", rules, AS_OF)


def test_missing_required_column_suggests_the_near_miss(tmp_path: Path, rules: Rules) -> None:
    headers = [h if h != "Lead" else "Leed" for h in ACTION_HEADERS]
    path = write_plan(tmp_path / "plan.xlsx", [action_row()], headers=headers)
    with pytest.raises(MissingColumns, match='Lead \\(did you mean "Leed"\\?\\)'):
        check_workbook(path, rules, AS_OF)


def test_1904_date_system_is_honoured(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row()])
    book = openpyxl.load_workbook(path)
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    book.save(path)
    checked = check_workbook(path, rules, AS_OF)
    assert checked.plan.actions[0].due_date == dt.date(2027, 3, 31)


def test_an_optional_sheet_without_its_key_column_is_left_out_with_a_warning(
    tmp_path: Path, rules: Rules
) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row()])
    book = openpyxl.load_workbook(path)
    distribution = book.create_sheet("Distribution")
    distribution.append(["Name", "E-mial", "Role"])
    distribution.append(["Jo Bloggs", "jo@example.org", "Chair"])
    book.save(path)
    checked = check_workbook(path, rules, AS_OF)
    assert checked.result.flatten(["sheet", "cell", "rule", "severity"]) == [
        ["Distribution", "", "sheet-left-out", "warning"]
    ]
    assert 'Email (did you mean "E-mial"?)' in checked.result.findings[0].message
    assert checked.plan.distribution == []


def test_error_values_typed_or_computed_are_both_reported(tmp_path: Path, rules: Rules) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row(Lead="#REF!")])
    assert findings(path, rules) == [["E2", "error-value", "error"]]


def test_a_cell_format_with_a_fill_or_number_format_that_is_not_a_number_is_passed_over(
    tmp_path: Path, rules: Rules
) -> None:
    """styles.xml is read once for fills and number formats; a format whose fillId or
    numFmtId is not a number (a damaged or hand-made file) costs only that format."""
    path = write_plan(tmp_path / "plan.xlsx", [action_row(Status=None)])
    book = openpyxl.load_workbook(path)
    book["Actions"]["K2"].fill = openpyxl.styles.PatternFill("solid", fgColor="FF00B050")
    book.save(path)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/styles.xml":
                # One more format, after the real ones, with nonsense where numbers belong.
                nonsense = b'<xf numFmtId="x" fontId="0" fillId="two" borderId="0"/>'
                data = data.replace(b"</cellXfs>", nonsense + b"</cellXfs>")
            copy.writestr(item, data)
    checked = check_workbook(damaged, rules, AS_OF)
    assert checked.result.flatten(["cell", "rule"]) == [["K2", "status-from-colour"]]
    assert checked.plan.actions[0].status == "Green"
