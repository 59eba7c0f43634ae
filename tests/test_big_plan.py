"""100,000 actions validate in bounded memory (peak resident size, measured in a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from big_plans import write_big_plan
from conftest import ROOT

# The run is measured from a fresh parent, so the peak belongs to this validate alone and not
# to any earlier child of the test process (RUSAGE_CHILDREN keeps the largest child's peak).
_MEASURE = """
import json, resource, subprocess, sys
completed = subprocess.run(
    [sys.executable, "-m", "generator", "validate", sys.argv[1], "--as-of", "2026-11-23",
     "--format", "json"],
    capture_output=True, text=True,
)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
print(json.dumps({"code": completed.returncode, "stdout": completed.stdout,
                  "stderr": completed.stderr, "peak_kb": peak_kb}))
"""
ONE_GB_IN_KB = 1024 * 1024


@pytest.mark.big
def test_100000_actions_validate_in_under_a_gigabyte(tmp_path: Path) -> None:
    plan = write_big_plan(tmp_path / "plan-100000.xlsx", 100_000)
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(plan)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    result = json.loads(measured.stdout)
    assert result["code"] == 0, result["stderr"]
    assert json.loads(result["stdout"]) == []  # the big plan is clean: all 100,000 were read
    assert result["peak_kb"] < ONE_GB_IN_KB, f"peak {result['peak_kb'] / 1024:.0f} MB"
