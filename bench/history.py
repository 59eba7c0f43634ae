"""What the earlier boards add to a report: twelve earlier workbooks beside the report alone.

    python bench/history.py [--actions 2000] [--boards 12] [--repeat 3] [--out bench/out]

It generates a valid plan of ``--actions`` actions for the board of 30 November 2026 and
``--boards`` earlier plans of the same size, one a month before it (each its own seed, so
statuses and due dates move from board to board as a real plan's do), kept in
``bench/out/``. It then times, each as its own subprocess so start-up counts as it does for a
user:

* floor: python-calamine reading every sheet of the plan (as bench/run.py);
* floor: python-calamine reading every sheet of all the earlier workbooks, in one process:
  the least that reading the earlier boards can cost;
* ``boardpack report PLAN -o OUT.docx``: the report alone;
* ``boardpack report PLAN -o OUT.docx --previous FOLDER``: with progress over time, the
  actions that keep slipping and the measures at each board;
* the same with ``--previous git:N``, the earlier boards committed to a git repository made
  here (when git is installed).

The extra cost is each history run's seconds less the report alone; it is shown in seconds,
in seconds per earlier board and against the floor of reading the earlier workbooks. The
goal (issue 12): twelve earlier boards of 2,000 actions each add under 3 seconds. Figures for
people, not a test; a command that fails makes it exit 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.run import (  # noqa: E402
    AS_OF,
    CALAMINE,
    CALAMINE_FLOOR,
    Timing,
    best_of_each,
    compile_package,
    plan_for,
)

REPORT = "boardpack report"
FROM_FOLDER = "report --previous FOLDER"
FROM_GIT = "report --previous git:N"
GOAL_EXTRA_SECONDS = 3.0
THIS_BOARD = dt.date(2026, 11, 30)

#: Reads every sheet of every workbook named on the command line, in one process.
CALAMINE_FLOOR_MANY = """\
import sys
from python_calamine import CalamineWorkbook
for path in sys.argv[1:]:
    workbook = CalamineWorkbook.from_path(path)
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python()
"""


def monthly_boards(count: int) -> list[dt.date]:
    """The last day of each of the ``count`` months before this board's, oldest first."""
    dates = []
    day = THIS_BOARD.replace(day=1)
    for _ in range(count):
        day -= dt.timedelta(days=1)  # the last day of the month before
        dates.append(day)
        day = day.replace(day=1)
    return dates[::-1]


def earlier_workbooks(actions: int, boards: int, out: Path, folder: Path) -> list[Path]:
    """The earlier plans, generated once into ``out`` and copied into ``folder`` by month."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for seed, meeting in enumerate(monthly_boards(boards), start=1):
        cached = plan_for(actions, seed, out, ["--meeting", meeting.isoformat()])
        copy = folder / f"plan-{meeting:%Y-%m}.xlsx"
        shutil.copyfile(cached, copy)
        copies.append(copy)
    return copies


def git_repository(plan: Path, earlier: list[Path], folder: Path) -> Path | None:
    """A repository in ``folder`` whose history holds each earlier plan, then this one, as
    ``plan.xlsx``; None without git."""
    if shutil.which("git") is None:
        return None
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }

    def git(*arguments: str) -> None:
        subprocess.run(
            ["git", "-C", str(folder), *arguments], check=True, capture_output=True, env=environment
        )

    folder.mkdir(parents=True, exist_ok=True)
    git("init", "-q")
    target = folder / "plan.xlsx"
    for version in [*earlier, plan]:
        shutil.copyfile(version, target)
        git("add", "plan.xlsx")
        git("commit", "-q", "-m", f"The plan as at {version.stem}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=2_000)
    parser.add_argument("--boards", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    arguments = parser.parse_args(argv)
    plan = plan_for(arguments.actions, 0, arguments.out)
    cli = [sys.executable, "-m", "generator", "report"]
    earlier_floor = f"{CALAMINE}, {arguments.boards} earlier boards"
    compile_package()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "earlier-boards"
        earlier = earlier_workbooks(arguments.actions, arguments.boards, arguments.out, folder)
        report = [str(plan), "-o", str(Path(scratch) / "report.docx"), "--as-of", AS_OF]
        commands = {
            CALAMINE: [sys.executable, "-c", CALAMINE_FLOOR, str(plan)],
            earlier_floor: [sys.executable, "-c", CALAMINE_FLOOR_MANY, *map(str, earlier)],
            REPORT: [*cli, *report],
            FROM_FOLDER: [*cli, *report, "--previous", str(folder)],
        }
        tracked = git_repository(plan, earlier, Path(scratch) / "repository")
        if tracked is not None:
            in_git = [str(tracked), *report[1:]]
            commands[FROM_GIT] = [*cli, *in_git, "--previous", f"git:{arguments.boards + 1}"]
        # In turn, so that a burst of other people's work falls on every command alike.
        timings = best_of_each(commands, arguments.repeat)
    return print_results(arguments, plan, timings, earlier_floor)


def print_results(
    arguments: argparse.Namespace, plan: Path, timings: dict[str, Timing], earlier_floor: str
) -> int:
    """The table, the extra cost of each history run and the goal; 1 if a command failed."""
    print(
        f"{arguments.actions:,} actions, {arguments.boards} earlier boards of "
        f"{arguments.actions:,} actions ({plan.name}); best of {arguments.repeat}, taken in "
        "turn; peak MB is the child's own; CPU s is its processor time (user + system)"
    )
    print(f"  {'command':42} {'seconds':>8} {'CPU s':>7} {'peak MB':>8} {'× calamine':>11}")
    failed = False
    floor = timings[CALAMINE]
    for name, timing in timings.items():
        if timing.failure:
            print(f"  {name:42} FAILED {timing.failure}")
            failed = True
            continue
        label = f"floor: {name}" if name in (CALAMINE, earlier_floor) else name
        ratio = timing.seconds / floor.seconds if not floor.failure else float("nan")
        print(
            f"  {label:42} {timing.seconds:>8.3f} {timing.cpu_seconds:>7.3f}"
            f" {timing.peak_mb:>8.0f} {ratio:>11.2f}"
        )
    alone, reading = timings[REPORT], timings[earlier_floor]
    print(f"\nWhat the {arguments.boards} earlier boards add to the report alone")
    results = [(name, timings[name]) for name in (FROM_FOLDER, FROM_GIT) if name in timings]
    for name, timing in results:
        if timing.failure or alone.failure or reading.failure:
            continue
        extra = timing.seconds - alone.seconds
        extra_cpu = timing.cpu_seconds - alone.cpu_seconds
        print(
            f"  {name:42} {extra:>+8.3f} s, {extra / arguments.boards:.3f} s a board, "
            f"{extra / reading.seconds:.2f}× the floor of reading them; "
            f"CPU {extra_cpu:+.3f} s, {extra_cpu / max(reading.cpu_seconds, 1e-9):.2f}× the floor's"
        )
    print("\nGoal (issue 12)")
    for name, timing in results:
        text = f"{name}: {arguments.boards} earlier boards add under {GOAL_EXTRA_SECONDS:g} s"
        if timing.failure or alone.failure:
            print(f"  ----  {text} (failed)")
            continue
        extra = timing.seconds - alone.seconds
        verdict = "PASS" if extra < GOAL_EXTRA_SECONDS else "MISS"
        print(f"  {verdict}  {text}: {extra:.3f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
