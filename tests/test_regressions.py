"""Every file in tests/regressions/ once crashed, hung or exhausted boardpack; now it must not.

Each is a small workbook found by fuzzing (tests/test_fuzz.py) or by hand. Validating it must
end with exit code 0, 1 or 2 and a clear message, never a traceback, abort or hang; a file is
added here with the fix that makes it pass.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REGRESSIONS = Path(__file__).resolve().parent / "regressions"
FILES = sorted(path for path in REGRESSIONS.iterdir() if path.suffix.lower() in {".xlsx", ".xlsm"})
ROOT = REGRESSIONS.parent.parent  # the repository, for "python -m generator"


def test_the_folder_is_not_empty() -> None:
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_regression_validates_cleanly(path: Path) -> None:
    # A fresh interpreter: the crashes these files caused killed the process outright.
    completed = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(path), "--as-of", "2026-11-23"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert completed.returncode in (0, 1, 2), completed.stderr
    assert "Traceback" not in completed.stderr
    assert "This is a bug" not in completed.stderr
    if completed.returncode == 2:
        (line,) = completed.stderr.strip().splitlines()
        assert line.startswith(f"boardpack: {path}: ")
