"""No input is ever overwritten, init creates exclusively, and a stop leaves nothing behind.

Full disks are real here: the command runs in a child process whose file-size limit is a few
kilobytes, so its writes fail as they would on a full disk (with "File too large").
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import ROOT, action_row, write_plan

from generator import scaffold
from generator.cli import main
from generator.common import atomic
from generator.render.output import find_soffice

RULES = (ROOT / "rules.yaml").read_bytes()


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output and "This is a bug" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write_plan(tmp_path / "plan.xlsx", [action_row()])


# --- 7. Inputs that could be overwritten ---------------------------------------------------------


def test_report_never_writes_over_its_rules_file(plan: Path, tmp_path: Path) -> None:
    rules = tmp_path / "X.docx"
    rules.write_bytes(RULES)
    code, output = invoke("report", str(plan), "-o", str(rules), "--rules", str(rules),
                          "--as-of", "2026-11-23")  # fmt: skip
    assert code == 2 and "refusing to write over the input X.docx" in output
    assert rules.read_bytes() == RULES


@pytest.mark.parametrize("option", ["--body-file", "--rules"])
def test_a_draft_never_writes_over_the_body_file_or_the_rules(
    plan: Path, tmp_path: Path, option: str
) -> None:
    report = tmp_path / "report.docx"
    report.write_bytes(b"PK\x03\x04 report")
    kept = tmp_path / "N.eml"
    kept.write_bytes(RULES if option == "--rules" else b"Dear board,\n")
    before = kept.read_bytes()
    code, output = invoke("send", str(report), "--workbook", str(plan),
                          "--eml", str(kept), option, str(kept))  # fmt: skip
    assert code == 2 and "refusing to write over the input N.eml" in output
    assert kept.read_bytes() == before


def test_the_annotated_copy_never_writes_over_the_rules(plan: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.xlsx"
    rules.write_bytes(RULES)
    code, output = invoke("validate", str(plan), "--rules", str(rules), "--annotate", str(rules))
    assert code == 2 and "refusing to write over the input rules.xlsx" in output
    assert rules.read_bytes() == RULES


def test_init_does_not_follow_or_replace_a_dangling_link(tmp_path: Path) -> None:
    link = tmp_path / "new-plan.xlsx"
    target = tmp_path / "elsewhere" / "planted.xlsx"
    link.symlink_to(target)
    code, output = invoke("init", str(link))
    assert code == 2 and "already exists" in output
    assert link.is_symlink() and not target.exists()


def test_init_never_replaces_a_file_created_while_it_worked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "new-plan.xlsx"
    build = scaffold.build_blank_workbook

    def someone_else_saves_first(rules):  # type: ignore[no-untyped-def]
        workbook = build(rules)
        path.write_bytes(b"a colleague's plan")  # after init's check, before its rename
        return workbook

    monkeypatch.setattr(scaffold, "build_blank_workbook", someone_else_saves_first)
    code, output = invoke("init", str(path))
    assert code == 2 and "already exists" in output
    assert path.read_bytes() == b"a colleague's plan"
    assert [p.name for p in tmp_path.iterdir()] == ["new-plan.xlsx"]


# --- 8. Full disks, signals -------------------------------------------------------------------


def _small_disk() -> None:
    """In the child: files may grow to 8 KB; a bigger write fails (EFBIG) as a full disk.

    The annotated copy of the example with problems then fails inside openpyxl, while a
    sheet is spooled through a temporary file; the new plan fails in boardpack's own write.
    """
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


def run_on_a_small_disk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=_small_disk,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["init", "annotate"])
def test_a_full_disk_gives_one_line_and_no_destructor_noise(
    plan: Path, tmp_path: Path, command: str
) -> None:
    output = tmp_path / "out.xlsx"
    problems = ROOT / "workbooks" / "example-with-problems.xlsx"
    args = ["init", str(output)] if command == "init" else [
        "validate", str(problems), "--as-of", "2026-11-23", "--annotate", str(output)]  # fmt: skip
    result = run_on_a_small_disk(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"boardpack: {output}: writing failed (")
    assert "File too large" in line or "IO_EFBIG" in line
    assert "Exception ignored" not in result.stderr
    assert not output.exists() and not list(tmp_path.glob("*.part"))


def test_sigterm_between_writing_and_renaming_leaves_no_part_file(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mode_for = atomic._mode_for

    def terminated_here(destination: Path) -> int:
        os.kill(os.getpid(), signal.SIGTERM)  # a real signal, at the worst moment
        return mode_for(destination)

    monkeypatch.setattr(atomic, "_mode_for", terminated_here)
    output = tmp_path / "report.docx"
    code, text = invoke("report", str(plan), "-o", str(output), "--as-of", "2026-11-23")
    assert code == 2 and text.strip() == "boardpack: interrupted; nothing was written"
    assert not output.exists()
    assert not list(tmp_path.glob(".*.part"))
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back afterwards


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is installed by .ci/run")
def test_ctrl_c_during_the_pdf_says_what_was_written_and_leaves_no_libreoffice(
    plan: Path, tmp_path: Path
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    output = tmp_path / "report.docx"
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", "report", str(plan), "-o", str(output),
         "--as-of", "2026-11-23", "--pdf"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(scratch)},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not _processes_mentioning(str(scratch)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_mentioning(str(scratch)), "LibreOffice never started"
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 2
    assert stderr.strip() == (
        f"boardpack: interrupted while making the PDF: the report was written to {output}; "
        "no PDF was written (run the command again for report.pdf)"
    )
    docx.Document(str(output))
    assert not output.with_suffix(".pdf").exists()
    assert _processes_mentioning(str(scratch)) == []
    assert list(scratch.iterdir()) == []
