"""`boardpack collect`: the round trip through chase, leads' hands (as openpyxl, Excel and
LibreOffice would leave the files) and back into a new plan that keeps everything else."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
import zipfile
from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from cycle_plans import AS_OF, edit_as_lead, invoke, write_cycle_plan

from generator.cli import main

CHANGED_PARTS = {
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
}


def collect(plan: Path, folder: Path, output: Path, expected_exit: int) -> Result:
    return invoke(
        ["collect", str(plan), str(folder), "-o", str(output), "--as-of", AS_OF.isoformat()],
        expected_exit,
    )


def libreoffice_resave(path: Path) -> None:
    """Open and save the workbook in LibreOffice Calc, as a lead without Excel would."""
    out = path.parent / "resaved"
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    shutil.move(out / path.name, path)


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A plan, chased, and the workbooks as the leads sent them back."""
    root = tmp_path_factory.mktemp("cycle")
    plan = write_cycle_plan(root / "plan.xlsx")
    folder = root / "returned"
    result = CliRunner().invoke(
        main, ["chase", str(plan), "--out", str(folder), "--as-of", AS_OF.isoformat()]
    )
    assert result.exit_code == 0, result.output
    for draft in folder.glob("*.eml"):
        draft.unlink()
    edit_as_lead(
        folder / "Head-of-Service.xlsx",
        {
            ("QP-01", "Status"): "red",
            ("QP-01", "Revised due date"): "31/01/2027",  # a date typed as text
            ("QP-01", "Progress update"): "Recruited two staff; recovery by January.",
            ("QP-02", "Progress update"): "Audit started",
            ("QP-02", "Evidence of impact"): "20 cases audited",
            ("QP-02", "Due date"): dt.date(2027, 3, 31),  # locked, but unprotected
        },
        unprotect=True,
        reverse=True,
        delete=["QP-09"],
        extra=True,
        add=[{"Ref": "QP-04", "Status": "Blue", "Completed date": dt.date(2026, 11, 20)}],
    )
    # The same lead's workbook sent twice, once with a different update for QP-02.
    shutil.copy(folder / "Head-of-Service.xlsx", folder / "Head-of-Service (2).xlsx")
    edit_as_lead(folder / "Head-of-Service (2).xlsx", {("QP-02", "Progress update"): "Done"})
    edit_as_lead(
        folder / "Sian-Jones.xlsx",
        {("QP-05", "Status"): "Amber", ("QP-05", "Progress update"): "Started late"},
    )
    libreoffice_resave(folder / "Sian-Jones.xlsx")
    edit_as_lead(
        folder / "Sian-Jones-2.xlsx",
        {("QP-06", "Status"): "Blue", ("QP-06", "Completed date"): "01/12/2026"},
    )
    edit_as_lead(folder / "J-OBrien-Head-of-Service.xlsx", {("QP-04", "Status"): "Purple"})
    return plan, folder


@pytest.fixture(scope="module")
def collected(returned: tuple[Path, Path]) -> tuple[Path, Path, Result]:
    plan, folder = returned
    before = hashlib.sha256(plan.read_bytes()).hexdigest()
    output = plan.parent / "updated.xlsx"
    result = collect(plan, folder, output, 1)
    assert hashlib.sha256(plan.read_bytes()).hexdigest() == before  # never written
    return plan, output, result


def cells(path: Path, sheet: str) -> dict[str, Any]:
    book = openpyxl.load_workbook(path)
    return {
        cell.coordinate: cell.value
        for row in book[sheet].iter_rows()
        for cell in row
        if cell.value is not None
    }


EXPECTED_CHANGES = [
    # Sheet, Cell, Ref, Column, Old value, New value, From file
    ("Actions", "F4", "QP-01", "Revised due date", None, "31 January 2027",
     "Head-of-Service (2).xlsx, Head-of-Service.xlsx"),
    ("Actions", "H4", "QP-01", "Status", "Amber", "Red",
     "Head-of-Service (2).xlsx, Head-of-Service.xlsx"),
    ("Actions", "I4", "QP-01", "Progress update", "Slipping: staff",
     "Recruited two staff; recovery by January.",
     "Head-of-Service (2).xlsx, Head-of-Service.xlsx"),
    ("Actions", "J5", "QP-02", "Evidence of impact", None, "20 cases audited",
     "Head-of-Service (2).xlsx, Head-of-Service.xlsx"),
    ("Actions", "H9", "QP-05", "Status", "Red", "Amber", "Sian-Jones.xlsx"),
    ("Actions", "I9", "QP-05", "Progress update", None, "Started late", "Sian-Jones.xlsx"),
]  # fmt: skip


def test_exactly_the_returned_changes_are_applied(collected: tuple[Path, Path, Result]) -> None:
    plan, output, _ = collected
    before, after = cells(plan, "Actions"), cells(output, "Actions")
    changed = {
        cell: after.get(cell)
        for cell in set(before) | set(after)
        if before.get(cell) != after.get(cell)
    }
    assert changed == {
        "F4": dt.datetime(2027, 1, 31),
        "H4": "Red",
        "I4": "Recruited two staff; recovery by January.",
        "J5": "20 cases audited",
        "H9": "Amber",
        "I9": "Started late",
    }
    book = openpyxl.load_workbook(output)
    assert book["Actions"]["F4"].number_format == "dd/mm/yyyy"  # the column's own date format
    changes = [tuple(row) for row in book["Changes"].iter_rows(values_only=True)]
    assert changes[0] == ("Sheet", "Cell", "Ref", "Column", "Old value", "New value", "From file")
    assert changes[1:] == EXPECTED_CHANGES
    assert book.sheetnames == ["Actions", "Sections", "Report", "Distribution", "Notes", "Changes"]


def test_refusals_are_reported_per_cell(collected: tuple[Path, Path, Result]) -> None:
    _, _, result = collected
    refused = [line for line in result.stdout.splitlines() if line.startswith("refused: ")]
    located = [re.sub(r"^refused: .*/returned/", "", line).split(": ", 2) for line in refused]
    assert [(where[0], where[1]) for where in located] == [
        ("Head-of-Service (2).xlsx", "Actions!E8 (QP-02, Due date)"),
        ("Head-of-Service (2).xlsx", "Actions!I8 (QP-02, Progress update)"),
        ("Head-of-Service (2).xlsx", "Actions!A10 (QP-04)"),
        ("Head-of-Service.xlsx", "Actions!E8 (QP-02, Due date)"),
        ("Head-of-Service.xlsx", "Actions!I8 (QP-02, Progress update)"),
        ("Head-of-Service.xlsx", "Actions!A10 (QP-04)"),
        ("J-OBrien-Head-of-Service.xlsx", "Actions!H8 (QP-04, Status)"),
        ("Sian-Jones-2.xlsx", "Actions!G8 (QP-06, Completed date)"),
        ("Sian-Jones-2.xlsx", "Actions!H8 (QP-06, Status)"),
    ]
    messages = [where[2] for where in located]
    assert messages[1] == (
        'Progress update of QP-02 was changed to "Done" here but to "Audit started" in '
        "Head-of-Service.xlsx; neither was applied"
    )
    assert messages[0].startswith(
        'Due date is not a column a lead may change; "31 March 2027" was not applied'
    )
    assert messages[2] == (
        "QP-04 is not one of Head of Service's actions (its lead is J. O'Brien / Head of "
        "Service); Completed date, Status not applied"
    )
    assert messages[6] == (
        '"Purple" was not applied: "Purple" is not a status in the key (Blue, Green, Amber, Red)'
    )
    assert messages[7] == (
        '"1 December 2026" was not applied: Completed date 1 December 2026 is after the as-of date'
    )
    assert messages[8] == '"Blue" was not applied: Blue (completed) but no Completed date'
    assert result.stdout.splitlines()[-1].startswith(
        "Applied 6 changes from 3 returned workbooks (6 workbooks read); 9 refusals"
    )


def test_everything_else_in_the_plan_is_carried_over(collected: tuple[Path, Path, Result]):
    plan, output, _ = collected
    with zipfile.ZipFile(plan) as source, zipfile.ZipFile(output) as updated:
        old = {info.filename: source.read(info) for info in source.infolist()}
        new = {info.filename: updated.read(info) for info in updated.infolist()}
    assert set(new) - set(old) == {"xl/worksheets/sheet6.xml"}
    assert {"xl/charts/chart1.xml", "xl/media/image1.png", "xl/drawings/drawing1.xml"} <= set(old)
    for part, data in old.items():
        if part not in CHANGED_PARTS:
            assert new[part] == data, part
    # In the Actions sheet, only the changed cells' elements differ, byte for byte.
    changed = [change[1] for change in EXPECTED_CHANGES]

    def without_changed(xml: bytes) -> bytes:
        for cell in changed:
            xml = re.sub(rb'<c r="' + cell.encode() + rb'"[^>]*?(/>|>.*?</c>)', b"", xml)
        return xml

    sheet = "xl/worksheets/sheet1.xml"
    assert without_changed(new[sheet]) == without_changed(old[sheet])
    assert new["xl/styles.xml"].startswith(old["xl/styles.xml"][:200])
    # Value for value and style for style, every other sheet and cell is as it was.
    before, after = openpyxl.load_workbook(plan), openpyxl.load_workbook(output)
    for sheet_name in before.sheetnames:
        old_sheet, new_sheet = before[sheet_name], after[sheet_name]
        assert old_sheet.merged_cells.ranges == new_sheet.merged_cells.ranges
        assert old_sheet.freeze_panes == new_sheet.freeze_panes
        assert {k: v.width for k, v in old_sheet.column_dimensions.items()} == {
            k: v.width for k, v in new_sheet.column_dimensions.items()
        }
        assert [str(v.sqref) for v in old_sheet.data_validations.dataValidation] == [
            str(v.sqref) for v in new_sheet.data_validations.dataValidation
        ]
        assert [str(r.sqref) for r in old_sheet.conditional_formatting] == [
            str(r.sqref) for r in new_sheet.conditional_formatting
        ]
        for row in old_sheet.iter_rows():
            for cell in row:
                if sheet_name == "Actions" and cell.coordinate in changed:
                    continue
                other = new_sheet[cell.coordinate]
                assert (cell.value, cell.number_format) == (other.value, other.number_format)
                for style in ("font", "fill", "border", "alignment", "protection"):
                    # copy() unwraps openpyxl's style proxies, which never compare equal.
                    assert copy(getattr(cell, style)) == copy(getattr(other, style)), (
                        sheet_name,
                        cell.coordinate,
                        style,
                    )
                assert (cell.comment.text if cell.comment else None) == (
                    other.comment.text if other.comment else None
                )
    assert after["Notes"]["B3"].value == "=SUM(B1:B2)"
    assert after["Actions"]["L4"].value == '=IF(ISNUMBER(E4),E4-TODAY(),"")'
    assert after.defined_names["Budget"].attr_text == "Notes!$B$1:$B$2"


def test_collect_twice_gives_the_same_bytes(
    returned: tuple[Path, Path], collected: tuple[Path, Path, Result]
) -> None:
    plan, folder = returned
    _, first, _ = collected
    again = plan.parent / "again.xlsx"
    collect(plan, folder, again, 1)
    assert again.read_bytes() == first.read_bytes()


def test_collecting_into_the_updated_plan_changes_nothing_more(
    returned: tuple[Path, Path], collected: tuple[Path, Path, Result]
) -> None:
    _, folder = returned
    _, updated, _ = collected
    twice = updated.parent / "twice.xlsx"
    result = collect(updated, folder, twice, 1)
    assert "No changes to apply" in result.stdout
    assert cells(twice, "Actions") == cells(updated, "Actions")
    with zipfile.ZipFile(updated) as first, zipfile.ZipFile(twice) as second:
        assert second.read("xl/styles.xml") == first.read("xl/styles.xml")  # no growth
        assert second.namelist() == first.namelist()
    book = openpyxl.load_workbook(twice)
    assert book.sheetnames[-1] == "Changes"  # replaced, not added to
    assert list(book["Changes"].iter_rows(values_only=True))[1:] == []


def test_validate_and_report_read_the_updated_plan(
    collected: tuple[Path, Path, Result], tmp_path: Path
) -> None:
    plan, output, _ = collected

    def findings(path: Path) -> set[tuple[str, str]]:
        checked = invoke(["validate", str(path), "--as-of", "2026-11-23", "--format", "json"], 1)
        import json

        return {(f["cell"], f["rule"]) for f in json.loads(checked.stdout)}

    # QP-05 is Amber with an update now; the plan's other errors are the lead's to fix.
    assert findings(plan) - findings(output) == {("I9", "update-needed")}
    assert findings(output) - findings(plan) == set()
    report = tmp_path / "report.docx"
    invoke(["report", str(output), "-o", str(report), "--as-of", "2026-11-23", "--allow-errors"], 0)
    assert report.stat().st_size > 10_000


def test_a_cell_changed_in_the_plan_since_the_chase_is_not_overwritten(tmp_path: Path) -> None:
    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    folder = tmp_path / "returned"
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", "2026-11-23"], 0)
    edit_as_lead(
        folder / "Head-of-Service.xlsx",
        {("QP-01", "Status"): "Green", ("QP-02", "Progress update"): "Audit started"},
    )
    # Meanwhile the programme manager changes both rows in the plan.
    book = openpyxl.load_workbook(plan)
    book["Actions"]["H4"] = "Red"  # QP-01's Status, which the lead also changed
    book["Actions"]["J5"] = "Seen at the board"  # QP-02's Evidence, which the lead did not
    book.save(plan)
    result = collect(plan, folder, tmp_path / "updated.xlsx", 1)
    after = cells(tmp_path / "updated.xlsx", "Actions")
    assert (after["H4"], after["I5"], after["J5"]) == ("Red", "Audit started", "Seen at the board")
    assert 'Status of QP-01 has been changed in the plan since the chase (to "Red"); "Green"' in (
        result.stdout
    )


def test_formula_cells_are_not_overwritten(tmp_path: Path) -> None:
    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    folder = tmp_path / "returned"
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", "2026-11-23"], 0)
    book = openpyxl.load_workbook(plan)
    book["Actions"]["J4"] = '="See "&A4'  # QP-01's Evidence of impact, a formula
    book.save(plan)
    edit_as_lead(
        folder / "Head-of-Service.xlsx",
        {("QP-01", "Evidence of impact"): "Audit", ("QP-01", "Progress update"): "Recruited"},
    )
    result = collect(plan, folder, tmp_path / "updated.xlsx", 1)
    assert "the plan's cell J4 cannot take a value because it holds a formula" in result.stdout
    after = openpyxl.load_workbook(tmp_path / "updated.xlsx")["Actions"]
    assert after["J4"].value == '="See "&A4' and after["I4"].value == "Recruited"


def test_text_from_a_lead_stays_text(tmp_path: Path) -> None:
    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    folder = tmp_path / "returned"
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", "2026-11-23"], 0)
    hostile = '=HYPERLINK("http://evil.example","x") & <b> "quoted" & more\nline two'
    edit_as_lead(folder / "Head-of-Service.xlsx", {("QP-02", "Progress update"): hostile})
    book = openpyxl.load_workbook(folder / "Head-of-Service.xlsx")
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == hostile:
                cell.data_type = "s"  # typed as text, as Excel keeps a cell formatted as text
    book.save(folder / "Head-of-Service.xlsx")
    collect(plan, folder, tmp_path / "updated.xlsx", 0)
    xml = zipfile.ZipFile(tmp_path / "updated.xlsx").read("xl/worksheets/sheet1.xml")
    cell = re.search(rb'<c r="I5"[^>]*>.*?</c>', xml, re.DOTALL)
    assert cell is not None and b"<f>" not in cell[0] and b't="inlineStr"' in cell[0]
    after = openpyxl.load_workbook(tmp_path / "updated.xlsx")["Actions"]["I5"]
    assert after.value == hostile and after.data_type == "s"


def test_a_damaged_returned_file_is_reported_and_the_rest_applied(tmp_path: Path) -> None:
    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    folder = tmp_path / "returned"
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", "2026-11-23"], 0)
    (folder / "Con-lead.xlsx").write_bytes(b"PK\x03\x04 truncated in the post")
    (folder / "~$Head-of-Service.xlsx").write_bytes(b"Excel's lock file")
    edit_as_lead(folder / "Head-of-Service.xlsx", {("QP-02", "Progress update"): "Begun"})
    result = collect(plan, folder, tmp_path / "updated.xlsx", 1)
    refused = [line for line in result.stdout.splitlines() if line.startswith("refused:")]
    assert len(refused) == 1 and "Con-lead.xlsx: not collected:" in refused[0]
    assert cells(tmp_path / "updated.xlsx", "Actions")["I5"] == "Begun"


def test_a_workbook_without_a_record_is_known_by_its_name(tmp_path: Path) -> None:
    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    folder = tmp_path / "returned"
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", "2026-11-23"], 0)
    for path in (folder / "Con-lead.xlsx", folder / "Sian-Jones-2.xlsx"):
        book = openpyxl.load_workbook(path)
        del book["boardpack record"]  # rows copied into a fresh workbook, say
        book.save(path)
    edit_as_lead(folder / "Con-lead.xlsx", {("QP-07", "Progress update"): "Moved on"})
    (folder / "Sian-Jones-2.xlsx").rename(folder / "my update.xlsx")
    edit_as_lead(folder / "my update.xlsx", {("QP-06", "Progress update"): "Going well"})
    result = collect(plan, folder, tmp_path / "updated.xlsx", 1)
    assert cells(tmp_path / "updated.xlsx", "Actions")["I11"] == "Moved on"
    assert "my update.xlsx: Actions: cannot tell whose workbook this is" in result.stdout


def test_what_collect_cannot_do_is_one_line(tmp_path: Path) -> None:
    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = collect(plan, empty, tmp_path / "updated.xlsx", 2)
    assert "no workbooks to collect" in result.stderr
    result = collect(plan, tmp_path / "missing", tmp_path / "updated.xlsx", 2)
    assert "does not exist" in result.stderr
    result = collect(plan, empty, tmp_path / "updated.xlsm", 2)
    assert "give a name ending in .xlsx" in result.stderr
    result = collect(plan, empty, plan, 2)
    assert "refusing to write over the input" in result.stderr
    assert not (tmp_path / "updated.xlsx").exists()


@pytest.mark.parametrize("layout", ["headings", "sheets"])
def test_plans_laid_out_by_section_round_trip(layout: str, tmp_path: Path) -> None:
    """A plan with section heading rows and no Section column, or a sheet per section: each
    change lands on its own sheet and row."""
    from layout_plans import action, write_layout

    plan = write_layout(
        tmp_path / "plan.xlsx",
        [
            action("L1", "Leadership and governance"),
            action("W1", "Workforce", Lead="Head of Workforce"),
            action("P1", "Partnership working", Status="Red", Progress_update="Not started"),
        ],
        layout,
    )
    folder = tmp_path / "returned"
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", "2026-11-23"], 0)
    book = openpyxl.load_workbook(folder / "Head-of-Service.xlsx")
    assert [c.value for c in book.worksheets[0][7]][:3] == ["Ref", "Section", "Action"]
    edit_as_lead(
        folder / "Head-of-Service.xlsx",
        {("L1", "Progress update"): "Started", ("P1", "Status"): "Amber"},
    )
    edit_as_lead(folder / "Head-of-Workforce.xlsx", {("W1", "Progress update"): "Begun"})
    collect(plan, folder, tmp_path / "updated.xlsx", 0)
    changes = list(openpyxl.load_workbook(tmp_path / "updated.xlsx")["Changes"].values)[1:]
    where = [(sheet, cell, ref, new) for sheet, cell, ref, _, _, new, _ in changes]
    assert (
        where
        == {
            "headings": [
                ("Improvement Plan 2026", "G5", "L1", "Started"),
                ("Improvement Plan 2026", "G7", "W1", "Begun"),
                ("Improvement Plan 2026", "F9", "P1", "Amber"),
            ],
            "sheets": [
                ("1. Priority 1", "G3", "L1", "Started"),
                ("2. Priority 2", "G3", "W1", "Begun"),
                ("3. Priority 3", "F3", "P1", "Amber"),
            ],
        }[layout]
    )
    for sheet, cell, _, new in where:
        assert openpyxl.load_workbook(tmp_path / "updated.xlsx")[sheet][cell].value == new


def test_a_failed_write_leaves_the_earlier_updated_plan_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.cycle import package

    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    folder = tmp_path / "returned"
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", "2026-11-23"], 0)
    edit_as_lead(folder / "Head-of-Service.xlsx", {("QP-02", "Progress update"): "Begun"})
    output = tmp_path / "updated.xlsx"
    output.write_bytes(b"last month's updated plan")

    def disc_full(*args: Any, **kwargs: Any) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(package._SheetPart, "patched", disc_full)
    result = collect(plan, folder, output, 2)
    assert "No space left on device" in result.stderr and "nothing was changed" in result.stderr
    assert output.read_bytes() == b"last month's updated plan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx", "returned", "updated.xlsx"]
