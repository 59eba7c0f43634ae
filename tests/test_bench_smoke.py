"""bench/run.py runs end to end on a small plan and prints its figures (no timing asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_and_prints_validate_beside_both_floors(tmp_path: Path) -> None:
    command = [sys.executable, "bench/run.py", "--sizes", "200", "--repeat", "1"]
    done = subprocess.run(
        [*command, "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = r"\s+\d+\.\d{3}\s+\d+\.\d\s+\d+\s+"  # seconds, ms per 1,000 actions, peak MB
    for command_name in ("floor: python-calamine", "floor: openpyxl", "boardpack validate"):
        assert re.search(re.escape(command_name) + figures, done.stdout), done.stdout
    assert "FAILED" not in done.stdout
    assert re.search(r"(PASS|MISS)\s+200 actions: validate", done.stdout)
    assert list(tmp_path.glob("plan-200-seed0-*.xlsx")), "the plan is cached in --out"


def test_cycle_bench_runs_chase_and_collect_beside_both_floors(tmp_path: Path) -> None:
    command = [sys.executable, "bench/cycle.py", "--actions", "120", "--leads", "4"]
    done = subprocess.run(
        [*command, "--repeat", "1", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = r"\s+\d+\.\d{3}\s+\d+\s+\d+\.\d\d\s+\d+\.\d\d"  # seconds, peak MB, two ratios
    for name in (
        "floor: python-calamine",
        "floor: openpyxl",
        "boardpack chase",
        "boardpack collect",
    ):
        assert re.search(re.escape(name) + figures, done.stdout), done.stdout
    assert "4 returned workbooks" in done.stdout and "FAILED" not in done.stdout
    assert re.search(r"(PASS|MISS)  collect of 4 returned files under 5 s", done.stdout)


def test_history_bench_runs_the_report_with_earlier_boards_beside_it_alone(
    tmp_path: Path,
) -> None:
    command = [sys.executable, "bench/history.py", "--actions", "60", "--boards", "3"]
    done = subprocess.run(
        [*command, "--repeat", "1", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = r"\s+\d+\.\d{3}\s+\d+\s+\d+\.\d\d"  # seconds, peak MB, × calamine
    for name in (
        "floor: python-calamine",
        "floor: python-calamine, 3 earlier boards",
        "boardpack report",
        "report --previous FOLDER",
        "report --previous git:N",
    ):
        assert re.search(re.escape(name) + figures, done.stdout), done.stdout
    assert "FAILED" not in done.stdout
    extra = r"[+-]\d+\.\d{3} s, -?\d+\.\d{3} s a board, -?\d+\.\d\d× the floor of reading them"
    assert re.search(r"report --previous FOLDER\s+" + extra, done.stdout), done.stdout
    assert re.search(r"(PASS|MISS)  report --previous FOLDER: 3 earlier boards", done.stdout)
    # One plan a month before the board of 30 November 2026, each with its Meeting date.
    assert len(list(tmp_path.glob("plan-60-seed*-meeting2026-*.xlsx"))) == 3
