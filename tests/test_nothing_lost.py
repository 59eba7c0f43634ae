"""Nothing lost: outputs appear whole or not at all, and the input workbook is never written."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import action_row, write_plan

from generator.check import annotate
from generator.cli import main
from generator.common.atomic import write_atomically, write_bytes_atomically
from generator.errors import OutputError

AS_OF = ["--as-of", "2026-11-23"]
RUNNING_AS_ROOT = os.geteuid() == 0


def _failing_save(self: openpyxl.Workbook, filename: str | os.PathLike[str]) -> None:
    """Write the start of a workbook, then fail as a full disk does."""
    if isinstance(filename, (str, os.PathLike)):
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
    else:
        filename.write(b"PK\x03\x04 half a workbook")
    raise OSError(28, "No space left on device")


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".part"))


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write_plan(tmp_path / "plan.xlsx", [action_row({"Due date": "31/02/2027"})])


def test_a_failed_annotate_leaves_the_previous_copy_and_no_temporary_file(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = tmp_path / "checked.xlsx"
    first = CliRunner().invoke(main, ["validate", str(plan), *AS_OF, "--annotate", str(previous)])
    assert first.exit_code == 1 and previous.exists()
    before = previous.read_bytes()

    def failing_copy(source: object, info: object, target: zipfile.ZipFile) -> None:
        target.writestr("half.xml", b"half a part")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(annotate, "copy_stored", failing_copy)
    result = CliRunner().invoke(main, ["validate", str(plan), *AS_OF, "--annotate", str(previous)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"boardpack: {previous}: writing failed (No space left on device)")
    assert previous.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_a_failed_init_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openpyxl.Workbook, "save", _failing_save)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new-plan.xlsx")])
    assert result.exit_code == 2
    assert "writing failed" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_write_keeps_the_old_bytes(tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"last month's report")

    def interrupted(temp: Path) -> None:
        temp.write_bytes(b"this month's rep")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, interrupted)
    assert target.read_bytes() == b"last month's report"
    assert _leftovers(tmp_path) == []


def test_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.docx"
    write_bytes_atomically(fresh, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600
    kept = tmp_path / "kept.docx"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    write_bytes_atomically(kept, b"new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


# --- The input is never written ---------------------------------------------------------


@pytest.mark.parametrize("spelling", ["same", "dotted", "hard link", "symlink"])
def test_annotate_refuses_to_write_over_the_input(plan: Path, spelling: str) -> None:
    folder = plan.parent
    target = {
        "same": plan,
        "dotted": folder / "." / plan.name,
        "hard link": folder / "linked.xlsx",
        "symlink": folder / "pointer.xlsx",
    }[spelling]
    if spelling == "hard link":
        os.link(plan, target)
    elif spelling == "symlink":
        target.symlink_to(plan)
    before = plan.read_bytes()
    result = CliRunner().invoke(main, ["validate", str(plan), *AS_OF, "--annotate", str(target)])
    assert result.exit_code == 2
    assert "refusing to write over the input plan.xlsx" in result.stderr
    assert plan.read_bytes() == before
    assert _leftovers(folder) == []


# --- Places that cannot be written ------------------------------------------------------


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in, whoever it runs as."""
    if RUNNING_AS_ROOT:
        # chmod does not stop root; /proc refuses new files to everyone.
        return Path("/proc")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return folder


def _one_line_refusal(result, path: Path) -> str:
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"boardpack: {path}: ")
    assert "Traceback" not in result.output and "This is a bug" not in result.output
    return line


def test_a_read_only_folder(plan: Path, tmp_path: Path) -> None:
    folder = _unwritable_folder(tmp_path)
    try:
        target = folder / "checked.xlsx"
        line = _one_line_refusal(
            CliRunner().invoke(main, ["validate", str(plan), *AS_OF, "--annotate", str(target)]),
            target,
        )
        assert "cannot write here" in line
        target = folder / "new-plan.xlsx"
        _one_line_refusal(CliRunner().invoke(main, ["init", str(target)]), target)
        assert not target.exists()
    finally:
        if folder.parent == tmp_path:
            folder.chmod(stat.S_IRWXU)


def test_a_read_only_file_is_left_alone(plan: Path, tmp_path: Path) -> None:
    target = tmp_path / "checked.xlsx"
    target.write_bytes(b"someone's locked copy")
    target.chmod(0o444)  # read-only for everyone; root too is refused by boardpack
    line = _one_line_refusal(
        CliRunner().invoke(main, ["validate", str(plan), *AS_OF, "--annotate", str(target)]),
        target,
    )
    assert "read-only" in line
    assert target.read_bytes() == b"someone's locked copy"
    assert _leftovers(tmp_path) == []


def test_a_folder_that_is_really_a_file(plan: Path, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("not a folder")
    target = not_a_folder / "checked.xlsx"
    line = _one_line_refusal(
        CliRunner().invoke(main, ["validate", str(plan), *AS_OF, "--annotate", str(target)]),
        target,
    )
    assert "is a file, not a folder" in line


def test_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "plan.xlsx"
    line = _one_line_refusal(CliRunner().invoke(main, ["init", str(target)]), target)
    assert "does not exist" in line


def test_an_output_named_like_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "report.docx"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_bytes_atomically(folder, b"x")
    assert folder.is_dir() and not any(folder.iterdir())
