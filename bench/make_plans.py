"""Write large, valid plan workbooks for the benchmarks and the big-plan tests.

    python bench/make_plans.py 20000 plan-20000.xlsx [--seed 0] [--sections 10000]

The plan is valid at any as-of date on or after 23 November 2026: every Blue action was
completed before then, every Amber and Red action has a progress update, Refs are unique and
every Section is listed on the Sections sheet. The same N and seed always give the same cells.
openpyxl's write-only mode keeps memory flat, so 100,000 actions take seconds, not minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill

NOW = dt.date(2026, 11, 23)
NEXT_MEETING = dt.date(2027, 1, 18)

SECTIONS = [
    ("QP", "Quality of Practice", "Head of Service, Assessment"),
    ("WF", "Capacity and capability of workforce", "Head of Workforce Development"),
    ("LM", "Effective Leadership and Management", "Director of Children's Services"),
    ("QA", "Quality Assurance and Performance Management", "Head of Quality Assurance"),
    ("PW", "Partnership working", "Assistant Director, Partnerships"),
]
ACTION_COLUMNS = [
    "Ref",
    "Section",
    "Recommendation",
    "Action",
    "Lead",
    "Partners",
    "Start date",
    "Due date",
    "Revised due date",
    "Completed date",
    "Status",
    "Progress update",
    "Evidence of impact",
    "Last updated",
]
# Roughly the mix of a plan a year in: a third done, a third on track, the rest slipping.
STATUS_WEIGHTS = {"Blue": 33, "Green": 37, "Amber": 20, "Red": 10}
VERBS = ["Review", "Introduce", "Strengthen", "Agree", "Deliver", "Embed", "Audit", "Publish"]
SUBJECTS = [
    "the assessment template",
    "supervision recording",
    "the threshold document",
    "permanence tracking",
    "the performance dashboard",
    "return home interviews",
    "the care leavers' offer",
    "core group attendance",
]
LEADS = [
    "Head of Service, Assessment",
    "Head of Service, Child Protection and Court",
    "Principal Social Worker",
    "Head of Quality Assurance",
    "Head of Early Help",
    "HR Business Partner, Children's Services",
]
PARTNERS = ["", "Eastbridge Police", "ICB", "Schools", "Housing", "Voluntary sector"]


def lead_names(count: int) -> list[str]:
    """``count`` distinct leads, named as plans name them, for plans with many leads."""
    return [f"{LEADS[n % len(LEADS)]} (team {n + 1:02d})" for n in range(count)]


def lead_address(lead: str) -> str:
    team = lead.rsplit("team ", 1)[-1].rstrip(")")
    return f"lead.team{team}@example.org"


def section_rows(count: int) -> list[tuple[str, str, str]]:
    """``count`` distinct sections (prefix, name, lead), for plans with many sections; the
    usual five when ``count`` is 0."""
    if not count:
        return SECTIONS
    return [
        ("S", f"Section {n + 1:05d}: {SUBJECTS[n % len(SUBJECTS)]}", LEADS[n % len(LEADS)])
        for n in range(count)
    ]


def _action_rows(
    n_actions: int,
    rng: random.Random,
    leads: list[str] | None = None,
    sections: list[tuple[str, str, str]] = SECTIONS,
) -> Iterator[list[Any]]:
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    for number in range(1, n_actions + 1):
        prefix, section, _ = sections[number % len(sections)]
        status = rng.choices(statuses, weights)[0]
        start = NOW - dt.timedelta(days=rng.randint(30, 400))
        revised: dt.date | None = None
        completed: dt.date | None = None
        if status == "Blue":
            due = NOW - dt.timedelta(days=rng.randint(1, 250))
            completed = due - dt.timedelta(days=rng.randint(0, 20))
            update = "Completed; evidence held by the lead."
        elif status == "Green":
            due = NOW + dt.timedelta(days=rng.randint(0, 365))
            update = "On track." if rng.random() < 0.5 else ""
        else:
            due = NOW + dt.timedelta(days=rng.randint(-120, 180))
            if rng.random() < 0.4:
                revised = due + dt.timedelta(days=rng.randint(14, 120))
            update = f"{status}: slipped because of staff vacancies; recovery plan agreed."
        yield [
            f"{prefix}-{number:06d}",
            section,
            f"Recommendation {number % 17 + 1}",
            f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)} (action {number}).",
            leads[number % len(leads)] if leads else rng.choice(LEADS),
            rng.choice(PARTNERS),
            start,
            due,
            revised,
            completed,
            status,
            update,
            "Audit evidence to follow." if rng.random() < 0.3 else "",
            NOW - dt.timedelta(days=rng.randint(0, 50)),
        ]


def _one_finding(row: list[Any], number: int, sheet: Any) -> list[Any]:
    """The row with exactly one problem, of five kinds in turn, each found a different way:
    a status given only as a fill colour, a formula never calculated, an error cell, an
    impossible date and an unknown status."""
    row = list(row)
    status, due, evidence = (
        ACTION_COLUMNS.index(name) for name in ("Status", "Due date", "Evidence of impact")
    )
    kind = number % 5
    if kind == 0:
        cell = WriteOnlyCell(sheet, value=None)
        cell.fill = PatternFill(fill_type="solid", fgColor="00B050")  # the key's Green
        row[status] = cell
        row[ACTION_COLUMNS.index("Revised due date")] = None
        row[due] = NOW + dt.timedelta(days=30)
        row[ACTION_COLUMNS.index("Completed date")] = None
    elif kind == 1:
        row[due] = "=TODAY()+30"  # saved by a script, never calculated: no value
        row[ACTION_COLUMNS.index("Revised due date")] = None
    elif kind == 2:
        row[evidence] = "#REF!"
    elif kind == 3:
        row[ACTION_COLUMNS.index("Last updated")] = "31/02/2026"
    else:
        row[status] = "Purple"
    return row


def make_plan(
    path: Path | str,
    n_actions: int,
    seed: int = 0,
    *,
    noisy: bool = False,
    leads: int = 0,
    sections: int = 0,
    meeting: dt.date = dt.date(2026, 11, 30),
) -> Path:
    """Write a valid plan of ``n_actions`` actions to ``path`` and return the path.

    ``noisy``: the same plan with one problem in every action (one finding each).
    ``leads``: that many leads in turn, each on the Distribution sheet (for chase).
    ``sections``: that many distinct sections in turn, each on the Sections sheet with its
    lead and commentary (the usual five when 0).
    ``meeting``: the Report sheet's Meeting date (earlier boards of a history differ by it).
    """
    rng = random.Random(seed)
    named = lead_names(leads) if leads else None
    listed = section_rows(sections)
    workbook = Workbook(write_only=True)
    actions = workbook.create_sheet("Actions")
    actions.append(ACTION_COLUMNS)
    for number, row in enumerate(_action_rows(n_actions, rng, named, listed), start=1):
        actions.append(_one_finding(row, number, actions) if noisy else row)

    sections_sheet = workbook.create_sheet("Sections")
    sections_sheet.append(["Section", "Lead", "Commentary"])
    for _, name, lead in listed:
        sections_sheet.append([name, lead, f"Progress in {name.lower()} is steady."])

    report = workbook.create_sheet("Report")
    report.append(["Field", "Value"])
    for field, value in [
        ("Organisation", "Eastbridge Borough Council"),
        ("Meeting", "Children's Improvement Board"),
        ("Meeting date", meeting),
        ("Title", f"Improvement Plan Progress Update ({n_actions:,} actions)"),
        ("Report of", "Director of Children's Services"),
        ("Author", "Priya Chandran, Head of Improvement and Transformation"),
        ("Classification", "OFFICIAL"),
        ("Summary", "A generated plan for measuring boardpack's speed."),
        ("Recommendations", "note the progress made\nagree the next steps"),
        ("Next steps", "Leads will report exceptions fortnightly."),
        ("Next meeting date", NEXT_MEETING),
    ]:
        report.append([field, value])

    measures = workbook.create_sheet("Measures")
    measures.append(
        ["Measure", "Section", "Unit", "Target", "Previous", "Current", "Better", "Commentary"]
    )
    measures.append(
        ["% of assessments within 45 working days", listed[0][1], "%", 85, 71, 81, "higher"]
    )
    measures.append(
        ["Average caseload", listed[1 % len(listed)][1], "children", 18, 22.4, 20.1, "lower"]
    )

    distribution = workbook.create_sheet("Distribution")
    distribution.append(["Name", "Email", "Role"])
    distribution.append(["Margaret Oduya", "margaret.oduya@example.org", "Independent Chair"])
    for lead in named or []:
        distribution.append([lead, lead_address(lead), "Lead officer"])

    target = Path(path)
    workbook.save(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a valid plan workbook of N actions.")
    parser.add_argument("n_actions", type=int, help="how many actions, e.g. 20000")
    parser.add_argument("output", type=Path, help="the .xlsx file to write")
    parser.add_argument("--seed", type=int, default=0, help="vary the plan (default 0)")
    parser.add_argument("--noisy", action="store_true", help="one problem in every action")
    parser.add_argument("--leads", type=int, default=0, help="that many leads, for chase")
    parser.add_argument(
        "--sections", type=int, default=0, help="that many distinct sections (default 5)"
    )
    parser.add_argument(
        "--meeting",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 11, 30),
        help="the Report sheet's Meeting date, YYYY-MM-DD (default 2026-11-30)",
    )
    arguments = parser.parse_args()
    make_plan(
        arguments.output,
        arguments.n_actions,
        arguments.seed,
        noisy=arguments.noisy,
        leads=arguments.leads,
        sections=arguments.sections,
        meeting=arguments.meeting,
    )


if __name__ == "__main__":
    main()
