"""Plans built by hand for the report tests: seed 004's plan, and variations of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from generator.model.plan import Action, Measure, Plan, ReportFields, Section
from generator.schema.status import Status, StatusKey

AS_OF = dt.date(2020, 4, 23)

KEY = StatusKey(
    (
        Status("Blue", "B", "completed", "0070C0", "FFFFFF", complete=True),
        Status("Green", "G", "on track", "00B050", "000000"),
        Status("Amber", "A", "some progress but slippage", "FFC000", "000000"),
        Status("Red", "R", "not progressed as planned", "FF0000", "FFFFFF"),
    )
)

#: Seed 004's table: section, then Blue, Green, Amber, Red counts.
SEED_004 = (
    ("Quality of Practice", "QP", (1, 7, 10, 4)),
    ("Capacity and capability of workforce", "CW", (3, 4, 2, 3)),
    ("Effective Leadership and Management", "LM", (1, 5, 1, 2)),
    ("Quality Assurance and Performance Management", "QA", (6, 2, 1, 0)),
    ("Partnership working", "PW", (3, 4, 2, 1)),
)

ACTION_TEXTS = (
    "Embed the new practice standards for assessments, including chronologies",
    "Audit a sample of child protection plans each month and act on the findings",
    "Recruit permanent team managers to every assessment team",
    "Relaunch supervision policy with a timetable for reflective supervision",
    "Publish the performance dashboard monthly with commentary",
)


def seed_004_plan() -> Plan:
    """62 actions across seed 004's five sections with its exact BRAG counts.

    Dates are arranged so that, at ``AS_OF``: Amber and Red actions alternate between overdue
    and due soon, Green ones are due after the lookahead, Blue ones were completed on time,
    and every third action has been re-dated.
    """
    actions: list[Action] = []
    row = 2
    for section, prefix, counts in SEED_004:
        number = 0
        for status, count in zip(KEY.names, counts, strict=True):
            for _ in range(count):
                number += 1
                index = len(actions)
                due = _due(status, number)
                revised = due + dt.timedelta(days=14 * (1 + number % 4)) if index % 3 == 0 else None
                actions.append(
                    Action(
                        ref=f"{prefix}-{number:02d}",
                        section=section,
                        action=ACTION_TEXTS[index % len(ACTION_TEXTS)],
                        lead=f"Head of Service {1 + index % 4}",
                        due_date=due,
                        revised_due_date=revised,
                        completed_date=due if status == "Blue" else None,
                        status=status,
                        progress_update=(
                            f"Update for {prefix}-{number:02d}: work continues with partners."
                            if status != "Blue"
                            else "Completed and signed off."
                        ),
                        row=row,
                    )
                )
                row += 1
    sections = [
        Section(name, lead=f"Assistant Director {i}") for i, (name, *_) in enumerate(SEED_004, 1)
    ]
    return Plan(
        actions=actions,
        sections=sections,
        key=KEY,
        report=ReportFields(
            organisation="Medway Council Children's Services",
            meeting="Children's Improvement Board",
            meeting_date=dt.date(2020, 4, 23),
            title="Improvement Plan Progress Update",
            report_of="Director of Children and Adult Services",
            author="Jean Imray, Assistant Director",
            contact="Sue Brunton-Reed, Head of Special Projects and Improvement",
            classification="OFFICIAL",
            wards="All",
            summary="This report gives the Board a progress update on the Improvement Plan.",
            recommendations=(
                "note the progress made over the first six months since the Plan was agreed",
                "acknowledge the key issues that have hindered progress",
                "agree to the proposal to review, refresh and update the plan",
            ),
            next_steps="A refreshed plan will come to the May Improvement Board.",
            next_meeting_date=dt.date(2020, 5, 28),
        ),
        measures=[
            Measure(
                "Average caseload (assessment teams)",
                "Quality of Practice",
                "",
                18,
                34,
                20,
                "lower",
            ),
            Measure(
                "Visits to children in care within timescale",
                "Quality of Practice",
                "%",
                95,
                88,
                90.5,
            ),
            Measure(
                "Agency social workers",
                "Capacity and capability of workforce",
                "%",
                15,
                22,
                22,
                "lower",
            ),
        ],
        source_name="plan.xlsx",
    )


def _due(status: str, number: int) -> dt.date:
    if status == "Blue":
        return AS_OF - dt.timedelta(days=30 + number)
    if status == "Green":
        return AS_OF + dt.timedelta(days=60 + number)
    # Amber and Red: odd numbers overdue by a few weeks, even numbers due before the meeting.
    if number % 2:
        return AS_OF - dt.timedelta(days=5 * number)
    return AS_OF + dt.timedelta(days=number)


def with_actions(plan: Plan, actions: list[Action]) -> Plan:
    return replace(plan, actions=actions)
