"""`boardpack init`: the blank plan workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from generator.errors import OutputError
from generator.scaffold import build_blank_workbook, report_field_names, write_blank_workbook
from generator.status import Status, StatusKey

KEY = StatusKey(
    (
        Status("Blue", "B", "completed", "0070C0", "FFFFFF", complete=True),
        Status("Green", "G", "on track", "00B050"),
        Status("Amber", "A", "some progress but slippage", "FFC000"),
        Status("Red", "R", "not progressed as planned", "FF0000", "FFFFFF"),
    )
)
COLUMNS = {
    "Actions": [
        ("Ref", "text"),
        ("Section", "text"),
        ("Action", "text"),
        ("Due date", "date"),
        ("Status", "status"),
        ("Progress update", "text"),
    ],
    "Sections": [("Section", "text"), ("Lead", "text")],
    "Report": [("Field", "text"), ("Value", "text")],
    "Measures": [("Measure", "text"), ("Target", "number"), ("Better", "text")],
    "Distribution": [("Name", "text"), ("Email", "text")],
}


@pytest.fixture
def written(tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "plan.xlsx"
    write_blank_workbook(path, COLUMNS, KEY)
    return openpyxl.load_workbook(path)


def validations(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, tuple[str, str]]:
    """First cell of each validated range -> (type, formula1)."""
    return {
        str(validation.sqref).split(":")[0]: (validation.type, validation.formula1)
        for validation in sheet.data_validations.dataValidation
    }


def test_sheets_and_headers_follow_the_columns(written: openpyxl.Workbook) -> None:
    assert written.sheetnames == [*COLUMNS, "Guide"]
    for name, columns in COLUMNS.items():
        header = [cell.value for cell in written[name][1]]
        assert header == [column for column, _ in columns]
        assert written[name].freeze_panes == "A2"
        assert written[name]["A1"].font.bold


def test_status_has_a_dropdown_of_the_key_and_dates_have_date_checks(
    written: openpyxl.Workbook,
) -> None:
    checks = validations(written["Actions"])
    assert checks["E2"] == ("list", '"Blue,Green,Amber,Red"')
    assert checks["D2"][0] == "date"
    assert "23/04/2026" in next(
        v.prompt for v in written["Actions"].data_validations.dataValidation if v.type == "date"
    )
    assert validations(written["Measures"])["C2"] == ("list", '"higher,lower"')


def test_each_status_is_coloured_by_conditional_formatting(written: openpyxl.Workbook) -> None:
    formatting = written["Actions"].conditional_formatting
    rules = [(str(cf.sqref), rule) for cf in formatting for rule in cf.rules]
    assert [rule.formula for _, rule in rules] == [['"Blue"'], ['"Green"'], ['"Amber"'], ['"Red"']]
    assert {cells for cells, _ in rules} == {"E2:E2000"}
    assert all(rule.operator == "equal" and rule.dxf.fill is not None for _, rule in rules)


def test_report_sheet_lists_the_fields(written: openpyxl.Workbook) -> None:
    fields = [row[0].value for row in written["Report"].iter_rows(min_row=2)]
    assert fields == report_field_names()
    assert "Next meeting date" in fields and "Recommendations" in fields


def test_guide_explains_every_action_column_and_status(written: openpyxl.Workbook) -> None:
    labels = {row[0].value for row in written["Guide"].iter_rows()}
    assert {column for column, _ in COLUMNS["Actions"]} <= labels
    assert set(KEY.names) <= labels


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(OutputError, match="already exists"):
        write_blank_workbook(path, COLUMNS, KEY)
    assert path.read_bytes() == b"precious"
    assert sorted(tmp_path.iterdir()) == [path]


def test_a_name_that_is_not_xlsx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"\.xlsx"):
        write_blank_workbook(tmp_path / "plan.xls", COLUMNS, KEY)
    assert list(tmp_path.iterdir()) == []


def test_build_does_not_need_a_file() -> None:
    workbook = build_blank_workbook(COLUMNS, KEY)
    assert workbook.active is not None and workbook.active.title == "Actions"
