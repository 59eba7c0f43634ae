"""Writing cells into a copy of a workbook's own package: every way a sheet's XML is written.

collect edits only the changed cells' XML (see generator/cycle/package.py). These tests
build packages the ways other programs write them (namespace prefixes, no r attributes,
empty rows, the 1904 date system, row and column styles) and sweep the shared corpus, and
read every result back with python-calamine and openpyxl.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from generator.cycle.package import ChangeRow, PlanPackage
from generator.errors import BoardpackError
from generator.read.guard import inspect_workbook
from generator.read.workbook import open_calamine

CHANGE = ChangeRow("Sheet", "B2", "QP-01", "Status", "Amber", "Red", "lead.xlsx")
WANTED = {"B2": "Red", "C3": dt.date(2027, 1, 31), "D4": 12.5, "E40": "a new row"}


def grid(path: Path, sheet: str) -> list[list[Any]]:
    return open_calamine(path).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def at(rows: list[list[Any]], cell: str) -> Any:
    found = re.fullmatch(r"([A-Z])(\d+)", cell)
    assert found is not None
    row, column = int(found[2]) - 1, ord(found[1]) - 65
    return rows[row][column] if row < len(rows) and column < len(rows[row]) else None


def rewrite_part(path: Path, part: str, change: Any) -> None:
    """Rewrite one part of the package, as another program would have written it."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def small_workbook(path: Path, **options: Any) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet"
    if options.get("epoch"):
        book.epoch = options["epoch"]
    sheet["A1"], sheet["B1"], sheet["C1"], sheet["D1"] = "Ref", "Status", "Due", "Score"
    sheet["A2"], sheet["B2"] = "QP-01", "Amber"
    sheet["A3"], sheet["C3"] = "QP-02", dt.date(2026, 1, 1)
    sheet["C3"].number_format = "dd/mm/yyyy"
    sheet["A4"] = "QP-03"
    sheet.row_dimensions[5].height = 30  # an empty row, written as <row .../>
    other = book.create_sheet("Other")
    other["A1"] = "untouched"
    book.save(path)
    return path


def write(source: Path, target: Path, values: dict[str, Any] | None = None) -> None:
    cells = WANTED if values is None else values
    PlanPackage(source).write(target, {("Sheet", a1): v for a1, v in cells.items()}, [CHANGE])


def assert_written(target: Path) -> None:
    rows = grid(target, "Sheet")
    assert [at(rows, cell) for cell in WANTED] == list(WANTED.values())
    book = openpyxl.load_workbook(target)
    assert book["Sheet"]["C3"].value == dt.datetime(2027, 1, 31)
    assert book["Other"]["A1"].value == "untouched"
    assert [c.value for c in book["Changes"][2]] == list(CHANGE.cells())


def test_cells_are_replaced_inserted_and_new_rows_added(tmp_path: Path) -> None:
    source = small_workbook(tmp_path / "plain.xlsx")
    write(source, tmp_path / "out.xlsx", {**WANTED, "B5": "into an empty row"})
    assert_written(tmp_path / "out.xlsx")
    assert at(grid(tmp_path / "out.xlsx", "Sheet"), "B5") == "into an empty row"
    # The date keeps the cell's own format; a date in a cell without one gets a date format.
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet"]["C3"].number_format == (
        "dd/mm/yyyy"
    )


def test_a_sheet_written_with_a_namespace_prefix(tmp_path: Path) -> None:
    source = small_workbook(tmp_path / "prefixed.xlsx")

    def prefixed(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=")
        return re.sub(rb"<(/?)(?!x:|\?)([A-Za-z]+)", rb"<\1x:\2", xml)

    rewrite_part(source, "xl/worksheets/sheet1.xml", prefixed)
    write(source, tmp_path / "out.xlsx")
    assert_written(tmp_path / "out.xlsx")
    xml = zipfile.ZipFile(tmp_path / "out.xlsx").read("xl/worksheets/sheet1.xml")
    assert b'<x:c r="B2"' in xml and b"<c " not in xml


def test_rows_and_cells_without_r_attributes(tmp_path: Path) -> None:
    # Without r attributes each cell is the one after the last, so such sheets are dense.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet"
    for row in (["Ref", "Status", "Due"], ["QP-01", "Amber", 1], ["QP-02", "Red", 2]):
        sheet.append(row)
    book.save(tmp_path / "bare.xlsx")
    source = tmp_path / "bare.xlsx"
    rewrite_part(
        source,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'(<(?:row|c)\b[^>]*?) r="[A-Z]*\d+"', rb"\1", xml),
    )
    assert b' r="' not in zipfile.ZipFile(source).read("xl/worksheets/sheet1.xml")
    write(source, tmp_path / "out.xlsx", {"B2": "Red", "C3": 5, "D3": "new", "A5": "QP-04"})
    assert grid(tmp_path / "out.xlsx", "Sheet") == [
        ["Ref", "Status", "Due", ""],
        ["QP-01", "Red", 1.0, ""],
        ["QP-02", "Red", 5.0, "new"],
        ["", "", "", ""],
        ["QP-04", "", "", ""],
    ]


def test_dates_in_a_1904_workbook(tmp_path: Path) -> None:
    source = small_workbook(tmp_path / "mac.xlsx", epoch=CALENDAR_MAC_1904)
    write(source, tmp_path / "out.xlsx")
    assert_written(tmp_path / "out.xlsx")


def test_a_new_cell_takes_its_rows_or_columns_style(tmp_path: Path) -> None:
    source = small_workbook(tmp_path / "styled.xlsx")
    book = openpyxl.load_workbook(source)
    sheet = book["Sheet"]
    sheet.column_dimensions["F"].fill = PatternFill("solid", fgColor="FFF2CC")
    sheet.row_dimensions[4].fill = PatternFill("solid", fgColor="DDEBF7")
    sheet["E3"].alignment = Alignment(wrap_text=True)  # E's only other cell, for neighbours
    book.save(source)
    write(source, tmp_path / "out.xlsx", {"F3": "column", "G4": "row", "E2": "neighbour"})
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet"]
    assert out["F3"].fill.fgColor.rgb.endswith("FFF2CC")
    assert out["G4"].fill.fgColor.rgb.endswith("DDEBF7")
    assert out["E2"].alignment.wrap_text


def test_formula_and_merged_cells_are_not_writable(tmp_path: Path) -> None:
    source = small_workbook(tmp_path / "formulas.xlsx")
    book = openpyxl.load_workbook(source)
    book["Sheet"]["D2"] = "=1+1"
    book["Sheet"].merge_cells("B3:C3")
    book.save(source)
    package = PlanPackage(source)
    cells = [("Sheet", cell) for cell in ("B2", "D2", "B3", "C3", "Z99")]
    assert package.unwritable([*cells, ("Other", "A1")]) == {
        ("Sheet", "D2"): "it holds a formula",
        ("Sheet", "C3"): "it is part of a merged cell",
    }


def test_a_changes_sheet_of_the_plans_own_is_kept_and_ours_is_replaced(tmp_path: Path) -> None:
    source = small_workbook(tmp_path / "own.xlsx")
    book = openpyxl.load_workbook(source)
    book.create_sheet("changes")["A1"] = "The council's own change log"
    book.save(source)
    first = tmp_path / "first.xlsx"
    write(source, first)
    assert openpyxl.load_workbook(first).sheetnames == ["Sheet", "Other", "changes", "Changes 2"]
    second = tmp_path / "second.xlsx"
    write(first, second, {"B2": "Green"})
    again = openpyxl.load_workbook(second)
    assert again.sheetnames == ["Sheet", "Other", "changes", "Changes 2"]
    assert again["changes"]["A1"].value == "The council's own change log"


def test_every_corpus_workbook_is_written_or_refused_in_one_line(corpus: Path, tmp_path: Path):
    """Whatever program wrote a workbook, the cells land where they should and every other
    sheet reads as before; a workbook that cannot be edited safely is refused, never
    half-written. (Workbooks with no cell styles at all get dates as serial numbers.)"""
    written = []
    for path in sorted(corpus.glob("*.xls[xm]")):
        target = tmp_path / f"out{path.suffix}"
        try:
            inspect_workbook(path)
            book = open_calamine(path)
        except BoardpackError:
            continue  # not a workbook boardpack reads, so never a plan to collect into
        if not book.sheet_names:
            continue
        sheet, others = book.sheet_names[0], book.sheet_names[1:]
        try:
            before = {name: book.get_sheet_by_name(name).to_python() for name in others}
            grid(path, sheet)
        except Exception:  # calamine cannot read it: it could never be a plan
            continue
        try:
            cells = {(sheet, a1): value for a1, value in WANTED.items()}
            PlanPackage(path).write(target, cells, [CHANGE])
        except BoardpackError as error:
            assert "\n" not in str(error) and str(path) in str(error), str(error)
            continue
        rows = grid(target, sheet)
        values = [at(rows, cell) for cell in WANTED]
        assert values[0] == "Red" and values[2:] == [12.5, "a new row"], path.name
        assert values[1] in (dt.date(2027, 1, 31), 46418.0), path.name
        out = open_calamine(target)
        assert {name: out.get_sheet_by_name(name).to_python() for name in others} == before
        written.append(path.name)
    assert len(written) > 50
