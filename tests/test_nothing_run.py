"""Nothing run: rules and cells are data; no YAML tag, template, formula or macro is executed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import AS_OF as TODAY
from conftest import action_row, write_plan

from generator.cli import main
from generator.common.resources import default_rules_path
from generator.errors import BadRulesFile
from generator.pipeline import check_workbook
from generator.schema.rules import load_rules

AS_OF = ["--as-of", "2026-11-23"]
UNTRUSTED = [
    "{{ 7*7 }}",
    "{% raw %}",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1+1",
    "${7*7}",
    "$\\nosuchcommand$",  # matplotlib mathtext, in a section name on the chart
]


def test_python_tags_in_rules_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "hacked"
    rules = tmp_path / "rules.yaml"
    text = default_rules_path().read_text(encoding="utf-8")
    rules.write_text(
        f'pwned: !!python/object/apply:os.system ["echo hacked > {marker}"]\n' + text,
        encoding="utf-8",
    )
    with pytest.raises(BadRulesFile) as caught:
        load_rules(rules)
    assert str(caught.value).startswith(f"{rules}, line 1")
    plan = write_plan(tmp_path / "plan.xlsx", [action_row()])
    result = CliRunner().invoke(main, ["validate", str(plan), "--rules", str(rules), *AS_OF])
    assert result.exit_code == 2
    assert f"boardpack: {rules}, line 1" in result.stderr
    assert not marker.exists()


@pytest.mark.parametrize(
    "tag", ["!!python/name:os.system", "!!python/object/new:subprocess.Popen", "!custom"]
)
def test_any_tag_is_refused(tmp_path: Path, tag: str) -> None:
    rules = tmp_path / "rules.yaml"
    text = default_rules_path().read_text(encoding="utf-8")
    rules.write_text(f"extra: {tag} [x]\n{text}", encoding="utf-8")
    with pytest.raises(BadRulesFile, match=r"line 1"):
        load_rules(rules)


def _plan_with_untrusted_text(path: Path) -> Path:
    rows = [
        action_row(
            Ref=f"UT-{number}",
            Section=text,
            Action=f"Action text {text}",
            **{"Progress update": text, "Status": "Amber"},
        )
        for number, text in enumerate(UNTRUSTED, start=1)
    ]
    write_plan(path, rows, sections=UNTRUSTED)
    # openpyxl writes text starting "=" as a formula; make every such cell plain text, as a
    # user typing '=cmd... in Excel would.
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    book.save(path)
    return path


def test_cell_text_comes_through_validate_literally(tmp_path: Path) -> None:
    plan = _plan_with_untrusted_text(tmp_path / "plan.xlsx")
    result = CliRunner().invoke(main, ["validate", str(plan), *AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []  # every odd value read as ordinary text
    checked = check_workbook(plan, load_rules(), TODAY)
    # (Sections are matched ignoring punctuation, so only the update is compared exactly.)
    assert sorted(action.progress_update for action in checked.plan.actions) == sorted(UNTRUSTED)


def test_cell_text_comes_through_the_report_literally(tmp_path: Path) -> None:
    plan = _plan_with_untrusted_text(tmp_path / "plan.xlsx")
    output = tmp_path / "report.docx"
    result = CliRunner().invoke(main, ["report", str(plan), "-o", str(output), *AS_OF])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(output))
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    everything = "\n".join(texts)
    for text in UNTRUSTED:
        assert text in everything, text
    assert "49" not in everything  # {{ 7*7 }} was not evaluated
    with zipfile.ZipFile(output) as package:
        body = package.read("word/document.xml").decode()
    assert "<w:fldSimple" not in body and "instrText" not in body.replace("PAGE", "")


def test_annotate_writes_cell_text_as_text_never_a_formula(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    write_plan(plan, [action_row(Status="placeholder")])
    book = openpyxl.load_workbook(plan)
    status = book["Actions"]["K2"]
    status.value = "=cmd|' /C calc'!A0"
    status.data_type = "s"
    book.save(plan)
    copy = tmp_path / "checked.xlsx"
    result = CliRunner().invoke(main, ["validate", str(plan), *AS_OF, "--annotate", str(copy)])
    assert result.exit_code == 1
    annotated = openpyxl.load_workbook(copy)
    cell = annotated["Actions"]["K2"]
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s"
    assert "=cmd|' /C calc'!A0" in cell.comment.text
    listing = annotated["boardpack findings"]
    values = [row for row in listing.iter_rows(min_row=2) if row[4].value == "unknown-status"]
    (found,) = values
    assert found[7].value == "=cmd|' /C calc'!A0" and found[7].data_type == "s"
    with zipfile.ZipFile(copy) as package:
        sheets = [name for name in package.namelist() if name.startswith("xl/worksheets/")]
        assert not any(b"<f>" in package.read(name) for name in sheets)


_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_VBA_RELATIONSHIP = (
    '<Relationship Id="rIdVba" Target="vbaProject.bin" '
    'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/>'
)


@pytest.fixture
def macro_plan(corpus: Path, tmp_path: Path) -> Path:
    """A plan saved as .xlsm, carrying the real VBA project of a corpus macro workbook."""
    with zipfile.ZipFile(corpus / "xlsxwriter__macro01.xlsm") as source:
        vba = source.read("xl/vbaProject.bin")
    plain = write_plan(tmp_path / "plain.xlsx", [action_row()])
    path = tmp_path / "plan.xlsm"
    with zipfile.ZipFile(plain) as package, zipfile.ZipFile(path, "w") as macro:
        for info in package.infolist():
            data = package.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(_SHEET_MAIN.encode(), _MACRO_MAIN.encode()).replace(
                    b"</Types>",
                    b'<Default Extension="bin" '
                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>", _VBA_RELATIONSHIP.encode() + b"</Relationships>"
                )
            macro.writestr(info, data)
        macro.writestr("xl/vbaProject.bin", vba)
    return path


def test_a_macro_workbook_is_read_as_data(macro_plan: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(macro_plan), *AS_OF])
    assert result.exit_code == 0, result.output
    copy = tmp_path / "checked.xlsx"
    result = CliRunner().invoke(
        main, ["validate", str(macro_plan), *AS_OF, "--annotate", str(copy)]
    )
    assert result.exit_code == 0
    assert "macros are not copied" in result.stderr
    with zipfile.ZipFile(copy) as package:
        assert not [name for name in package.namelist() if "vba" in name.lower()]
        types = package.read("[Content_Types].xml").decode()
    assert "macroEnabled" not in types


def test_an_annotated_copy_cannot_be_macro_enabled(macro_plan: Path, tmp_path: Path) -> None:
    copy = tmp_path / "checked.xlsm"
    result = CliRunner().invoke(
        main, ["validate", str(macro_plan), *AS_OF, "--annotate", str(copy)]
    )
    assert result.exit_code == 2
    assert "saved as .xlsx" in result.stderr
    assert not copy.exists()
