"""How long chase and collect take on a big plan, beside the bare cost of reading it.

    python bench/cycle.py [--actions 2000] [--leads 60] [--repeat 3] [--out bench/out]

It generates a valid plan of ``--actions`` actions shared among ``--leads`` leads, each on
the Distribution sheet (``make_plans.py --leads``), then times, each as its own subprocess
so start-up counts as it does for a user:

* floors: python-calamine and openpyxl reading every cell of the plan (as bench/run.py);
* ``boardpack chase PLAN --out DIR``: every lead's workbook and draft;
* ``boardpack collect PLAN DIR -o UPDATED``, after each lead's workbook has been edited
  as a lead would (a status changed, an update written, a date typed as text; not timed).

It prints the seconds, peak memory and the ratios against the floors, and marks the goals
(issue 13: chase under 5 seconds for 2,000 actions and 60 leads; collect of 60 returned
files under 5 seconds) PASS or MISS. Figures for people, not a test; a command that fails
makes it exit 1.
"""

from __future__ import annotations

import argparse
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
    OPENPYXL,
    OPENPYXL_FLOOR,
    Timing,
    best_of,
    plan_for,
)

CHASE = "boardpack chase"
COLLECT = "boardpack collect"
GOAL_SECONDS = 5.0


def answer_as_leads(folder: Path) -> int:
    """Edit every lead's workbook in ``folder`` as its lead would; the number edited."""
    import openpyxl

    edited = 0
    for path in sorted(folder.glob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        header = next(row for row in range(1, 20) if sheet.cell(row=row, column=1).value == "Ref")
        columns = {cell.value: cell.column for cell in sheet[header] if cell.value}
        first = header + 1
        sheet.cell(row=first, column=columns["Progress update"]).value = "Recovery plan agreed."
        sheet.cell(row=first, column=columns["Status"]).value = "Amber"
        if sheet.max_row > first:
            sheet.cell(row=first + 1, column=columns["Revised due date"]).value = "31/03/2027"
        sheet.protection.sheet = False
        book.save(path)
        edited += 1
    for draft in folder.glob("*.eml"):
        draft.unlink()
    return edited


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=2_000)
    parser.add_argument("--leads", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    arguments = parser.parse_args(argv)
    plan = plan_for(arguments.actions, 0, arguments.out, ["--leads", str(arguments.leads)])
    cli = [sys.executable, "-m", "generator"]
    with tempfile.TemporaryDirectory() as scratch:
        chased, returned = Path(scratch) / "chase", Path(scratch) / "returned"
        updated = Path(scratch) / "updated.xlsx"
        timings: dict[str, Timing] = {
            CALAMINE: best_of([sys.executable, "-c", CALAMINE_FLOOR, str(plan)], arguments.repeat),
            OPENPYXL: best_of([sys.executable, "-c", OPENPYXL_FLOOR, str(plan)], arguments.repeat),
            CHASE: best_of(
                [*cli, "chase", str(plan), "--out", str(chased), "--as-of", AS_OF],
                arguments.repeat,
            ),
        }
        subprocess.run(
            [*cli, "chase", str(plan), "--out", str(returned), "--as-of", AS_OF],
            check=True,
            capture_output=True,
        )
        files = answer_as_leads(returned)
        timings[COLLECT] = best_of(
            [*cli, "collect", str(plan), str(returned), "-o", str(updated), "--as-of", AS_OF],
            arguments.repeat,
        )
    print(
        f"{arguments.actions:,} actions, {arguments.leads} leads, {files} returned workbooks "
        f"({plan.name}); best of {arguments.repeat}; peak MB is the child's own"
    )
    print(f"  {'command':24} {'seconds':>8} {'peak MB':>8} {'× calamine':>11} {'× openpyxl':>11}")
    failed = False
    for name, timing in timings.items():
        if timing.failure:
            print(f"  {name:24} FAILED {timing.failure}")
            failed = True
            continue
        ratios = [timing.seconds / timings[floor].seconds for floor in (CALAMINE, OPENPYXL)]
        label = f"floor: {name}" if name in (CALAMINE, OPENPYXL) else name
        print(
            f"  {label:24} {timing.seconds:>8.3f} {timing.peak_mb:>8.0f}"
            f" {ratios[0]:>11.2f} {ratios[1]:>11.2f}"
        )
    print("\nGoals (issue 13)")
    for name, text in ((CHASE, "chase"), (COLLECT, f"collect of {files} returned files")):
        timing = timings[name]
        if timing.failure:
            print(f"  ----  {text} under {GOAL_SECONDS:g} s (failed)")
            continue
        verdict = "PASS" if timing.seconds < GOAL_SECONDS else "MISS"
        print(f"  {verdict}  {text} under {GOAL_SECONDS:g} s: {timing.seconds:.3f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
