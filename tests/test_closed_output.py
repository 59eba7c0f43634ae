"""A reader that stops early ends boardpack quietly, as it ends cat or grep.

``boardpack validate plan.xlsx | head -1`` is how a person looks at the first problem; CI
does the same with ``| head`` or ``| grep -m1``. When the reader has its line and goes,
boardpack stops with no traceback and no "this is a bug" message, and exits 141 (128 +
SIGPIPE: what a shell shows for cat, grep or yes in the same place), never 0, so a
``set -o pipefail`` job with errors in its plan cannot pass by being piped into head.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import pytest
from conftest import ROOT, action_row, write_plan

from generator.findings import EXIT_OUTPUT_CLOSED
from generator.schema.rules import load_rules

BOARDPACK = [sys.executable, "-m", "generator"]
AS_OF = ["--as-of", "2026-11-23"]


@pytest.fixture(scope="module")
def noisy_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Every action with a status the key does not know: about 300 KB of findings in text,
    # several times what a pipe holds, so boardpack is still writing when head leaves.
    rows = [action_row(Ref=f"QP-{n:04d}", Status="Purple") for n in range(1, 1501)]
    return write_plan(tmp_path_factory.mktemp("pipe") / "plan.xlsx", rows)


@pytest.fixture(scope="module")
def clean_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_plan(tmp_path_factory.mktemp("clean") / "plan.xlsx", [action_row()])


def into_head(arguments: list[str], unbuffered: bool | None = None) -> tuple[str, str]:
    """Run ``boardpack ARGUMENTS | head -1`` in bash: head's line, and boardpack's stderr
    followed by its exit code. ``unbuffered`` sets or clears PYTHONUNBUFFERED."""
    command = shlex.join([*BOARDPACK, *arguments])
    script = f'{command} 2>"$ERRORS" | head -1; echo "exit ${{PIPESTATUS[0]}}" >>"$ERRORS"'
    environment = dict(os.environ)
    if unbuffered is not None:
        environment.pop("PYTHONUNBUFFERED", None)
        environment.update({"PYTHONUNBUFFERED": "1"} if unbuffered else {})
    with tempfile.TemporaryDirectory() as folder:
        errors = Path(folder) / "stderr.txt"
        done = subprocess.run(
            ["bash", "-c", script],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**environment, "ERRORS": str(errors)},
            check=True,
        )
        return done.stdout, errors.read_text()


@pytest.mark.parametrize("output_format", ["text", "json", "github", "junit"])
def test_validate_into_head_stops_quietly(noisy_plan: Path, output_format: str) -> None:
    shown, stderr = into_head(["validate", str(noisy_plan), "--format", output_format, *AS_OF])
    assert shown.count("\n") == 1 and shown.strip()
    assert stderr == f"exit {EXIT_OUTPUT_CLOSED}\n"  # no traceback, no "this is a bug"


@pytest.mark.parametrize("unbuffered", [False, True])
def test_the_quiet_stop_holds_however_python_buffers_its_output(
    noisy_plan: Path, unbuffered: bool
) -> None:
    shown, stderr = into_head(["validate", str(noisy_plan), *AS_OF], unbuffered)
    assert shown.startswith("error: ") and "Purple" in shown
    assert stderr == f"exit {EXIT_OUTPUT_CLOSED}\n"


def into_closed_pipe(arguments: list[str], stream: str) -> subprocess.CompletedProcess[str]:
    """Run boardpack with ``stream`` ("stdout" or "stderr") a pipe nothing reads any more
    (its reader closed before boardpack wrote a byte); the other stream is captured."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    other = "stderr" if stream == "stdout" else "stdout"
    try:
        return subprocess.run(
            [*BOARDPACK, *arguments],
            cwd=ROOT,
            text=True,
            **{stream: write_end, other: subprocess.PIPE},  # type: ignore[call-overload]
        )
    finally:
        os.close(write_end)


def test_inspect_into_a_closed_pipe_stops_quietly(noisy_plan: Path) -> None:
    done = into_closed_pipe(["inspect", str(noisy_plan), *AS_OF], "stdout")
    assert (done.returncode, done.stderr) == (EXIT_OUTPUT_CLOSED, "")


def test_rules_into_a_closed_pipe_still_writes_the_whole_file(tmp_path: Path) -> None:
    copy = tmp_path / "my-rules.yaml"
    done = into_closed_pipe(["rules", str(copy)], "stdout")
    assert (done.returncode, done.stderr) == (EXIT_OUTPUT_CLOSED, "")
    assert load_rules(copy).sheets  # written before the message, and whole


def test_report_with_its_stdout_closed_keeps_the_report_it_wrote(
    clean_plan: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.docx"
    done = into_closed_pipe(["report", str(clean_plan), "-o", str(report), *AS_OF], "stdout")
    assert (done.returncode, done.stderr) == (EXIT_OUTPUT_CLOSED, "")
    assert docx.Document(str(report)).paragraphs  # complete: it was in place before the line


def test_report_with_its_stderr_closed_stops_quietly(noisy_plan: Path, tmp_path: Path) -> None:
    # Errors stop the report and are listed on stderr, which nothing reads.
    report = tmp_path / "report.docx"
    done = into_closed_pipe(["report", str(noisy_plan), "-o", str(report), *AS_OF], "stderr")
    assert (done.returncode, done.stdout) == (EXIT_OUTPUT_CLOSED, "")
    assert not report.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["validate", "report"])
def test_a_failure_no_one_reads_is_never_exit_0(tmp_path: Path, command: str) -> None:
    missing = str(tmp_path / "missing.xlsx")
    arguments = [
        command,
        missing,
        *(["-o", str(tmp_path / "r.docx")] if command == "report" else []),
    ]
    done = into_closed_pipe(arguments, "stderr")
    assert (done.returncode, done.stdout) == (EXIT_OUTPUT_CLOSED, "")
