"""Benchmarks: how long boardpack takes beside the bare cost of reading the same workbook.

    python bench/run.py [--sizes 200,2000,20000,100000] [--repeat 3] [--skip-report]

For each size it generates a valid plan (once; kept in bench/out/), then times, each as its
own subprocess so interpreter start-up counts everywhere as it does for a user:

* floor: python-calamine opening the workbook and reading every sheet with ``to_python()``;
* floor: openpyxl ``load_workbook(read_only=True, data_only=True)`` visiting every cell;
* ``python -m generator validate PLAN --as-of 2026-11-23 --format json > /dev/null``;
* ``python -m generator report PLAN -o OUT.docx --as-of 2026-11-23``, when that command exists.

Each figure is the best (fastest) of ``--repeat`` runs, because a shared machine only ever adds
noise; the commands on one plan take their runs in turn, so a burst of load falls on floors and
commands alike. generator's bytecode is written first, as installing it would. Peak memory is
the child's own maximum resident set, read from ``os.wait4``'s resource usage for that one
child (started by a small launcher, as Linux keeps this script's own peak across fork and
exec), so neither an earlier run's peak nor this script's leaks into it. This prints figures
for people; it is not a test, and a missed goal does not change the exit code. A command that
fails (non-zero exit) does: the run then exits 1.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
AS_OF = "2026-11-23"
DEFAULT_SIZES = (200, 2_000, 20_000, 100_000)

CALAMINE = "python-calamine"
OPENPYXL = "openpyxl"
VALIDATE = "boardpack validate"
REPORT = "boardpack report"

CALAMINE_FLOOR = """\
import sys
from python_calamine import CalamineWorkbook
workbook = CalamineWorkbook.from_path(sys.argv[1])
for name in workbook.sheet_names:
    workbook.get_sheet_by_name(name).to_python()
"""
OPENPYXL_FLOOR = """\
import sys
from openpyxl import load_workbook
workbook = load_workbook(sys.argv[1], read_only=True, data_only=True)
for sheet in workbook.worksheets:
    for row in sheet.iter_rows(values_only=True):
        for value in row:
            pass
workbook.close()
"""


@dataclass
class Timing:
    """The best of several runs of one command on one plan."""

    seconds: float
    peak_mb: float
    failure: str = ""
    #: Processor time (user + system) of the fastest run by that measure: what the command
    #: itself costs, which other people's work on a shared machine changes far less than
    #: the wall-clock seconds.
    cpu_seconds: float = 0.0


Check = Callable[[dict[str, Timing]], tuple[bool, str] | None]


@dataclass
class Goal:
    """A goal from the spec, checked against one size's timings."""

    size: int
    text: str
    check: Check


def _measured(timings: dict[str, Timing], command: str) -> bool:
    return command in timings and not timings[command].failure


def _ratio(timings: dict[str, Timing], command: str, floor: str) -> float | None:
    if not (_measured(timings, command) and _measured(timings, floor)):
        return None
    return timings[command].seconds / timings[floor].seconds


def _within_ratio(command: str, floor: str, limit: float) -> Check:
    def check(timings: dict[str, Timing]) -> tuple[bool, str] | None:
        ratio = _ratio(timings, command, floor)
        if ratio is None:
            return None
        cpu = timings[command].cpu_seconds / max(timings[floor].cpu_seconds, 1e-9)
        return ratio <= limit, f"{ratio:.2f}× (processor time {cpu:.2f}×)"

    return check


def _under_seconds(command: str, limit: float) -> Check:
    def check(timings: dict[str, Timing]) -> tuple[bool, str] | None:
        if not _measured(timings, command):
            return None
        seconds = timings[command].seconds
        return seconds < limit, f"{seconds:.3f} s"

    return check


def _under_mb(command: str, limit: float) -> Check:
    def check(timings: dict[str, Timing]) -> tuple[bool, str] | None:
        if not _measured(timings, command):
            return None
        peak = timings[command].peak_mb
        return peak < limit, f"{peak:,.0f} MB"

    return check


GOALS = [
    Goal(200, "validate end to end under 0.4 s", _under_seconds(VALIDATE, 0.4)),
    Goal(200, "report end to end under 1 s", _under_seconds(REPORT, 1.0)),
    Goal(20_000, "validate within 3× python-calamine's read", _within_ratio(VALIDATE, CALAMINE, 3)),
    Goal(20_000, "report within 1.5× openpyxl's read", _within_ratio(REPORT, OPENPYXL, 1.5)),
    Goal(100_000, "validate peak memory under 1 GB", _under_mb(VALIDATE, 1024)),
    Goal(100_000, "report peak memory under 1 GB", _under_mb(REPORT, 1024)),
]


# Linux carries a process's peak resident size across fork and exec: a command started
# straight from this process reports this process's own peak (it grows as it makes plans)
# whenever that is larger than the command's. So each command is started by a fresh, small
# launcher, which times it and reads its usage with wait4 (its own child's, no other).
_LAUNCH = """
import json, os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "code": os.waitstatus_to_exitcode(status),
               "maxrss": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}, out)
"""


def run_once(argv: list[str]) -> Timing:
    """Run one command; its wall-clock time and its own peak resident memory."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryDirectory() as folder:
        measured = Path(folder) / "usage.json"
        launcher = [sys.executable, "-c", _LAUNCH, str(measured), *argv]
        subprocess.run(launcher, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors, check=True)
        usage = json.loads(measured.read_text())
        # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
        peak_mb = usage["maxrss"] / (1 << 20 if sys.platform == "darwin" else 1 << 10)
        failure = ""
        if usage["code"] != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace").strip().splitlines()[-3:]
            failure = f"exit {usage['code']}: " + " | ".join(tail)
    return Timing(usage["seconds"], peak_mb, failure, usage["cpu"])


def compile_package() -> None:
    """Write generator's bytecode, as installing it does, before anything is timed.

    With PYTHONDONTWRITEBYTECODE set (as on the development machine), a module edited since
    its .pyc was written is compiled from source at every start, which adds 15-25 ms for
    cli.py alone: a cost no installed copy pays, and one the floors never pay.
    """
    compileall.compile_dir(str(ROOT / "generator"), quiet=1)


def best_of_each(commands_: Mapping[str, list[str]], repeat: int) -> dict[str, Timing]:
    """``best_of`` for several commands, their runs taken in turn (floor, command, floor,
    command...), so that a burst of load on a shared machine falls on all of them alike
    rather than on whichever command was running at the time."""
    runs: dict[str, list[Timing]] = {name: [] for name in commands_}
    failed: dict[str, Timing] = {}
    for _ in range(repeat):
        for name, argv in commands_.items():
            if name in failed:
                continue
            timing = run_once(argv)
            if timing.failure:
                failed[name] = timing
            runs[name].append(timing)
    return {name: failed.get(name) or _best(runs[name]) for name in commands_}


def _best(runs: list[Timing]) -> Timing:
    """The fastest wall-clock and processor times, and the largest peak, of several runs."""
    return Timing(
        min(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        cpu_seconds=min(r.cpu_seconds for r in runs),
    )


def best_of(argv: list[str], repeat: int) -> Timing:
    """The fastest of ``repeat`` runs and the largest peak memory seen; stop at a failure."""
    runs = []
    for _ in range(repeat):
        runs.append(run_once(argv))
        if runs[-1].failure:
            return runs[-1]
    return _best(runs)


def plan_for(size: int, seed: int, folder: Path, options: Sequence[str] = ()) -> Path:
    """The cached plan of ``size`` actions, generated if absent or made by another generator.

    ``options`` go to make_plans.py (``["--leads", "60"]``) and into the cached file's name.
    """
    generator_source = (BENCH / "make_plans.py").read_bytes()
    version = hashlib.sha256(generator_source).hexdigest()[:8]
    tag = "".join(option.replace("--", "-") for option in options)
    path = folder / f"plan-{size}-seed{seed}{tag}-{version}.xlsx"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.xlsx")
        print(f"Generating {size:,} actions into {path} ...", flush=True)
        command = [sys.executable, str(BENCH / "make_plans.py"), str(size), str(partial)]
        subprocess.run([*command, "--seed", str(seed), *options], check=True)
        os.replace(partial, path)  # an interrupted run never leaves a half-written cache
    return path


def report_command_exists() -> bool:
    """Whether this checkout's CLI has a ``report`` command yet."""
    probe = [sys.executable, "-m", "generator", "report", "--help"]
    return subprocess.run(probe, cwd=ROOT, capture_output=True).returncode == 0


def commands(plan: Path, report_to: Path | None) -> dict[str, list[str]]:
    """The commands to time on one plan, floors first."""
    python, cli = sys.executable, [sys.executable, "-m", "generator"]
    measured = {
        CALAMINE: [python, "-c", CALAMINE_FLOOR, str(plan)],
        OPENPYXL: [python, "-c", OPENPYXL_FLOOR, str(plan)],
        VALIDATE: [*cli, "validate", str(plan), "--as-of", AS_OF, "--format", "json"],
    }
    if report_to is not None:
        measured[REPORT] = [*cli, "report", str(plan), "-o", str(report_to), "--as-of", AS_OF]
    return measured


def print_machine(repeat: int) -> None:
    now = dt.datetime.now()
    print(f"boardpack benchmarks, {now.day} {now:%B %Y, %H:%M}")
    print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, {_cpu_name()}")
    print(f"Python {platform.python_version()} ({sys.executable})")
    print(f"Each figure: best of {repeat}; peak MB is the child's maximum resident set (MiB).")


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def print_table(size: int, plan: Path, timings: dict[str, Timing]) -> None:
    megabytes = plan.stat().st_size / (1 << 20)
    print(f"\n{size:,} actions ({plan.name}, {megabytes:.1f} MB on disk)")
    print(
        f"  {'command':<24} {'seconds':>8} {'cpu s':>6} {'ms/1k actions':>14} {'peak MB':>8}"
        f" {'× calamine':>11} {'× openpyxl':>11}"
    )
    for command, timing in timings.items():
        if timing.failure:
            print(f"  {command:<24} FAILED {timing.failure}")
            continue
        per_thousand = timing.seconds * 1000 / (size / 1000)
        ratios = [_ratio(timings, command, floor) for floor in (CALAMINE, OPENPYXL)]
        shown = [f"{r:>11.2f}" if r is not None else f"{'-':>11}" for r in ratios]
        label = f"floor: {command}" if command in (CALAMINE, OPENPYXL) else command
        print(
            f"  {label:<24} {timing.seconds:>8.3f} {timing.cpu_seconds:>6.3f} {per_thousand:>14.1f}"
            f" {timing.peak_mb:>8.0f} {shown[0]} {shown[1]}"
        )


def print_goals(results: dict[int, dict[str, Timing]]) -> None:
    print("\nGoals (from the spec)")
    for goal in GOALS:
        if goal.size not in results:
            continue
        outcome = goal.check(results[goal.size])
        if outcome is None:
            print(f"  ----  {goal.size:>7,} actions: {goal.text} (not measured)")
            continue
        met, figure = outcome
        print(f"  {'PASS' if met else 'MISS'}  {goal.size:>7,} actions: {goal.text}: {figure}")


def print_growth(results: dict[int, dict[str, Timing]]) -> None:
    """Milliseconds per 1,000 actions by size: flat (after start-up) means linear cost."""
    sizes = sorted(results)
    print("\nms per 1,000 actions by size (linear cost shows as a flat line once start-up fades)")
    print(f"  {'command':<24}" + "".join(f" {size:>9,}" for size in sizes))
    names = dict.fromkeys(name for size in sizes for name in results[size])
    for name in names:
        cells = []
        for size in sizes:
            if _measured(results[size], name):
                cells.append(f" {results[size][name].seconds * 1e6 / size:>9.1f}")
            else:
                cells.append(f" {'-':>9}")
        print(f"  {name:<24}" + "".join(cells))


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time boardpack beside bare workbook reads.")
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in DEFAULT_SIZES),
        help="comma-separated plan sizes in actions (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best counts")
    parser.add_argument("--seed", type=int, default=0, help="plan generator seed (default 0)")
    parser.add_argument("--skip-report", action="store_true", help="time validate only")
    parser.add_argument(
        "--out", type=Path, default=BENCH / "out", help="cache folder for plans and reports"
    )
    arguments = parser.parse_args(argv)
    arguments.sizes = [int(size.replace("_", "")) for size in arguments.sizes.split(",")]
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    with_report = not arguments.skip_report and report_command_exists()
    plans = {size: plan_for(size, arguments.seed, arguments.out) for size in arguments.sizes}
    compile_package()
    print_machine(arguments.repeat)
    if arguments.skip_report:
        print("Report: skipped (--skip-report).")
    elif not with_report:
        print("Report: not measured; this checkout has no `report` command yet.")

    results: dict[int, dict[str, Timing]] = {}
    for size, plan in plans.items():
        report_to = arguments.out / f"report-{size}.docx" if with_report else None
        timings = best_of_each(commands(plan, report_to), arguments.repeat)
        results[size] = timings
        print_table(size, plan, timings)
    print_growth(results)
    print_goals(results)
    failed = any(t.failure for timings in results.values() for t in timings.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
