"""Progress: shown to a person at a terminal during a long run, never in pipes, CI or --quiet."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from big_plans import write_big_plan
from click.testing import CliRunner
from conftest import AS_OF, ROOT, action_row, write_plan

from generator.cli import main
from generator.common import progress
from generator.common.progress import TerminalProgress, wants_progress
from generator.pipeline import check_workbook
from generator.schema.rules import Rules


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Recorder:
    def __init__(self) -> None:
        self.phases: list[str] = []
        self.finished = False

    def phase(self, text: str) -> None:
        self.phases.append(text)

    def done(self) -> None:
        self.finished = True


def test_terminal_progress_draws_one_line_and_clears_it() -> None:
    ticks = iter([100.0, 100.0, 102.5])
    terminal = FakeTerminal()
    shown = TerminalProgress(terminal, clock=lambda: next(ticks))
    shown.phase("Reading plan.xlsx")
    shown.phase("Checking 100,000 actions")
    assert terminal.getvalue() == (
        "\rboardpack: Reading plan.xlsx (0.0s)\rboardpack: Checking 100,000 actions (2.5s)"
    )
    shown.done()
    # The line is blanked and the cursor left at its start: nothing stays on screen.
    width = len("boardpack: Checking 100,000 actions (2.5s)")
    assert terminal.getvalue().endswith("\r" + " " * width + "\r")
    assert "\n" not in terminal.getvalue()


def test_a_shorter_phase_covers_the_longer_one_before_it() -> None:
    terminal = FakeTerminal()
    shown = TerminalProgress(terminal, clock=lambda: 0.0)
    shown.phase("Checking 100,000 actions")
    shown.phase("Writing")
    last = terminal.getvalue().split("\r")[-1]
    assert last.startswith("boardpack: Writing (0.0s)")
    assert len(last) == len("boardpack: Checking 100,000 actions (0.0s)")


def test_done_without_a_phase_writes_nothing() -> None:
    terminal = FakeTerminal()
    TerminalProgress(terminal).done()
    assert terminal.getvalue() == ""


@pytest.fixture
def large_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.xlsx"
    with path.open("wb") as handle:
        handle.truncate(progress.LARGE_WORKBOOK_BYTES + 1)
    return path


def test_progress_only_for_a_long_run_at_a_terminal(large_file: Path, tmp_path: Path) -> None:
    small = tmp_path / "small.xlsx"
    small.write_bytes(b"x")
    assert wants_progress(FakeTerminal(), [large_file], quiet=False, environ={})
    assert wants_progress(FakeTerminal(), [small, large_file], quiet=False, environ={})
    assert not wants_progress(FakeTerminal(), [small], quiet=False, environ={})
    assert not wants_progress(FakeTerminal(), [tmp_path / "missing.xlsx"], quiet=False, environ={})
    assert not wants_progress(io.StringIO(), [large_file], quiet=False, environ={})
    assert not wants_progress(FakeTerminal(), [large_file], quiet=True, environ={})
    assert not wants_progress(FakeTerminal(), [large_file], quiet=False, environ={"CI": "true"})


def test_the_core_reports_its_phases(tmp_path: Path, rules: Rules) -> None:
    plan = write_big_plan(tmp_path / "plan.xlsx", 1_200)
    recorder = Recorder()
    check_workbook(plan, rules, AS_OF, progress=recorder)
    assert recorder.phases == ["Reading plan.xlsx", "Checking 1,200 actions"]


def test_no_progress_when_stderr_is_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LARGE_WORKBOOK_BYTES", 0)  # every run counts as long
    monkeypatch.delenv("CI", raising=False)
    plan = write_plan(tmp_path / "plan.xlsx", [action_row()])
    result = CliRunner().invoke(
        main,
        ["validate", str(plan), "--as-of", "2026-11-23", "--annotate", str(tmp_path / "a.xlsx")],
    )
    assert result.exit_code == 0, result.output
    assert "Reading" not in result.stderr and "\r" not in result.stderr
    assert "Annotated copy" in result.stderr


def test_quiet_keeps_the_findings_and_drops_the_notes(tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row({"Due date": "31/02/2027"})])
    result = CliRunner().invoke(
        main,
        ["validate", str(plan), "--as-of", "2026-11-23", "--quiet",
         "--annotate", str(tmp_path / "a.xlsx")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "is not a real date" in result.stdout
    assert result.stderr == ""
    assert (tmp_path / "a.xlsx").exists()


def _run_with_terminal_stderr(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run boardpack with stderr on a pseudo-terminal; return its exit code and what it drew."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", *args],
            stdout=subprocess.DEVNULL,
            stderr=follower,
            cwd=ROOT,
            env=env,
        )
        os.close(follower)
        drawn = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the pseudo-terminal closes when the child exits (Linux)
                break
            if not chunk:
                break
            drawn += chunk
        return process.wait(timeout=60), drawn.decode(errors="replace")
    finally:
        os.close(leader)


@pytest.fixture(scope="module")
def large_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "plan.xlsx"
    write_big_plan(path, 30_000)
    assert path.stat().st_size > progress.LARGE_WORKBOOK_BYTES
    return path


def test_a_terminal_sees_progress_for_a_large_plan(large_plan: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    code, drawn = _run_with_terminal_stderr(
        ["validate", str(large_plan), "--as-of", "2026-11-23"], env
    )
    assert code == 0
    assert "boardpack: Reading plan.xlsx" in drawn
    assert "boardpack: Checking 30,000 actions" in drawn


@pytest.mark.parametrize(
    ("extra_args", "extra_env"), [(["--quiet"], {}), ([], {"CI": "true"})], ids=["quiet", "CI"]
)
def test_a_terminal_sees_no_progress_with_quiet_or_in_ci(
    large_plan: Path, extra_args: list[str], extra_env: dict[str, str]
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "CI"} | extra_env
    code, drawn = _run_with_terminal_stderr(
        ["validate", str(large_plan), "--as-of", "2026-11-23", *extra_args], env
    )
    assert code == 0
    assert drawn == ""


def test_a_terminal_sees_the_report_being_written(large_plan: Path, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    output = tmp_path / "board-report.docx"
    code, drawn = _run_with_terminal_stderr(
        ["report", str(large_plan), "-o", str(output), "--as-of", "2026-11-23"], env
    )
    assert code == 0, drawn
    assert "boardpack: Checking 30,000 actions" in drawn
    assert "boardpack: Writing the report: 30,000 actions" in drawn
    assert output.exists()
