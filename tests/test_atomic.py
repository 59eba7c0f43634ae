"""Outputs are moved into place whole, with the permissions a shared file should have."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.common.atomic import write_bytes_atomically


def test_new_output_is_readable_by_others_like_any_new_file(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        target = tmp_path / "board-report.docx"
        write_bytes_atomically(target, b"report")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
    finally:
        os.umask(umask)


def test_replaced_output_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "board-report.docx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_bytes_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["board-report.docx"]
