"""Every command has help with an example, and the README's commands are what CI runs."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import ROOT
from ruamel.yaml import YAML

from generator.cli import main
from generator.version import __version__

COMMANDS = sorted(main.commands)


def test_version_is_printed() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert f"boardpack {command} " in result.output, f"{command} --help shows no example"
    assert (main.commands[command].help or "").strip(), f"{command} has no help text"


def readme_code_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```\w*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = readme_code_blocks()[1].strip()
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pytest" in test_command


def test_readme_main_command_uses_the_example_workbook() -> None:
    main_command = readme_code_blocks()[0].strip()
    assert main_command.startswith("pip install . && boardpack ")
    assert "workbooks/example-plan.xlsx" in main_command
    assert (ROOT / "workbooks" / "example-plan.xlsx").exists()


def test_pre_commit_hook_runs_boardpack_validate() -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["entry"] == "boardpack validate"
    assert re.search(hook["files"], "plan.xlsx")
