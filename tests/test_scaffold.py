"""`boardpack init`: the blank plan workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import ACTION_HEADERS
from ruamel.yaml import YAML

from generator.cli import main
from generator.errors import OutputError
from generator.scaffold import build_blank_workbook, write_blank_workbook
from generator.schema.rules import Rules, load_rules

RULES = load_rules()

# The default layout as SPEC.md gives it (Actions's columns are conftest's ACTION_HEADERS),
# with the optional Lead email column issue 13 adds for chase.
SPEC_SHEETS = {
    "Actions": [*ACTION_HEADERS, "Lead email"],
    "Sections": ["Section", "Lead", "Commentary"],
    "Recommendations": ["Ref", "Recommendation", "Source", "Lead"],  # issue 12
    "Report": ["Field", "Value"],
    "Measures": ["Measure", "Section", "Unit", "Target", "Previous", "Current", "Better",
                 "Commentary"],
    "Distribution": ["Name", "Email", "Role"],
}  # fmt: skip
SPEC_REPORT_FIELDS = [
    "Organisation", "Meeting", "Meeting date", "Title", "Report of", "Author", "Contact",
    "Classification", "Summary", "Recommendations", "Next steps", "Next meeting date",
]  # fmt: skip


def rules_file_columns() -> dict[str, list[str]]:
    """Each sheet's column names in the order the shipped rules.yaml lists them, read as plain
    YAML: the expectation comes from the file a team edits, not from boardpack's reading of it."""
    assert RULES.path is not None
    document = YAML(typ="safe").load(RULES.path.read_text(encoding="utf-8"))
    return {name: list(sheet["columns"]) for name, sheet in document["sheets"].items()}


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture
def written(tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "plan.xlsx"
    write_blank_workbook(path, RULES)
    return openpyxl.load_workbook(path)


def validations(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, tuple[str, str]]:
    """First cell of each validated range -> (type, formula1)."""
    return {
        str(validation.sqref).split(":")[0]: (validation.type, validation.formula1)
        for validation in sheet.data_validations.dataValidation
    }


def test_sheets_and_headers_follow_the_rules_file(written: openpyxl.Workbook) -> None:
    listed = rules_file_columns()
    assert written.sheetnames == [*listed, "Guide"]
    for name, columns in listed.items():
        header = [cell.value for cell in written[name][1]]
        assert header == columns
        assert written[name].freeze_panes == "A2"
        assert written[name]["A1"].font.bold


def test_the_default_rules_give_the_specs_sheets_and_headers(written: openpyxl.Workbook) -> None:
    for name, columns in SPEC_SHEETS.items():
        assert [cell.value for cell in written[name][1]] == columns, name


def test_status_has_a_dropdown_of_the_key_and_dates_have_date_checks(
    written: openpyxl.Workbook,
) -> None:
    checks = validations(written["Actions"])
    assert checks["K2"] == ("list", '"Blue,Green,Amber,Red"')
    assert {checks[cell][0] for cell in ("G2", "H2", "I2", "J2", "N2")} == {"date"}
    assert "23/04/2026" in next(
        v.prompt for v in written["Actions"].data_validations.dataValidation if v.type == "date"
    )
    assert validations(written["Measures"])["G2"] == ("list", '"higher,lower"')


def test_each_status_is_coloured_by_conditional_formatting(written: openpyxl.Workbook) -> None:
    formatting = written["Actions"].conditional_formatting
    rules = [(str(cf.sqref), rule) for cf in formatting for rule in cf.rules]
    assert [rule.formula for _, rule in rules] == [['"Blue"'], ['"Green"'], ['"Amber"'], ['"Red"']]
    assert {cells for cells, _ in rules} == {"K2:K2000"}
    assert all(rule.operator == "equal" and rule.dxf.fill is not None for _, rule in rules)


def test_report_sheet_lists_the_fields(written: openpyxl.Workbook) -> None:
    fields = [row[0].value for row in written["Report"].iter_rows(min_row=2)]
    # Every field the spec names, in the spec's order; more may follow or sit between.
    assert [field for field in fields if field in SPEC_REPORT_FIELDS] == SPEC_REPORT_FIELDS
    assert len(set(fields)) == len(fields)


def test_guide_explains_every_action_column_and_status(written: openpyxl.Workbook) -> None:
    labels = {row[0].value for row in written["Guide"].iter_rows()}
    assert set(rules_file_columns()["Actions"]) <= labels
    assert set(RULES.key.names) <= labels


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(OutputError, match="already exists"):
        write_blank_workbook(path, RULES)
    assert path.read_bytes() == b"precious"
    assert sorted(tmp_path.iterdir()) == [path]


def test_a_name_that_is_not_xlsx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"\.xlsx"):
        write_blank_workbook(tmp_path / "plan.xls", RULES)
    assert list(tmp_path.iterdir()) == []


def test_build_does_not_need_a_file() -> None:
    workbook = build_blank_workbook(RULES)
    assert workbook.active is not None and workbook.active.title == "Actions"


def test_columns_follow_a_teams_own_rules(tmp_path: Path) -> None:
    text = RULES.path.read_text(encoding="utf-8") if RULES.path else ""
    custom = tmp_path / "rules.yaml"
    custom.write_text(
        text.replace("      Partners:\n", "      Budget:\n        type: number\n      Partners:\n"),
        encoding="utf-8",
    )
    rules: Rules = load_rules(custom)
    header = [cell.value for cell in build_blank_workbook(rules)["Actions"][1]]
    assert header.index("Budget") == header.index("Partners") - 1


def test_init_writes_a_workbook_that_validates(tmp_path: Path) -> None:
    path = tmp_path / "new-plan.xlsx"
    created = invoke("init", str(path))
    assert created.exit_code == 0, created.output
    assert openpyxl.load_workbook(path).sheetnames[0] == "Actions"
    checked = invoke("validate", str(path), "--as-of", "2026-11-23")
    assert checked.exit_code == 0, checked.output


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"last month's plan")
    result = invoke("init", str(path))
    assert result.exit_code == 2
    assert "already exists" in result.output and len(result.output.strip().splitlines()) == 1
    assert path.read_bytes() == b"last month's plan"


def test_shipped_blank_template_validates() -> None:
    template = Path(__file__).resolve().parent.parent / "templates" / "blank-plan.xlsx"
    result = invoke("validate", str(template), "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
