"""The Python API: docs/python-api.md's examples run as written, and the facade stays lazy."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT

import generator
from generator import api
from generator.cli import main
from generator.errors import BoardpackError, FileNotReadable, OutputError, UnsafeWorkbook

DOC = ROOT / "docs" / "python-api.md"
WORKBOOKS = ROOT / "workbooks"
AS_OF = dt.date(2026, 11, 23)
# A python block, then (blank lines only between) the text block of what it prints.
EXAMPLE = re.compile(
    r"^```python\n(?P<code>.*?)^```\n\s*^```text\n(?P<output>.*?)^```$", re.MULTILINE | re.DOTALL
)


def examples() -> list[tuple[int, str, str]]:
    """(line, code, printed) for each example in the doc, in order."""
    text = DOC.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start()) + 2, match["code"], match["output"])
        for match in EXAMPLE.finditer(text)
    ]


def test_every_python_block_in_the_doc_shows_what_it_prints() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert len(examples()) == text.count("```python") >= 5


@pytest.fixture
def in_a_folder_with_the_workbooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "workbooks").mkdir()
    for workbook in WORKBOOKS.glob("*.xlsx"):
        shutil.copy(workbook, tmp_path / "workbooks")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("line", "code", "printed"), examples(), ids=[f"line-{line}" for line, _, _ in examples()]
)
@pytest.mark.usefixtures("in_a_folder_with_the_workbooks")
def test_doc_example_prints_what_the_doc_shows(line: int, code: str, printed: str) -> None:
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        exec(compile(code, f"{DOC}:{line}", "exec"), {"__name__": "__main__"})
    assert shown.getvalue() == printed


def test_the_readme_links_the_doc() -> None:
    assert "(docs/python-api.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- A lazy facade -----------------------------------------------------------------------


def fresh_python(code: str) -> str:
    """What ``code`` prints in a new interpreter (nothing of boardpack imported yet)."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_import_generator_imports_nothing_but_its_version() -> None:
    loaded = fresh_python(
        "import sys; before = set(sys.modules); import generator; "
        "print(sorted(set(sys.modules) - before))"
    )
    assert loaded == "['generator', 'generator.version']"


def test_a_name_loads_only_the_api_and_using_it_loads_the_core() -> None:
    loaded = fresh_python(
        "import sys, generator; check = generator.validate; "
        "print(sorted(m for m in sys.modules if m.startswith('generator'))); "
        "print('openpyxl' in sys.modules, 'docx' in sys.modules)"
    )
    assert loaded == (
        "['generator', 'generator.api', 'generator.errors', 'generator.version']\nFalse False"
    )


def test_the_facade_is_the_api_module() -> None:
    for name in api.__all__:
        assert getattr(generator, name) is getattr(api, name)
    assert set(api.__all__) <= set(dir(generator))
    assert generator.BoardpackError is BoardpackError


def test_no_name_of_the_api_is_a_module_of_the_package() -> None:
    """Importing a submodule sets it on the package, so a function of that name would vanish
    (``generator.check`` is the checking package; the function is ``validate``)."""
    modules = {module.name for module in pkgutil.iter_modules(generator.__path__)}
    assert modules and not modules & set(api.__all__)


def test_other_names_are_attribute_errors() -> None:
    assert not hasattr(generator, "no_such_thing")
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = generator.no_such_thing  # type: ignore[attr-defined]


# --- The same core as the commands ---------------------------------------------------------


def test_validate_finds_exactly_what_the_command_finds() -> None:
    workbook = WORKBOOKS / "example-with-problems.xlsx"
    command = CliRunner().invoke(
        main, ["validate", str(workbook), "--as-of", "23/11/2026", "--format", "json"]
    )
    assert command.exit_code == 1, command.output
    checked = generator.validate(str(workbook), as_of=AS_OF)
    findings = [finding.as_dict() for finding in checked.result.findings]
    assert len(findings) > 20
    # The same findings; the command prints them sorted by place.
    assert sorted(findings, key=repr) == sorted(json.loads(command.stdout), key=repr)
    assert checked.result.exit_code() == command.exit_code


def test_report_writes_the_bytes_the_command_writes(tmp_path: Path) -> None:
    inputs = [WORKBOOKS / "example-plan.xlsx", WORKBOOKS / "example-plan-previous.xlsx"]
    command = CliRunner().invoke(
        main,
        ["report", str(inputs[0]), "-o", str(tmp_path / "cli.docx"), "--as-of", "2026-11-23",
         "--previous", str(inputs[1])],
    )  # fmt: skip
    assert command.exit_code == 0, command.output
    run = generator.report(inputs[0], tmp_path / "api.docx", as_of=AS_OF, previous=inputs[1])
    assert not run.blocked and run.written == tmp_path / "api.docx"
    assert run.plan is not None and len(run.plan.actions) == 64
    assert (tmp_path / "api.docx").read_bytes() == (tmp_path / "cli.docx").read_bytes()


def test_annotate_checks_a_path_itself(tmp_path: Path) -> None:
    workbook = WORKBOOKS / "example-with-problems.xlsx"
    from_path = generator.annotate(workbook, tmp_path / "a.xlsx", as_of=AS_OF)
    checked = generator.validate(workbook, as_of=AS_OF)
    assert from_path == generator.annotate(checked, tmp_path / "b.xlsx") > 20
    listed = openpyxl.load_workbook(tmp_path / "a.xlsx")["boardpack findings"]
    assert listed.max_row - 1 == len(checked.result.findings)


def test_the_options_reach_the_core(tmp_path: Path) -> None:
    with pytest.raises(UnsafeWorkbook, match=r"unpacks to more than 9\.8 KB"):
        generator.validate(WORKBOOKS / "example-plan.xlsx", max_size=10_000)
    rules = tmp_path / "rules.yaml"
    shipped = (ROOT / "rules.yaml").read_text(encoding="utf-8")
    budget = "      Budget: {type: number}\n"
    rules.write_text(shipped.replace("      Partners:\n", budget + "      Partners:\n"))
    written = generator.init(tmp_path / "plan.xlsx", rules=rules)
    header = [cell.value for cell in openpyxl.load_workbook(written)["Actions"][1]]
    assert header.index("Budget") == header.index("Partners") - 1


def test_problems_are_raised_as_boardpack_errors_not_exits(tmp_path: Path) -> None:
    with pytest.raises(FileNotReadable) as missing:
        generator.report(tmp_path / "plan.xlsx", tmp_path / "report.docx")
    message = f"{tmp_path / 'plan.xlsx'}: no such file; check the name and folder"
    assert str(missing.value) == message
    generator.init(tmp_path / "plan.xlsx")
    with pytest.raises(OutputError, match="already exists"):
        generator.init(tmp_path / "plan.xlsx")
    with pytest.raises(OutputError, match=r"\.xlsx"):
        generator.annotate(tmp_path / "plan.xlsx", tmp_path / "copy.docx")
