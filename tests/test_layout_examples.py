"""The example plans in other layouts (workbooks/make_layouts.py) and the README that shows them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, ROOT

from generator.cli import main
from generator.pipeline import check_workbook
from generator.schema.rules import Rules

WORKBOOKS = ROOT / "workbooks"
LAYOUTS = ["layout-heading-rows.xlsx", "layout-sheet-per-section.xlsx", "layout-theme-column.xlsx"]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("layouts")
    subprocess.run(
        [sys.executable, str(WORKBOOKS / "make_layouts.py"), str(folder)], check=True, cwd=ROOT
    )
    return folder


@pytest.mark.parametrize("name", LAYOUTS)
def test_committed_layouts_are_what_the_script_writes(regenerated: Path, name: str) -> None:
    assert (regenerated / name).read_bytes() == (WORKBOOKS / name).read_bytes()


def counts_by_section(path: Path, rules: Rules) -> list[list[int]]:
    plan = check_workbook(path, rules, AS_OF).plan
    return [
        list(plan.status_counts(actions).values()) for actions in plan.actions_by_section().values()
    ]


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_layout_reads_with_no_errors_and_the_example_plans_counts(
    name: str, rules: Rules
) -> None:
    checked = check_workbook(WORKBOOKS / name, rules, AS_OF)
    assert checked.result.errors == []
    assert {f.rule for f in checked.result.warnings} <= {"date-as-text", "status-from-colour"}
    assert counts_by_section(WORKBOOKS / name, rules) == counts_by_section(
        WORKBOOKS / "example-plan.xlsx", rules
    )
    assert [a.ref for a in checked.plan.actions] != []


def test_the_theme_layout_reads_merged_recommendations_down_their_actions(rules: Rules) -> None:
    plan = check_workbook(WORKBOOKS / "layout-theme-column.xlsx", rules, AS_OF).plan
    assert all(action.recommendation for action in plan.actions)
    assert all(action.section for action in plan.actions)


def readme_blocks() -> list[tuple[str, list[str]]]:
    """Each `boardpack inspect` example in the README: its command and the lines shown."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n\$ (boardpack inspect [^\n]+)\n(.*?)```", text, re.DOTALL)
    return [(command, body.splitlines()) for command, body in blocks]


def test_the_readme_shows_inspect_on_each_layout() -> None:
    shown = {command.split()[2] for command, _ in readme_blocks()}
    assert {f"workbooks/{name}" for name in LAYOUTS} <= shown


@pytest.mark.parametrize("command,lines", readme_blocks(), ids=lambda x: str(x)[:40])
def test_the_readmes_inspect_output_is_what_inspect_prints(
    command: str, lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, command.split()[1:])
    assert result.exit_code == 0, result.output
    printed = result.stdout.splitlines()
    for line in lines:
        if line.strip() != "...":
            assert line in printed
