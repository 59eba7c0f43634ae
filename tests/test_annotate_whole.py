"""--annotate: the copy is the whole workbook, stdout stays boardpack's, notes are bounded.

The copy is made by copying every part of the package as stored and editing only the parts
that change, so these tests build workbooks with what real templates carry (pivot tables,
slicers, charts, pictures, notes, whole-column validations and conditional formats, macros)
and check that each survives, that Excel's readers (openpyxl, python-calamine) and
LibreOffice open the copy, and that validating the copy finds what validating the source did.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import subprocess
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
import python_calamine
from big_plans import write_big_plan
from conftest import AS_OF, action_row, write_plan
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.styles import Font
from PIL import Image as Picture

from bench.packages import PIVOT_PARTS, add_pivot_table, add_validations
from generator.check import annotate
from generator.errors import AnnotationRefused, BoardpackError
from generator.findings import Finding, Severity
from generator.pipeline import check_workbook
from generator.schema.rules import Rules

ERROR, WARNING = Severity.ERROR, Severity.WARNING
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SLICER_TYPE = "application/vnd.ms-excel.slicerCache+xml"


def rewrite(source: Path, destination: Path, change) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(destination, "w") as copy:
        for info in original.infolist():
            copy.writestr(info, change(info.filename, original.read(info)))
    return destination


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def dangling(path: Path) -> list[str]:
    """Internal relationship targets the package does not hold, and relationship ids used
    twice in one part (either makes Excel offer to repair the workbook)."""
    contents = parts(path)
    missing = []
    for name, data in contents.items():
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))
        ids = [relationship.get("Id") for relationship in ElementTree.fromstring(data)]
        missing += [f"{name}: {rid} twice" for rid in set(ids) if ids.count(rid) > 1]
        for relationship in ElementTree.fromstring(data):
            if relationship.get("TargetMode", "") == "External":
                continue
            target = relationship.get("Target", "")
            part = posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
            if target.startswith("/"):
                part = target.lstrip("/")
            if part not in contents:
                missing.append(part)
    return missing


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():  # openpyxl warns about parts it does not model
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def values(path: Path) -> dict[str, list[list[object]]]:
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def problem(cell: str, rule: str = "unknown-status", severity: Severity = ERROR) -> Finding:
    row = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return Finding("plan.xlsx", "Actions", cell, row, "Status", "", rule, severity, f"{rule} here")


def test_stdout_stays_json_and_the_exit_code_stays_validations(tmp_path: Path, run_cli) -> None:
    """openpyxl could not open this workbook (a style index its styles lack); calamine and
    annotating can, and nothing but the JSON reaches stdout."""
    plan = write_plan(tmp_path / "source.xlsx", [action_row({"Due date": "31/02/2027"})])
    odd = rewrite(
        plan,
        tmp_path / "plan.xlsx",
        lambda name, data: (
            data.replace(b'<c r="A2" t="inlineStr">', b'<c r="A2" s="7" t="inlineStr">').replace(
                b'<c r="A2" t="s">', b'<c r="A2" s="7" t="s">'
            )
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    assert b' s="7"' in parts(odd)["xl/worksheets/sheet1.xml"]
    copy = tmp_path / "checked.xlsx"
    result = run_cli(
        "validate", str(odd), "--as-of", "2026-11-23", "--format", "json", "--annotate", str(copy)
    )
    assert result.returncode == 1, result.stderr  # the impossible date, as without --annotate
    assert [f["rule"] for f in json.loads(result.stdout)] == ["impossible-date"]
    assert "Annotated copy with 1 highlighted cells written to" in result.stderr
    # The copy is as the source was but for the marks (A2's style index is still undefined,
    # so openpyxl still cannot open it); calamine reads it, and H2 is filled red.
    assert values(copy)["Actions"] == values(odd)["Actions"]
    assert fill_of(copy, "xl/worksheets/sheet1.xml", "H2") == "FFFFC7CE"


def fill_of(path: Path, sheet_part: str, reference: str) -> str:
    """The solid fill colour of a cell, read from the package's XML."""
    contents = parts(path)
    cell = next(
        c for c in ElementTree.fromstring(contents[sheet_part]).iter(f"{MAIN}c")
        if c.get("r") == reference
    )  # fmt: skip
    styles = ElementTree.fromstring(contents["xl/styles.xml"])
    xf = list(styles.find(f"{MAIN}cellXfs"))[int(cell.get("s", "0"))]
    fill = list(styles.find(f"{MAIN}fills"))[int(xf.get("fillId", "0"))]
    colour = fill.find(f"{MAIN}patternFill/{MAIN}fgColor")
    return colour.get("rgb", "") if colour is not None else ""


def plan_with_everything(folder: Path) -> Path:
    """A plan with a chart and a picture on its Actions sheet, whole-column validations and
    conditional formats, a pivot table on Sections and a slicer cache."""
    plan = write_plan(
        folder / "base.xlsx",
        [
            action_row({"Ref": f"QP-{n}", "Status": "Purple" if n % 2 else "Green"})
            for n in range(6)
        ],
    )
    workbook = openpyxl.load_workbook(plan)
    sheet = workbook["Actions"]
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=1, max_row=7))
    sheet.add_chart(chart, "P2")
    buffer = io.BytesIO()
    Picture.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    sheet.add_image(Image(buffer), "P20")
    workbook.save(plan)
    # Smaller than the 261 and 130 (the copy never loads them, so the count changes
    # nothing but the time to build the workbook here).
    add_validations(plan, validations=26, formats=13)
    with_pivot = add_pivot_table(plan, folder / "pivot.xlsx", records=50)

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

    source = rewrite(with_pivot, folder / "plan.xlsx", add_slicer)
    with zipfile.ZipFile(source, "a") as archive:
        archive.writestr(
            "xl/slicerCaches/slicerCache1.xml",
            b'<slicerCacheDefinition xmlns="http://schemas.microsoft.com/office/spreadsheetml/'
            b'2009/9/main" name="Slicer_Status" sourceName="Status"/>',
        )
    return source


EDITED = {
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/_rels/sheet1.xml.rels",
}


def test_every_part_of_the_workbook_is_kept_as_it_was(tmp_path: Path, run_cli) -> None:
    source = plan_with_everything(tmp_path)
    before = parts(source)
    copy = tmp_path / "checked.xlsx"
    result = run_cli("validate", str(source), "--as-of", "2026-11-23", "--annotate", str(copy))
    assert result.returncode == 1, result.stderr  # the unknown statuses
    assert "Annotated copy with 3 highlighted cells written to" in result.stderr
    assert parts(source) == before  # the source is never written

    after = parts(copy)
    assert set(before) <= set(after)
    kept = set(before) - EDITED
    assert {*PIVOT_PARTS, "xl/slicerCaches/slicerCache1.xml", "xl/media/image1.png"} <= kept
    assert any(name.startswith("xl/charts/chart") for name in kept)
    assert {name for name in kept if before[name] != after[name]} == set()
    # Copied as stored: the same compressed bytes, not inflated and packed again.
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(copy) as written:
        for name in kept:
            old, new = original.getinfo(name), written.getinfo(name)
            assert (old.CRC, old.compress_size) == (new.CRC, new.compress_size), name
    assert dangling(copy) == []

    # The edited sheet keeps everything but the marked cells' styles.
    old_sheet, new_sheet = before["xl/worksheets/sheet1.xml"], after["xl/worksheets/sheet1.xml"]
    for element in (b"dataValidations", b"conditionalFormatting", b"drawing"):
        pattern = re.compile(rb"<" + element + rb"\b.*?(?:</" + element + rb">|/>)", re.DOTALL)
        assert pattern.findall(old_sheet) == pattern.findall(new_sheet) != []
    workbook = load(copy)
    actions = workbook["Actions"]
    assert len(actions.data_validations.dataValidation) == 26
    assert len(actions.conditional_formatting) == 13
    assert len(actions._charts) == 1 and len(actions._images) == 1
    assert workbook.sheetnames[-1] == annotate.FINDINGS_SHEET
    old_values, new_values = values(source), values(copy)
    assert {name: new_values[name] for name in old_values} == old_values


def test_notes_already_on_a_sheet_are_kept_and_boardpacks_are_replaced(
    tmp_path: Path,
) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row({"Ref": f"QP-{n}"}) for n in range(3)])
    workbook = openpyxl.load_workbook(plan)
    workbook["Actions"]["A1"].comment = Comment("Refs are set by the PMO", "Priya")
    workbook["Actions"]["K2"].comment = Comment("Check with finance", "Sam")
    workbook.save(plan)
    copy = tmp_path / "checked.xlsx"
    annotate.annotate_workbook(plan, copy, [problem("K2"), problem("K3", severity=WARNING)])

    sheet = load(copy)["Actions"]
    assert (sheet["A1"].comment.text, sheet["A1"].comment.author) == (
        "Refs are set by the PMO",
        "Priya",
    )
    assert sheet["K2"].comment.text == "Check with finance\n\nError (unknown-status): " + (
        "unknown-status here"
    )
    assert sheet["K3"].comment.author == "boardpack"
    drawing = next(data for name, data in parts(copy).items() if name.endswith(".vml"))
    # One box per note: openpyxl's two (its own prefixes) and boardpack's one.
    assert len(re.findall(rb"<\w+:shape\b", drawing)) == 3
    assert dangling(copy) == []

    # Annotating the annotated copy replaces boardpack's own notes and findings sheet.
    again = tmp_path / "again.xlsx"
    annotate.annotate_workbook(copy, again, [problem("K3", "stale-update", WARNING)])
    workbook = load(again)
    assert workbook.sheetnames.count(annotate.FINDINGS_SHEET) == 1
    assert workbook["Actions"]["K3"].comment.text == "Warning (stale-update): stale-update here"
    assert workbook["Actions"]["K2"].comment.text.startswith("Check with finance\n\nError")
    assert workbook[annotate.FINDINGS_SHEET].max_row == 2


def test_cells_and_rows_the_sheet_lacks_are_inserted_in_order(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path / "source.xlsx",
        [action_row({"Ref": f"QP-{n}", "Due date": None if n == 1 else "31/03/2027"})
         for n in range(4)],
    )  # fmt: skip
    # Take row 4 out altogether, as a blank row in a real plan is.
    source = rewrite(
        plan,
        tmp_path / "plan.xlsx",
        lambda name, data: (
            re.sub(rb'<row r="4".*?</row>', b"", data, flags=re.DOTALL)
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    sheet_xml = parts(source)["xl/worksheets/sheet1.xml"]
    assert b'r="H3"' not in sheet_xml and b'<row r="4"' not in sheet_xml
    copy = tmp_path / "checked.xlsx"
    marked = [problem("H3", "missing-required"), problem("B4"), problem("C9", severity=WARNING)]
    assert annotate.annotate_workbook(source, copy, marked) == 3

    root = ElementTree.fromstring(parts(copy)["xl/worksheets/sheet1.xml"])
    rows = root.find(f"{MAIN}sheetData")
    numbers = [int(row.get("r")) for row in rows]
    assert numbers == sorted(numbers) and {4, 9} <= set(numbers)
    for row in rows:
        columns = [openpyxl.utils.column_index_from_string(c.get("r").rstrip("0123456789"))
                   for c in row]  # fmt: skip
        assert columns == sorted(columns), row.get("r")
    sheet = load(copy)["Actions"]
    assert [sheet[cell].fill.fgColor.rgb for cell in ("H3", "B4", "C9")] == [
        "FFFFC7CE",
        "FFFFC7CE",
        "FFFFEB9C",
    ]
    assert sheet["H3"].value is None and sheet["H2"].value == "31/03/2027"
    assert values(copy)["Actions"] == values(source)["Actions"]  # empty cells stay empty


@pytest.mark.parametrize("strings", ["shared", "inline"])
def test_validating_the_copy_finds_what_validating_the_source_did(
    tmp_path: Path, rules: Rules, strings: str
) -> None:
    if strings == "shared":  # openpyxl writes text once, in sharedStrings.xml
        plan = write_plan(
            tmp_path / "plan.xlsx",
            [
                action_row({"Ref": "QP-1", "Status": "Purple"}),
                action_row({"Due date": "31/02/2027"}),
            ],
        )
    else:  # text written in each cell, as some programs do
        plan = rewrite(
            write_big_plan(tmp_path / "big.xlsx", 6),
            tmp_path / "plan.xlsx",
            lambda name, data: data.replace(b"<t>Green</t>", b"<t>Purple</t>", 1),
        )
        assert b"inlineStr" in parts(plan)["xl/worksheets/sheet1.xml"]
    found = check_workbook(plan, rules, AS_OF).result.findings
    assert found
    copy = tmp_path / "checked.xlsx"
    annotate.annotate_workbook(plan, copy, found)
    again = check_workbook(copy, rules, AS_OF).result.findings

    def key(finding: Finding) -> tuple[str, ...]:
        return (finding.sheet, finding.cell, finding.rule, finding.severity.value, finding.message)

    assert sorted(map(key, again)) == sorted(map(key, found))


def test_a_macro_enabled_workbook_gives_a_plain_xlsx(tmp_path: Path, run_cli) -> None:
    plan = write_plan(tmp_path / "base.xlsx", [action_row({"Status": "Purple"})])
    macro_main = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"

    def with_macros(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            data = data.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                macro_main,
            )
            return data.replace(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                b"</Types>",
            )
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
            )
        return data

    source = rewrite(plan, tmp_path / "plan.xlsm", with_macros)
    with zipfile.ZipFile(source, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    copy = tmp_path / "checked.xlsx"
    result = run_cli("validate", str(source), "--as-of", "2026-11-23", "--annotate", str(copy))
    assert result.returncode == 1, result.stderr
    assert "the workbook's macros are not copied" in result.stderr
    written = parts(copy)
    assert "xl/vbaProject.bin" not in written and dangling(copy) == []
    types = written["[Content_Types].xml"]
    assert macro_main not in types and b"vbaProject" not in types
    assert b"spreadsheetml.sheet.main+xml" in types
    assert b"vbaProject" not in written["xl/_rels/workbook.xml.rels"]
    assert load(copy)["Actions"]["K2"].fill.fgColor.rgb == "FFFFC7CE"


def test_formats_are_kept_and_merged_cells_marked_where_they_show(tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row({"Ref": f"QP-{n}"}) for n in range(3)])
    workbook = openpyxl.load_workbook(plan)
    sheet = workbook["Actions"]
    sheet["N2"].number_format = "dd/mm/yyyy"
    sheet["N2"].font = Font(bold=True, italic=True)
    sheet.merge_cells("L3:M4")
    workbook.save(plan)
    copy = tmp_path / "checked.xlsx"
    assert annotate.annotate_workbook(plan, copy, [problem("N2"), problem("M4")]) == 2
    sheet = load(copy)["Actions"]
    assert sheet["N2"].number_format == "dd/mm/yyyy"
    assert (sheet["N2"].font.b, sheet["N2"].font.i) == (True, True)
    assert sheet["N2"].fill.fgColor.rgb == "FFFFC7CE"
    assert sheet["L3"].fill.fgColor.rgb == "FFFFC7CE" and sheet["L3"].comment is not None


def test_workbooks_kept_in_other_formats_are_refused_with_the_reason(
    tmp_path: Path, run_cli
) -> None:
    from test_front_door import PLAN_ROWS, ods_content, write_ods

    ods = write_ods(tmp_path / "plan.ods", ods_content(PLAN_ROWS))
    copy = tmp_path / "checked.xlsx"
    result = run_cli("validate", str(ods), "--as-of", "2026-11-23", "--annotate", str(copy))
    alone = run_cli("validate", str(ods), "--as-of", "2026-11-23")
    assert result.returncode == alone.returncode != 2  # validation's answer stands
    assert (
        "no annotated copy written: it is an OpenDocument spreadsheet (.ods), which keeps its "
        "cells in a form boardpack cannot edit" in result.stderr
    )
    assert "save it as .xlsx and annotate that" in result.stderr and not copy.exists()

    xls = tmp_path / "plan.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    with pytest.raises(AnnotationRefused, match=r"an Excel 97-2003 workbook \(\.xls\)"):
        annotate.annotate_workbook(xls, copy, [problem("K2")])
    assert not copy.exists()


def test_libreoffice_shows_the_notes_the_fills_and_the_pivot_table(tmp_path: Path) -> None:
    base = write_plan(tmp_path / "base.xlsx", [action_row({"Ref": f"QP-{n}"}) for n in range(3)])
    workbook = openpyxl.load_workbook(base)
    workbook["Actions"]["A1"].comment = Comment("Refs are set by the PMO", "Priya")
    workbook.save(base)
    plan = add_pivot_table(base, tmp_path / "plan.xlsx")
    copy = tmp_path / "checked.xlsx"
    annotate.annotate_workbook(plan, copy, [problem("K2"), problem("K3", "stale", WARNING)])

    out = tmp_path / "ods"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "ods", "--outdir", str(out), str(copy)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    content = parts(out / "checked.ods")["content.xml"].decode()
    notes = [
        re.sub(r"<[^>]+>", "", note)
        for note in re.findall(r"<office:annotation\b.*?</office:annotation>", content, re.S)
    ]
    assert any("Refs are set by the PMO" in note for note in notes)
    assert any("Error (unknown-status): unknown-status here" in note for note in notes)
    assert any("Warning (stale): stale here" in note for note in notes)
    assert len(notes) == 3
    assert 'fo:background-color="#ffc7ce"' in content
    assert 'fo:background-color="#ffeb9c"' in content
    assert '<table:data-pilot-table table:name="StatusCount"' in content


def test_comments_stop_at_the_cap_but_every_cell_is_highlighted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row({"Ref": f"QP-{n}"}) for n in range(5)])
    findings = [problem(f"K{row}") for row in range(2, 7)]
    monkeypatch.setattr(annotate, "MAX_COMMENTS", 2)
    copy = tmp_path / "checked.xlsx"
    assert annotate.annotate_workbook(plan, copy, findings) == 5
    sheet = load(copy)["Actions"]
    commented = [row for row in range(2, 7) if sheet[f"K{row}"].comment is not None]
    filled = [row for row in range(2, 7) if sheet[f"K{row}"].fill.fgColor.rgb.endswith("FFC7CE")]
    assert commented == [2, 3] and filled == [2, 3, 4, 5, 6]
    listed = load(copy)[annotate.FINDINGS_SHEET]
    assert listed.max_row == 6  # the header and all five findings
    # The sheet had no relationships part: one is made, holding the notes and their drawing.
    assert "xl/worksheets/_rels/sheet1.xml.rels" not in parts(plan)
    assert dangling(copy) == []


def readable_values(path: Path) -> dict[str, list[list[object]]] | None:
    """Every sheet's values as python-calamine reads them; None if it cannot."""
    try:
        return values(path)
    except BaseException as error:  # calamine panics (a BaseException) on some damaged files
        if isinstance(error, KeyboardInterrupt):
            raise
        return None


def test_every_corpus_workbook_gets_a_whole_copy_or_a_reason(
    corpus_file: Path, tmp_path: Path
) -> None:
    """Annotated with findings on its first sheet, each real workbook gives a copy that reads
    as it did, with no relationship broken that was whole, or a one-line refusal."""
    before = readable_values(corpus_file)
    sheet = next(iter(before), "Sheet1") if before else "Sheet1"
    findings = [
        Finding(str(corpus_file), sheet, cell, None, "", "", "rule", severity, f"about {cell}")
        for cell, severity in (("A1", ERROR), ("C5", WARNING), ("AA200", ERROR), ("", WARNING))
    ]
    copy = tmp_path / "checked.xlsx"
    try:
        annotate.annotate_workbook(corpus_file, copy, findings)
    except BoardpackError as error:
        assert len(str(error).splitlines()) == 1 and not copy.exists()
        return
    after = readable_values(copy)
    if before is not None:
        assert after is not None and {name: after[name] for name in before} == before
    assert set(dangling(copy)) <= set(dangling(corpus_file))


def test_a_part_that_cannot_be_found_where_listed_is_a_refusal_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row()])
    with zipfile.ZipFile(plan) as archive:
        offset = archive.getinfo("docProps/app.xml").header_offset
    data = bytearray(plan.read_bytes())
    data[offset : offset + 4] = b"JUNK"  # the part's own header, which copying reads
    plan.write_bytes(bytes(data))
    copy = tmp_path / "checked.xlsx"
    with pytest.raises(AnnotationRefused, match="zip structure is damaged"):
        annotate.annotate_workbook(plan, copy, [problem("K2")])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.xlsx"]
