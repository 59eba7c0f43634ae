"""Dates as plans write them, and the "did you mean" that only offers what is plausible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import AS_OF, action_row, write_plan
from hypothesis import given
from hypothesis import strategies as st

from generator.common.matching import did_you_mean
from generator.model.asof import parse_as_of
from generator.pipeline import check_workbook
from generator.read.cells import parse_date
from generator.read.text_dates import read_text_date
from generator.render import build_report
from generator.schema.derived import effective_due, effective_due_column
from generator.schema.rules import load_rules
from tests.report_reading import caption_of, column, open_report, table_captioned

WORDS = load_rules().no_date_words
D = dt.date


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("Autumn 2026", D(2026, 11, 30)),
        ("Spring 2027", D(2027, 5, 31)),
        ("Summer 2027", D(2027, 8, 31)),
        ("Winter 2026", D(2027, 2, 28)),
        ("Winter 2026/27", D(2027, 2, 28)),
        ("2019/20", D(2020, 3, 31)),
        ("2026-27", D(2027, 3, 31)),
        ("2026/2027", D(2027, 3, 31)),
        ("FY 2026/27", D(2027, 3, 31)),
        ("Q3 26/27", D(2026, 12, 31)),
        ("Q3 2026/27", D(2026, 12, 31)),
        ("Quarter 4 2026-27", D(2027, 3, 31)),
        ("2026/27 Q1", D(2026, 6, 30)),
        ("Q2 (2026/27)", D(2026, 9, 30)),
        ("By 31/03/2027", D(2027, 3, 31)),
        ("by the end of June 2027", D(2027, 6, 30)),
        ("Deadline: 1/4/27", D(2027, 4, 1)),
        ("End of March 2027", D(2027, 3, 31)),
        ("End of 2027", D(2027, 12, 31)),
        ("w/c 14/12/2026", D(2026, 12, 18)),  # a Monday: its Friday
        ("week commencing 16 December 2026", D(2026, 12, 18)),  # a Wednesday: same week
        ("December 2026/January 2027", D(2027, 1, 31)),
        ("Nov/Dec 2026", D(2026, 12, 31)),
        ("March - April 2027", D(2027, 4, 30)),
        ("Mar-27", D(2027, 3, 31)),
        ("12/26", D(2026, 12, 31)),  # day first, 26 is no month: December 2026
        ("03/2027", D(2027, 3, 31)),
        ("3-27", D(2027, 3, 31)),
        ("By 12/26", D(2026, 12, 31)),
        ("23rd April 2027", D(2027, 4, 23)),
    ],
)
def test_wordings_that_pin_a_day(typed: str, day: dt.date) -> None:
    parsed = parse_date(typed, WORDS)
    assert (parsed.value, parsed.rule) == (day, "date-as-text")


@pytest.mark.parametrize(
    "typed",
    ["End of May", "May", "Monthly", "Quarterly", "Immediate", "Immediately", "Q1 2027", "Q2",
     "Spring", "Ongoing - reviewed monthly", "Monthly review", "TBC", "To be confirmed"],
)  # fmt: skip
def test_wordings_that_name_no_single_day_are_warnings(typed: str) -> None:
    assert parse_date(typed, WORDS).rule == "no-date"
    assert parse_date(typed, WORDS).value is None


@pytest.mark.parametrize("typed", ["31/02/2020", "30 February 2027", "Q3 2026/28"])
def test_impossible_dates_stay_errors(typed: str) -> None:
    assert parse_date(typed, WORDS).rule in ("impossible-date", "not-a-date")
    assert read_text_date(typed).day is None


def test_31_february_is_impossible_not_3_march() -> None:
    assert parse_date("31/02/2020", WORDS).rule == "impossible-date"
    assert parse_date("31/02/2020 - 30/04/2020", WORDS).rule == "impossible-date"


@pytest.mark.parametrize("typed", ["after the summer", "soon", "see notes", "06/11", "13/26"])
def test_text_that_says_nothing_of_a_date_is_an_error(typed: str) -> None:
    assert parse_date(typed, WORDS).rule == "not-a-date"


@pytest.mark.parametrize(
    ("wanted", "typed", "suggested"),
    [
        (["Lead", "Owner"], ["Leed", "Ref"], "Leed"),
        (["Amber", "Slipping"], ["ambre"], "ambre"),
        (["Green", "On track"], ["Gren"], "Gren"),
        (["Amber"], ["Amber - slippage"], "Amber - slippage"),
        (["Lead officer"], ["Lead officer (name)"], "Lead officer (name)"),
        (["Actions", "Action plan", "Plan"], ["Austin"], ""),
        (["Section", "Theme", "Priority", "Workstream"], ["What will we do?", "Who?"], ""),
        (["Red"], ["Rod"], ""),  # one letter in three is not a slip
        (["Lead", "Owner"], ["Lead owner (service manager)"], "Lead owner (service manager)"),
        # A 1915 census form's header (a BIFF5 file in the corpus) mentions "owner" once.
        (
            ["Lead", "Owner"],
            [
                "(a) Name and Address of Employer; state whether occupancy is as owner, "
                "tenant, or otherwise, and if as tenant, whether as sole or joint tenant."
            ],
            "",
        ),
    ],
)
def test_did_you_mean_offers_only_the_plausible(
    wanted: list[str], typed: list[str], suggested: str
) -> None:
    assert did_you_mean(wanted, typed) == suggested


def test_a_revised_date_naming_no_day_replaces_a_due_date_that_has_passed(tmp_path: Path) -> None:
    # The Due date has passed, but the plan has since moved the target to "Autumn term":
    # the action is not overdue by the date it was moved from; it has no target date.
    moved = action_row({"Due date": dt.date(2026, 3, 31), "Revised due date": "Autumn term"})
    plan = write_plan(tmp_path / "plan.xlsx", [moved])
    checked = check_workbook(plan, load_rules(), AS_OF)
    rules_fired = {finding.rule for finding in checked.result.findings}
    assert "green-but-overdue" not in rules_fired and "no-date" in rules_fired
    assert checked.result.exit_code() == 0
    report = open_report(build_report(checked.plan, AS_OF, chart=False).to_bytes())
    undated = table_captioned(report, "Actions without a target date")
    assert column(undated, "Due date as written") == ["Autumn term"]
    assert not [t for t in report.tables if caption_of(t).startswith("Overdue actions")]
    # Beside a Revised due date that is a day, a Due date typed as text changes nothing.
    kept = action_row({"Due date": "Monthly", "Revised due date": dt.date(2026, 3, 31)})
    plan = write_plan(tmp_path / "kept.xlsx", [kept])
    assert "green-but-overdue" in {
        f.rule for f in check_workbook(plan, load_rules(), AS_OF).result.findings
    }


@given(st.dates(min_value=D(1, 1, 1)))
def test_an_iso_as_of_date_reads_as_the_text_date_reader_reads_it(day: dt.date) -> None:
    # parse_as_of reads the ISO form at once; it must agree with the full reader.
    typed = day.isoformat()
    assert parse_as_of(typed) == day == parse_date(typed, frozenset()).value


@pytest.mark.parametrize(
    ("typed", "says"),
    [("2026-02-31", "not a real date"), ("2026-13-01", "not a"), ("20261123", "not a date")],
)
def test_an_as_of_that_is_no_day_is_refused(typed: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_as_of(typed)


maybe_day = st.one_of(st.none(), st.dates())


@given(st.lists(st.tuples(maybe_day, maybe_day, st.booleans())))
def test_the_effective_due_date_of_a_column_is_each_rows_own(
    rows: list[tuple[dt.date | None, dt.date | None, bool]],
) -> None:
    # Validation works out the column at once; the plan asks row by row: one rule.
    due, revised = [row[0] for row in rows], [row[1] for row in rows]
    typed = {index for index, row in enumerate(rows) if row[2]}
    expected = [
        effective_due(old, new, typed_without_day=index in typed)[0]
        for index, (old, new) in enumerate(zip(due, revised, strict=True))
    ]
    assert effective_due_column(due, revised, typed) == expected
