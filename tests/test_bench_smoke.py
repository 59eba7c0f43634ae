"""bench/run.py runs end to end on a small plan and prints its figures (no timing asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parent.parent


def bench(script: str, *options: str, out: Path) -> str:
    """Run ``bench/SCRIPT`` once with its plans cached in ``out``; what it printed."""
    command = [sys.executable, f"bench/{script}", *options, "--repeat", "1", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_bench_runs_and_prints_validate_beside_both_floors(tmp_path: Path) -> None:
    printed = bench("run.py", "--sizes", "200", out=tmp_path)
    # seconds, processor seconds, ms per 1,000 actions, peak MB
    figures = r"\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d+\.\d\s+\d+\s+"
    for command_name in ("floor: python-calamine", "floor: openpyxl", "boardpack validate"):
        assert re.search(re.escape(command_name) + figures, printed), printed
    assert "FAILED" not in printed
    assert re.search(r"(PASS|MISS)\s+200 actions: validate", printed)
    assert list(tmp_path.glob("plan-200-seed0-*.xlsx")), "the plan is cached in --out"


def test_cycle_bench_runs_chase_and_collect_beside_both_floors(tmp_path: Path) -> None:
    printed = bench("cycle.py", "--actions", "120", "--leads", "4", out=tmp_path)
    figures = r"\s+\d+\.\d{3}\s+\d+\s+\d+\.\d\d\s+\d+\.\d\d"  # seconds, peak MB, two ratios
    for name in (
        "floor: python-calamine",
        "floor: openpyxl",
        "boardpack chase",
        "boardpack collect",
    ):
        assert re.search(re.escape(name) + figures, printed), printed
    assert "4 returned workbooks" in printed and "FAILED" not in printed
    assert re.search(r"(PASS|MISS)  collect of 4 returned files under 5 s", printed)


def test_history_bench_runs_the_report_with_earlier_boards_beside_it_alone(
    tmp_path: Path,
) -> None:
    printed = bench("history.py", "--actions", "60", "--boards", "3", out=tmp_path)
    figures = r"\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d+\s+\d+\.\d\d"  # seconds, CPU, MB, ratio
    for name in (
        "floor: python-calamine",
        "floor: python-calamine, 3 earlier boards",
        "boardpack report",
        "report --previous FOLDER",
        "report --previous git:N",
    ):
        assert re.search(re.escape(name) + figures, printed), printed
    assert "FAILED" not in printed
    extra = (
        r"[+-]\d+\.\d{3} s, -?\d+\.\d{3} s a board, -?\d+\.\d\d× the floor of reading them; "
        r"CPU [+-]\d+\.\d{3} s, -?\d+\.\d\d× the floor's"
    )
    assert re.search(r"report --previous FOLDER\s+" + extra, printed), printed
    assert re.search(r"(PASS|MISS)  report --previous FOLDER: 3 earlier boards", printed)
    # One plan a month before the board of 30 November 2026, each with its Meeting date.
    assert len(list(tmp_path.glob("plan-60-seed*-meeting2026-*.xlsx"))) == 3


def test_the_ratio_goal_is_judged_on_seconds_and_shows_processor_time_beside() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.run import CALAMINE, VALIDATE, Timing, _within_ratio

    check = _within_ratio(VALIDATE, CALAMINE, 3)
    floor = Timing(seconds=0.2, peak_mb=40, cpu_seconds=0.1)
    assert check({CALAMINE: floor, VALIDATE: Timing(0.5, 60, cpu_seconds=0.35)}) == (
        True,
        "2.50× (processor time 3.50×)",
    )
    assert check({CALAMINE: floor, VALIDATE: Timing(0.7, 60, cpu_seconds=0.2)}) == (
        False,
        "3.50× (processor time 2.00×)",
    )


def test_runs_are_taken_in_turn_and_the_fastest_of_each_counts(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.run import best_of_each

    log = tmp_path / "order"
    step = [sys.executable, "-c", "import sys; open(sys.argv[1], 'a').write(sys.argv[2])"]
    commands = {"a": [*step, str(log), "a"], "b": [*step, str(log), "b"]}
    timings = best_of_each(commands, 3)
    assert log.read_text() == "ababab"
    assert set(timings) == {"a", "b"}
    assert all(t.seconds > 0 and t.cpu_seconds > 0 and not t.failure for t in timings.values())
    failing = best_of_each({"bad": [sys.executable, "-c", "raise SystemExit(3)"]}, 3)
    assert failing["bad"].failure.startswith("exit 3")


def test_sections_bench_runs_and_prints_the_report_beside_the_floor(tmp_path: Path) -> None:
    command = [sys.executable, "bench/sections.py", "--sections", "12", "--repeat", "1"]
    done = subprocess.run(
        [*command, "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = (
        r"\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d+\.\d\d\s+\d+\s+\d+\.\d\d$"  # s, cpu s, ms/section, MB, ×
    )
    for name in ("openpyxl", "boardpack validate", "boardpack report"):
        assert re.search(r"^\s+12\s+" + re.escape(name) + figures, done.stdout, re.M), done.stdout
    assert "FAILED" not in done.stdout
    assert re.search(r"^\s+12\s+openpyxl" + r"\s+\S+" * 4 + r"\s+1\.00$", done.stdout, re.M)
    report = tmp_path / "report-sections-12.docx"
    assert len(docx.Document(str(report)).tables) >= 12, "a table per section in the appendix"


def test_a_commands_peak_memory_is_its_own_not_the_benchs(tmp_path: Path) -> None:
    """Linux keeps a process's peak across fork and exec: a bench grown to 200 MB (making
    plans) would report 200 MB for every command it started straight from itself."""
    script = """
import sys
sys.path.insert(0, ".")
from bench.run import run_once
grown = bytearray(200 * 1024 * 1024)
for index in range(0, len(grown), 4096):
    grown[index] = 1
small = run_once([sys.executable, "-c", "pass"])
touch = "x = bytearray(100 << 20); x[::4096] = bytes(len(x[::4096]))"
large = run_once([sys.executable, "-c", touch])
failed = run_once([sys.executable, "-c", "import sys; sys.exit(3)"])
print(round(small.peak_mb), round(large.peak_mb), failed.failure)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    small, large, *failure = done.stdout.split()
    assert int(small) < 60, done.stdout  # a bare interpreter, not the bench's 200 MB
    assert 100 <= int(large) < 170, done.stdout
    assert failure == ["exit", "3:"], done.stdout
