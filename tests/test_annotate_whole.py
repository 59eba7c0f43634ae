"""--annotate: a copy is whole or not made, stdout stays boardpack's, comments are bounded."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import action_row, write_plan

from generator.check import annotate
from generator.findings import Finding, Severity


def rewrite(source: Path, destination: Path, change) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(destination, "w") as copy:
        for info in original.infolist():
            copy.writestr(info, change(info.filename, original.read(info)))
    return destination


def test_a_workbook_openpyxl_cannot_open_keeps_validations_exit_code(
    tmp_path: Path, run_cli
) -> None:
    """calamine reads it (so validation answers); openpyxl fails on a style index."""
    plan = write_plan(tmp_path / "source.xlsx", [action_row({"Due date": "31/02/2027"})])
    odd = rewrite(
        plan,
        tmp_path / "plan.xlsx",
        lambda name, data: (
            data.replace(b'<c r="A2" t="inlineStr">', b'<c r="A2" s="7" t="inlineStr">')
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    copy = tmp_path / "checked.xlsx"
    result = run_cli(
        "validate", str(odd), "--as-of", "2026-11-23", "--format", "json", "--annotate", str(copy)
    )
    assert result.returncode == 1, result.stderr  # the impossible date, as without --annotate
    assert [f["rule"] for f in json.loads(result.stdout)] == ["impossible-date"]
    assert "no annotated copy written: openpyxl, which boardpack annotates with" in result.stderr
    assert "findings above are complete" in result.stderr and not copy.exists()


SLICER_TYPE = "application/vnd.ms-excel.slicerCache+xml"


def test_a_copy_that_would_lose_parts_is_refused_with_the_reason(tmp_path: Path, run_cli) -> None:
    plan = write_plan(tmp_path / "source.xlsx", [action_row()])

    def add_slicer(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                f'<Override PartName="/xl/slicerCaches/slicerCache1.xml" '
                f'ContentType="{SLICER_TYPE}"/></Types>'.encode(),
            )
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(
                b"</Relationships>",
                b'<Relationship Id="rId77" Type="http://schemas.microsoft.com/office/2007/'
                b'relationships/slicerCache" Target="slicerCaches/slicerCache1.xml"/>'
                b"</Relationships>",
            )
        return data

    source = rewrite(plan, tmp_path / "plan.xlsx", add_slicer)
    with zipfile.ZipFile(source, "a") as archive:
        archive.writestr(
            "xl/slicerCaches/slicerCache1.xml",
            b'<slicerCacheDefinition xmlns="http://schemas.microsoft.com/office/spreadsheetml/'
            b'2009/9/main" name="Slicer_Status" sourceName="Status"/>',
        )
    copy = tmp_path / "checked.xlsx"
    result = run_cli("validate", str(source), "--as-of", "2026-11-23", "--annotate", str(copy))
    assert result.returncode == 0, result.stderr
    assert "no annotated copy written: the copy would lose the workbook's slicers" in result.stderr
    assert not copy.exists()
    assert not list(tmp_path.glob(".checked.xlsx.*"))  # no half-written file left


def test_comments_stop_at_the_cap_but_every_cell_is_highlighted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row({"Ref": f"QP-{n}"}) for n in range(5)])
    findings = [
        Finding(file=str(plan), sheet="Actions", cell=f"K{row}", row=row, column="Status",
                ref="", rule="unknown-status", severity=Severity.ERROR, message="odd", value="")
        for row in range(2, 7)
    ]  # fmt: skip
    monkeypatch.setattr(annotate, "MAX_COMMENTS", 2)
    copy = tmp_path / "checked.xlsx"
    assert annotate.annotate_workbook(plan, copy, findings) == 5
    sheet = openpyxl.load_workbook(copy)["Actions"]
    commented = [row for row in range(2, 7) if sheet[f"K{row}"].comment is not None]
    filled = [row for row in range(2, 7) if sheet[f"K{row}"].fill.fgColor.rgb.endswith("FFC7CE")]
    assert commented == [2, 3] and filled == [2, 3, 4, 5, 6]
    listed = openpyxl.load_workbook(copy)[annotate.FINDINGS_SHEET]
    assert listed.max_row == 6  # the header and all five findings
