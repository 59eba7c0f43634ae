"""Does the report's cost follow the plan's sections linearly?

    python bench/sections.py [--sections 1000,10000] [--repeat 1] [--out bench/out]

For each count N it generates a valid plan of N actions in N distinct sections, each listed
on the Sections sheet with a lead and commentary (``make_plans.py N OUT --sections N``), and
times, each as its own subprocess, the openpyxl floor, ``validate`` and ``report`` on it, and
each as a multiple of the floor measured in the same run (on a shared machine the ratio, not
the seconds, is what compares). A section costs the report a heading, a paragraph and a table
in the appendix, and a heading and paragraphs under "Progress by section" and "Overdue
actions", so a cost that grows faster than the sections shows as a rising "ms per section".
Figures for people, not a test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.run import (  # noqa: E402
    OPENPYXL,
    REPORT,
    VALIDATE,
    best_of_each,
    commands,
    compile_package,
    plan_for,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", default="1000,10000", help="comma-separated counts")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the best counts")
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    arguments = parser.parse_args(argv)
    counts = [int(count.replace("_", "")) for count in arguments.sections.split(",")]
    compile_package()  # as run.py does: no module compiled from source while timed
    plans = {n: plan_for(n, 0, arguments.out, ["--sections", str(n)]) for n in counts}
    print(f"Plans of N actions in N sections; best of {arguments.repeat}; peak MB is the child's")
    print(
        f"  {'sections':>8}  {'command':<20} {'seconds':>8} {'cpu s':>7} {'ms/section':>11}"
        f" {'peak MB':>8} {'× openpyxl':>11}"
    )
    failed = False
    for n, plan in plans.items():
        measured = commands(plan, arguments.out / f"report-sections-{n}.docx")
        # Taken in turn (floor, validate, report, floor ...), so a burst of load on a shared
        # machine falls on all three alike.
        timings = best_of_each(
            {name: measured[name] for name in (OPENPYXL, VALIDATE, REPORT)}, arguments.repeat
        )
        floor = timings[OPENPYXL]
        for name, timing in timings.items():
            if timing.failure:
                failed = True
                print(f"  {n:>8,}  {name:<20} FAILED {timing.failure}")
                continue
            # The ratio carries from one machine (or one moment of a shared one) to another.
            ratio = f"{timing.seconds / floor.seconds:11.2f}" if not floor.failure else f"{'-':>11}"
            print(
                f"  {n:>8,}  {name:<20} {timing.seconds:8.3f} {timing.cpu_seconds:7.3f}"
                f" {timing.seconds * 1000 / n:11.2f} {timing.peak_mb:8.0f} {ratio}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
