"""Measures as Excel shows them: number formats read from the workbook's styles, units read
as a person would say them, and a small trend chart when there are previous figures."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import action_row, write_plan
from template_makers import saved_by_libreoffice

from generator.cli import main
from generator.render.figures import excel_number, measure_figure
from generator.render.measures_chart import MOST_PANELS
from tests.report_reading import open_report, rows_of, table_captioned, text_dump

AS_OF = "2026-11-23"
HEADERS = ["Measure", "Section", "Unit", "Target", "Previous", "Current", "Better", "Commentary"]


def plan_with_measures(path: Path, rows: list[tuple[list[object], str | None]]) -> Path:
    """Measures rows, each with the number format its three figures are shown in."""
    write_plan(path, [action_row()])
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("Measures")
    sheet.append(HEADERS)
    for values, code in rows:
        sheet.append(values)
        if code:
            for column in "DEF":
                sheet[f"{column}{sheet.max_row}"].number_format = code
    book.save(path)
    return path


def measures_rows(
    tmp_path: Path, rows: list[tuple[list[object], str | None]], *, saved_as: str = ""
) -> list[list[str]]:
    plan = plan_with_measures(tmp_path / "plan.xlsx", rows)
    if saved_as:
        plan = saved_by_libreoffice(plan, saved_as)
    output = tmp_path / "report.docx"
    result = CliRunner().invoke(main, ["report", str(plan), "-o", str(output), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    table = table_captioned(open_report(output.read_bytes()), "Performance measures")
    return [row[:4] for row in rows_of(table)[1:]]


@pytest.mark.parametrize("saved_as", ["", "ods", "xls:MS Excel 97"], ids=["xlsx", "ods", "xls"])
def test_figures_follow_the_cells_number_formats_and_units(tmp_path: Path, saved_as: str) -> None:
    """The same figures and formats in Excel's file and as LibreOffice saves it: an .ods keeps
    them as number and percentage styles in content.xml, an .xls as BIFF8 XF and FORMAT
    records. (An .xlsb's formats are not read: see pipeline._measure_formats.)"""
    rows = measures_rows(
        tmp_path,
        [
            (["Visits in time", "", "%", 0.85, 0.71, 0.813], "0%"),
            (["Re-referrals", "", "", 0.22, 0.253, 0.231], "0.0%"),
            (["Caseload", "", "children", 18, 22.4, 20], "0.0"),
            (["Contacts", "", "number", 12000, 10250, 11873], "#,##0"),
            (["Repeat rate", "", "rate", 60, 64, 61], None),
            (["Typed as percentages", "", "%", 85, 71, 81], None),
            (["Budget", "", "", 2500, 10250.5, 11873], '"£"#,##0.00'),
            (["Optional places", "", "", 20.1, 20.125, 3], "0.0#"),
        ],
        saved_as=saved_as,
    )
    assert rows == [
        ["Visits in time", "85%", "71%", "81%"],
        ["Re-referrals", "22.0%", "25.3%", "23.1%"],
        ["Caseload", "18.0 children", "22.4 children", "20.0 children"],
        ["Contacts", "12,000", "10,250", "11,873"],
        ["Repeat rate", "60", "64", "61"],
        ["Typed as percentages", "85%", "71%", "81%"],
        ["Budget", "£2,500.00", "£10,250.50", "£11,873.00"],
        ["Optional places", "20.1", "20.13", "3.0"],
    ]


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        (0.85, "0%", "85%"),
        (0.8534, "0.00%", "85.34%"),
        (1234.5, "#,##0", "1,235"),
        (1234.5, "#,##0.00", "1,234.50"),
        (20.1, "0.0#", "20.1"),
        (20.125, "0.0#", "20.13"),
        (2500, '"£"#,##0', "£2,500"),
        (-3, "0;[Red]-0", "-3"),
        (7.25, "General", "7.25"),
    ],
)
def test_excel_number_formats(value: float, code: str, shown: str) -> None:
    assert excel_number(value, code) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (18, "children", "18 children"),
        (1, "children", "1 child"),
        (1, "days", "1 day"),
        (12, "days", "12 days"),
        (85, "%", "85%"),
        (85, "percent", "85%"),
        (10, "number", "10"),
        (60, "rate", "60"),
        (2500, "£", "£2,500"),
        (3, "per 10,000 children", "3 per 10,000 children"),
        ("n/k", "%", "n/k"),
    ],
)
def test_units_are_read_sensibly(value: float | str, unit: str, shown: str) -> None:
    assert measure_figure(value, unit) == shown


def test_a_trend_chart_when_there_are_previous_figures(tmp_path: Path) -> None:
    plan = plan_with_measures(
        tmp_path / "plan.xlsx",
        [
            (["Visits in time", "", "%", 0.85, 0.71, 0.813], "0%"),
            (["New measure", "", "", 10, None, 4], None),
        ],
    )
    output = tmp_path / "report.docx"
    assert CliRunner().invoke(main, ["report", str(plan), "-o", str(output), "--as-of", AS_OF])
    dump = text_dump(open_report(output.read_bytes()))
    assert (
        "[picture] Small charts of each measure, previous to current, against its target. "
        "Visits in time: 71% to 81%, target 85%." in dump
    )
    assert "New measure" not in dump.split("[picture] Small charts")[1].split("\n")[0]
    assert "Figure 2: Measures: previous to current, against target" in dump


def test_no_trend_chart_without_previous_figures(tmp_path: Path) -> None:
    plan = plan_with_measures(
        tmp_path / "plan.xlsx", [(["New measure", "", "", 10, None, 4], None)]
    )
    output = tmp_path / "report.docx"
    CliRunner().invoke(main, ["report", str(plan), "-o", str(output), "--as-of", AS_OF])
    assert "Small charts of each measure" not in text_dump(open_report(output.read_bytes()))


def test_hundreds_of_measures_chart_the_first_sixteen_and_say_so(tmp_path: Path) -> None:
    # Uncapped, 300 measures would be 75 rows of panels: a picture metres long.
    rows: list[tuple[list[object], str | None]] = [
        ([f"Measure {n:03}", "", "", 10, n, n + 1], None) for n in range(1, 301)
    ]
    plan = plan_with_measures(tmp_path / "plan.xlsx", rows)
    output = tmp_path / "report.docx"
    result = CliRunner().invoke(main, ["report", str(plan), "-o", str(output), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    document = open_report(output.read_bytes())
    dump = text_dump(document)
    alt = dump.split("[picture] Small charts")[1].split("\n")[0]
    assert f"The first {MOST_PANELS} of 300 measures are drawn." in alt
    assert "Measure 016: 16 to 17" in alt and "Measure 017" not in alt
    assert (
        f"Measures: previous to current, against target (the first {MOST_PANELS} of 300; "
        "the table lists them all)" in dump
    )
    table = table_captioned(document, "Performance measures")
    assert len(rows_of(table)) == 301  # the table keeps every measure
    with zipfile.ZipFile(output) as archive:
        pngs = [archive.read(n) for n in archive.namelist() if n.endswith(".png")]
    heights = [struct.unpack(">II", png[16:24])[1] for png in pngs]
    assert max(heights) < 2000, heights  # four rows of panels, not seventy-five
