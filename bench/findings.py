"""Does validate's cost follow the plan's rows, not its findings? And annotate's, validate's?

    python bench/findings.py [--size 20000] [--repeat 3] [--out bench/out]

It times, each as its own subprocess, ``validate --format json`` on a plan of ``--size``
actions with no findings and on the same plan with one problem in every action (a status
given only as a fill colour, a formula never calculated, an error cell, an impossible date
and an unknown status, in turn: ``make_plans.py --noisy``), and ``validate --annotate`` on
the noisy plan. It prints the seconds, peak memory and the ratios against the clean plan's
validate, marking the goals PASS or MISS: the noisy plan within 2× the clean one (issue 14),
annotating within 3× validating the same file. Figures for people, not a test.

Then the same two commands on workbooks with what real templates carry (``packages.py``): a
5-action plan with one finding per action and a pivot table whose cache holds
``--pivot-records`` records, and a 2,000-action noisy plan with 261 data validations and 130
conditional formats on whole columns (issue 14's 981 KB template).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.run import AS_OF, Timing, plan_for, run_once  # noqa: E402


def best_of(command: list[str], repeat: int) -> Timing:
    """The fastest of ``repeat`` runs and the largest peak; exit 1 (errors found) is an answer."""
    runs = [run_once(command) for _ in range(repeat)]
    failed = [r for r in runs if r.failure and not r.failure.startswith("exit 1:")]
    if failed:
        raise SystemExit(f"{' '.join(command)} failed: {failed[0].failure}")
    return Timing(min(r.seconds for r in runs), max(r.peak_mb for r in runs))


def plan(size: int, noisy: bool, folder: Path) -> Path:
    """The cached plan, clean or with a problem in every action (run.py's cache)."""
    return plan_for(size, 0, folder, ["--noisy"] if noisy else [])


def feature_plans(folder: Path, pivot_records: int) -> dict[str, Path]:
    """The pivot-table and many-validations workbooks (generated if absent or stale)."""
    from bench.make_plans import make_plan
    from bench.packages import add_pivot_table, add_validations

    version = hashlib.sha256(
        (BENCH / "make_plans.py").read_bytes() + (BENCH / "packages.py").read_bytes()
    ).hexdigest()[:8]
    folder.mkdir(parents=True, exist_ok=True)
    pivot = folder / f"pivot-{pivot_records}-{version}.xlsx"
    if not pivot.exists():
        print(f"Generating a pivot table of {pivot_records:,} records into {pivot} ...")
        base = make_plan(folder / "pivot-base.partial.xlsx", 5, noisy=True)
        partial = add_pivot_table(base, pivot.with_suffix(".partial.xlsx"), pivot_records)
        os.replace(partial, pivot)
        base.unlink()
    validations = folder / f"validations-2000-{version}.xlsx"
    if not validations.exists():
        print(f"Generating 261 validations and 130 conditional formats into {validations} ...")
        partial = make_plan(validations.with_suffix(".partial.xlsx"), 2_000, noisy=True)
        os.replace(add_validations(partial), validations)
    return {
        f"5 findings, pivot cache of {pivot_records:,} records": pivot,
        "2,000 findings, 261 validations, 130 formats": validations,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument("--pivot-records", type=int, default=300_000)
    arguments = parser.parse_args(argv)
    clean, noisy = (
        plan(arguments.size, False, arguments.out),
        plan(arguments.size, True, arguments.out),
    )
    cli = [sys.executable, "-m", "generator", "validate", "--as-of", AS_OF, "--format", "json"]
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "annotated.xlsx"
        runs = {
            "validate, no findings": [*cli, str(clean)],
            f"validate, {arguments.size:,} findings": [*cli, str(noisy)],
            f"validate --annotate, {arguments.size:,} findings": [
                *cli,
                str(noisy),
                "--annotate",
                str(copy),
            ],
        }
        timings = {name: best_of(command, arguments.repeat) for name, command in runs.items()}
    floor = timings["validate, no findings"].seconds
    print(f"{arguments.size:,} actions; best of {arguments.repeat}; peak MB is the child's own")
    print(f"  {'command':44} {'seconds':>8} {'peak MB':>8} {'× no findings':>14}")
    for name, timing in timings.items():
        ratio = timing.seconds / floor
        print(f"  {name:44} {timing.seconds:8.3f} {timing.peak_mb:8.0f} {ratio:14.2f}")
    names = list(timings)
    noisy_ratio = timings[names[1]].seconds / floor
    annotate_ratio = timings[names[2]].seconds / timings[names[1]].seconds
    verdict = "PASS" if noisy_ratio <= 2 else "MISS"
    print(f"{verdict}  validate within 2× the same plan with no findings ({noisy_ratio:.2f}×)")
    verdict = "PASS" if annotate_ratio <= 3 else "MISS"
    print(f"{verdict}  annotate within 3× validate on the same file ({annotate_ratio:.2f}×)")

    print(f"\n  {'workbook':44} {'validate s':>10} {'MB':>5} {'annotate s':>10} {'MB':>5} {'×':>6}")
    for name, path in feature_plans(arguments.out, arguments.pivot_records).items():
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "annotated.xlsx"
            alone = best_of([*cli, str(path)], arguments.repeat)
            annotated = best_of([*cli, str(path), "--annotate", str(copy)], arguments.repeat)
        ratio = annotated.seconds / alone.seconds
        print(
            f"  {name:44} {alone.seconds:10.3f} {alone.peak_mb:5.0f} "
            f"{annotated.seconds:10.3f} {annotated.peak_mb:5.0f} {ratio:6.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
