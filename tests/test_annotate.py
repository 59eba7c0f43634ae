"""The annotated copy: findings marked on their cells, the source untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from conftest import AS_OF, action_row, write_plan

from generator.check.annotate import FINDINGS_SHEET, annotate_workbook
from generator.errors import AnnotationRefused, OutputError, UnreadableWorkbook
from generator.findings import Finding, Severity
from generator.pipeline import check_workbook
from generator.schema.rules import Rules

ERROR, WARNING = Severity.ERROR, Severity.WARNING
RED, AMBER = "FFFFC7CE", "FFFFEB9C"  # ARGB, opaque, as Excel writes them


def finding(
    cell: str, rule: str, severity: Severity, message: str, sheet: str = "Actions"
) -> Finding:
    row = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) if cell else None
    return Finding("plan.xlsx", sheet, cell, row, "Due date", "QP-07", rule, severity, message)


FINDINGS = [
    finding("H2", "impossible-date", ERROR, '"31/02/2020" is not a real date'),
    finding("H2", "date-as-text", WARNING, "a date typed as text"),
    finding("K3", "stale-update", WARNING, "last updated 91 days ago"),
    finding("", "missing-optional-column", WARNING, "no Completed date column"),
]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Actions"
    sheet.append(["Ref"] + [""] * 6 + ["Due date", "", "", "Last updated", "Days"])
    sheet.append(["QP-07"] + [""] * 6 + ["31/02/2020", "", "", dt.datetime(2020, 1, 1), "=K2+1"])
    sheet.append(["QP-08"] + [""] * 6 + [dt.datetime(2020, 4, 23), "", "", "=K2", "=K3+1"])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    return path


def test_cells_are_filled_and_explained_and_values_kept(source: Path, tmp_path: Path) -> None:
    before = source.read_bytes()
    copy = tmp_path / "annotated.xlsx"

    assert annotate_workbook(source, copy, FINDINGS) == 2

    assert source.read_bytes() == before
    sheet = openpyxl.load_workbook(copy)["Actions"]
    h2, k3 = sheet["H2"], sheet["K3"]
    assert (h2.value, k3.value) == ("31/02/2020", "=K2")
    assert sheet["L2"].value == "=K2+1" and sheet["H3"].value == dt.datetime(2020, 4, 23)
    assert (h2.fill.fgColor.rgb, k3.fill.fgColor.rgb) == (RED, AMBER)
    assert sheet["A2"].fill.fill_type is None
    assert h2.comment is not None and k3.comment is not None
    assert h2.comment.author == "boardpack"
    lines = h2.comment.text.split("\n\n")
    assert [line.split(":")[0] for line in lines] == [
        "Error (impossible-date)",
        "Warning (date-as-text)",
    ]
    assert "last updated 91 days ago" in k3.comment.text
    assert sheet["A2"].comment is None


def test_the_findings_sheet_lists_every_finding_with_links(source: Path, tmp_path: Path) -> None:
    copy = tmp_path / "annotated.xlsx"
    annotate_workbook(source, copy, FINDINGS)

    workbook = openpyxl.load_workbook(copy)
    assert workbook.sheetnames == ["Actions", FINDINGS_SHEET]
    listing = workbook[FINDINGS_SHEET]
    rows = list(listing.iter_rows(min_row=2, max_col=6, values_only=True))
    assert [(row[0], row[1], row[4], row[5]) for row in rows] == [
        ("Actions", "(whole sheet)", "missing-optional-column", "warning"),
        ("Actions", "H2", "impossible-date", "error"),
        ("Actions", "H2", "date-as-text", "warning"),
        ("Actions", "K3", "stale-update", "warning"),
    ]
    links = [listing.cell(row=row, column=2).hyperlink for row in range(2, 6)]
    assert [link.location if link else None for link in links] == [
        "'Actions'!A1",
        "'Actions'!H2",
        "'Actions'!H2",
        "'Actions'!K3",
    ]


def test_cell_text_is_never_written_as_a_formula(source: Path, tmp_path: Path) -> None:
    copy = tmp_path / "annotated.xlsx"
    sneaky = finding("H2", "bad\x07rule", ERROR, '=HYPERLINK("http://x","click")')
    annotate_workbook(source, copy, [sneaky])

    listing = openpyxl.load_workbook(copy)[FINDINGS_SHEET]
    message = listing.cell(row=2, column=7)
    assert message.data_type == "s"
    assert message.value == '=HYPERLINK("http://x","click")'
    assert listing.cell(row=2, column=5).value == "badrule"


def test_findings_naming_no_real_cell_are_listed_but_not_marked(
    source: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "annotated.xlsx"
    lost = [
        finding("H2", "x", ERROR, "no such sheet", sheet="Measures"),
        Finding("plan.xlsx", "Actions", "not-a-cell", None, "", "", "x", ERROR, "bad cell"),
        finding("XFE9", "x", ERROR, "beyond column XFD"),
    ]
    assert annotate_workbook(source, copy, lost) == 0
    listing = openpyxl.load_workbook(copy)[FINDINGS_SHEET]
    assert listing.max_row == 1 + len(lost)


def test_writing_over_the_source_is_refused(source: Path) -> None:
    before = source.read_bytes()
    with pytest.raises(OutputError, match="refusing to write over the input"):
        annotate_workbook(source, source, FINDINGS)
    assert source.read_bytes() == before


def test_only_xlsx_copies_are_written(source: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"\.xlsx"):
        annotate_workbook(source, tmp_path / "copy.xlsm", FINDINGS)
    assert list(tmp_path.iterdir()) == [source]


def test_a_file_that_is_not_a_package_is_a_clear_refusal(tmp_path: Path) -> None:
    fake = tmp_path / "plan.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(AnnotationRefused, match=r"it is not an \.xlsx package, which keeps its"):
        annotate_workbook(fake, tmp_path / "copy.xlsx", FINDINGS)
    assert not (tmp_path / "copy.xlsx").exists()


def test_a_missing_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnreadableWorkbook, match="no such workbook"):
        annotate_workbook(tmp_path / "gone.xlsx", tmp_path / "copy.xlsx", FINDINGS)


def test_findings_from_a_real_check_land_on_their_cells(tmp_path: Path, rules: Rules) -> None:
    plan = write_plan(
        tmp_path / "plan.xlsx",
        [action_row(Ref="QP-01", **{"Due date": "31/02/2020"}), action_row(Ref="QP-02")],
        title_rows=2,
    )
    result = check_workbook(plan, rules, AS_OF).result
    due_date_errors = [f for f in result.errors if f.column == "Due date"]
    assert [f.cell for f in due_date_errors] == ["H4"]

    copy = tmp_path / "annotated.xlsx"
    assert annotate_workbook(plan, copy, result.findings) >= 1
    cell = openpyxl.load_workbook(copy)["Actions"]["H4"]
    assert cell.value == "31/02/2020" and cell.fill.fgColor.rgb == RED
