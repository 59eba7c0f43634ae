"""Changes since the last report: matching, status moves, new and removed actions, trends."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from generator.common.matching import ref_key
from generator.model.changes import PlanChanges, StatusChange, compare_plans
from generator.model.plan import Action, Plan, Section
from generator.render.changes_section import changes_headline, describe_direction
from generator.schema.status import Status, StatusKey

KEY = StatusKey(
    (
        Status("Blue", "B", "completed", "0070C0", complete=True),
        Status("Green", "G", "on track", "00B050"),
        Status("Amber", "A", "some progress but slippage", "FFC000"),
        Status("Red", "R", "not progressed as planned", "FF0000"),
    )
)
SECTIONS = ["Leadership", "Practice", "Partnerships"]


def act(ref: str, status: str | None, section: str = "Leadership", **fields: object) -> Action:
    return Action(ref=ref, section=section, action=f"Do {ref}", status=status, **fields)  # type: ignore[arg-type]


def plan(*actions: Action, sections: list[str] | None = None) -> Plan:
    names = SECTIONS if sections is None else sections
    return Plan(actions=list(actions), sections=[Section(n) for n in names], key=KEY)


def moves(changes: PlanChanges) -> list[tuple[str, str | None, str | None, str]]:
    return [(c.ref, c.was, c.now, c.direction) for c in changes.status_changes]


def refs(actions: list[Action]) -> list[str]:
    return [a.ref for a in actions]


def trends(changes: PlanChanges) -> dict[str, tuple[int, int, str]]:
    return {
        t.section: (t.previous_total, t.current_total, t.direction) for t in changes.section_trends
    }


def test_status_changes_in_section_then_natural_ref_order() -> None:
    previous = plan(
        act("P-10", "Green", "Practice"),
        act("L-2", "Amber"),
        act("P-2", "Red", "Practice"),
        act("L-1", "Green"),
        act("L-3", "Red"),
    )
    current = plan(
        act("P-2", "Amber", "Practice"),
        act("P-10", "Blue", "Practice"),
        act("L-3", "Red"),
        act("L-2", "Red"),
        act("L-1", "Blue"),
    )
    changes = compare_plans(previous, current)
    assert moves(changes) == [
        ("L-1", "Green", "Blue", "better"),
        ("L-2", "Amber", "Red", "worse"),
        ("P-2", "Red", "Amber", "better"),
        ("P-10", "Green", "Blue", "better"),
    ]
    assert [c.ref for c in changes.completed] == ["L-1", "P-10"]
    assert changes.new_actions == [] and changes.removed_actions == []
    assert not changes.is_empty


def test_refs_match_ignoring_case_spaces_and_punctuation() -> None:
    changes = compare_plans(plan(act("qp 07", "Green")), plan(act("QP07 ", "Amber")))
    assert moves(changes) == [("QP07 ", "Green", "Amber", "worse")]
    assert changes.new_actions == [] and changes.removed_actions == []
    retyped = compare_plans(plan(act("QP-07", "Green")), plan(act("QP07", "Green")))
    assert retyped.new_actions == [] and retyped.removed_actions == []
    assert ref_key(" Qp 0-7\t") == "qp07"


def test_new_and_removed_actions() -> None:
    previous = plan(act("A1", "Green"), act("A2", "Red", "Practice"), act("A3", "Blue"))
    current = plan(act("A1", "Green"), act("B2", "Green", "Practice"), act("B1", "Amber"))
    changes = compare_plans(previous, current)
    assert refs(changes.new_actions) == ["B1", "B2"]  # Leadership before Practice
    assert refs(changes.removed_actions) == ["A3", "A2"]
    assert changes.status_changes == []


def test_duplicate_refs_match_the_first_row_only() -> None:
    previous = plan(act("D1", "Red"), act("D1", "Green"), act("E1", "Amber"))
    current = plan(act("d1", "Amber"), act("D1", "Blue"), act("E1", "Amber"), act("E1", "Red"))
    changes = compare_plans(previous, current)
    assert moves(changes) == [("d1", "Red", "Amber", "better")]
    assert changes.new_actions == [] and changes.removed_actions == []
    assert (changes.previous_unmatched, changes.current_unmatched) == (1, 2)


def test_actions_without_a_ref_are_neither_new_nor_removed() -> None:
    previous = plan(act("", "Red"), act("  ", "Amber"), act("K1", "Green"))
    current = plan(act("", "Blue"), act("K1", "Green"))
    changes = compare_plans(previous, current)
    assert changes.new_actions == [] and changes.removed_actions == []
    assert changes.status_changes == []
    assert (changes.previous_unmatched, changes.current_unmatched) == (2, 1)
    # They still count in the section's figures: one of two complete now, none of three before.
    trend = changes.section_trends[0]
    assert (trend.section, trend.previous_total, trend.current_total) == ("Leadership", 3, 2)
    assert trend.direction == "improving"
    assert not changes.is_empty


def test_renamed_section_keeps_its_match_and_its_trend() -> None:
    previous = plan(
        act("G1", "Amber", "Governance"),
        act("G2", "Red", "Governance"),
        sections=["Governance"],
    )
    current = plan(
        act("G1", "Blue", "Leadership and governance"),
        act("G2", "Red", "Leadership and governance"),
        sections=["Leadership and governance"],
    )
    changes = compare_plans(previous, current)
    assert moves(changes) == [("G1", "Amber", "Blue", "better")]
    assert changes.status_changes[0].section == "Leadership and governance"
    # The old name has no actions of its own left, so it gets no row.
    assert trends(changes) == {"Leadership and governance": (2, 2, "improving")}
    trend = changes.section_trends[0]
    assert trend.previous == {"Blue": 0, "Green": 0, "Amber": 1, "Red": 1}
    assert trend.current == {"Blue": 1, "Green": 0, "Amber": 0, "Red": 1}


def test_section_names_match_ignoring_case_and_spacing() -> None:
    previous = plan(act("S1", "Green", "practice "), act("S2", "Green", "Practice"))
    current = plan(act("S1", "Green", "Practice"), act("S2", "Amber", "PRACTICE"))
    changes = compare_plans(previous, current)
    assert trends(changes)["Practice"] == (2, 2, "worsening")
    assert [t.section for t in changes.section_trends] == SECTIONS


def test_trends_follow_current_sections_then_sections_only_in_previous() -> None:
    previous = plan(
        act("X1", "Red", "Old two"),
        act("X2", "Red", "Old one"),
        act("L1", "Green"),
        sections=["Old one", "Old two", "Leadership"],
    )
    current = plan(act("L1", "Green"), act("N1", "Green", "Brand new"), sections=["Leadership"])
    changes = compare_plans(previous, current)
    assert [t.section for t in changes.section_trends] == [
        "Leadership",
        "Brand new",
        "Old one",
        "Old two",
    ]
    # Nothing on one side means nothing to compare.
    assert trends(changes) == {
        "Leadership": (1, 1, "no change"),
        "Brand new": (0, 1, "no change"),
        "Old one": (1, 0, "no change"),
        "Old two": (1, 0, "no change"),
    }
    assert refs(changes.removed_actions) == ["X2", "X1"]  # in the previous plan's section order


def test_trend_direction_follows_the_average_status() -> None:
    base = [act("T1", "Blue"), act("T2", "Green"), act("T3", "Amber"), act("T4", "Red")]
    same_blue_less_risk = [act("T1", "Blue"), act("T2", "Green"), act("T3", "Green"), base[3]]
    fewer_blue = [act("T1", "Green"), *base[1:]]
    more_risk = [base[0], act("T2", "Amber"), *base[2:]]
    red_to_amber = [*base[:3], act("T4", "Amber")]
    # One more completed but two more Red: a board member would not call that improving.
    done_one_lost_two = [
        act("T1", "Blue"), act("T2", "Red"), act("T3", "Red"), act("T4", "Red"), act("T5", "Blue")
    ]  # fmt: skip
    green_to_amber_in_a_big_section = [*base, *[act(f"G{i}", "Green") for i in range(30)]]
    slightly_worse = [*base, *[act(f"G{i}", "Green") for i in range(29)], act("G29", "Amber")]

    def direction(before: list[Action], after: list[Action]) -> str:
        return compare_plans(plan(*before), plan(*after)).section_trends[0].direction

    assert direction(base, same_blue_less_risk) == "improving"
    assert direction(base, fewer_blue) == "worsening"
    assert direction(base, more_risk) == "worsening"
    assert direction(base, red_to_amber) == "improving"
    assert direction(base, done_one_lost_two) == "worsening"
    assert direction(green_to_amber_in_a_big_section, slightly_worse) == "no change"
    # Shares, not counts: 1 of 2 complete beats 1 of 4 complete.
    assert direction(base, [act("T1", "Blue"), act("T2", "Green")]) == "improving"


def test_missing_and_unknown_statuses_change_without_a_direction() -> None:
    previous = plan(act("N1", None), act("N2", "Green"), act("N3", None), act("N4", "Purple"))
    current = plan(act("N1", "Amber"), act("N2", None), act("N3", None), act("N4", "Red"))
    changes = compare_plans(previous, current)
    assert moves(changes) == [
        ("N1", None, "Amber", "same"),
        ("N2", "Green", None, "same"),
        ("N4", "Purple", "Red", "same"),
    ]
    trend = changes.section_trends[0]
    assert trend.previous_total == trend.current_total == 4  # counted in totals, not by status
    assert sum(trend.current.values()) == 2


def test_reopened_action_is_worse_and_not_completed() -> None:
    changes = compare_plans(plan(act("R1", "Blue")), plan(act("R1", "Amber")))
    assert moves(changes) == [("R1", "Blue", "Amber", "worse")]
    assert changes.completed == []


def test_direction_follows_the_key() -> None:
    assert StatusChange("Z1", "S", "a", "Red", "Blue", KEY).direction == "better"
    assert StatusChange("Z1", "S", "a", "Green", "Amber", KEY).direction == "worse"
    assert StatusChange("Z1", "S", "a", "Green", "Blue", KEY).completed


def test_complete_status_ranks_best_wherever_the_key_lists_it() -> None:
    key = StatusKey(
        (Status("Red", "R", "", "FF0000"), Status("Done", "D", "", "0070C0", complete=True))
    )
    assert StatusChange("Z1", "S", "a", "Red", "Done", key).direction == "better"


def test_redated_actions_moved_later_only() -> None:
    day = dt.date(2024, 4, 1)
    previous = plan(
        act("D1", "Green", due_date=day),
        act("D2", "Green", due_date=day),
        act("D3", "Green", due_date=day),
        act("D4", "Green", due_date=None),
    )
    current = plan(
        act("D1", "Green", due_date=day, revised_due_date=dt.date(2024, 6, 30)),
        act("D2", "Green", due_date=dt.date(2024, 3, 1)),
        act("D3", "Green", due_date=day),
        act("D4", "Green", due_date=day),
    )
    changes = compare_plans(previous, current)
    assert [(was.ref, now.effective_due_date) for was, now in changes.redated] == [
        ("D1", dt.date(2024, 6, 30))
    ]
    assert changes.status_changes == []
    assert not changes.is_empty


def test_empty_plans() -> None:
    changes = compare_plans(plan(sections=[]), plan(sections=[]))
    assert changes.is_empty
    assert changes.section_trends == []
    everything_new = compare_plans(plan(sections=[]), plan(act("A1", "Green")))
    assert refs(everything_new.new_actions) == ["A1"]
    assert trends(everything_new)["Leadership"] == (0, 1, "no change")
    assert [t.current_total for t in everything_new.section_trends] == [1, 0, 0]


def test_headline_counts_completions_moves_new_and_removed() -> None:
    previous = plan(
        *(act(f"C{i}", "Green") for i in range(4)), act("M1", "Green"), act("Gone", "Red")
    )
    current = plan(
        *(act(f"C{i}", "Blue") for i in range(4)),
        act("M1", "Amber"),
        act("New1", "Green"),
        act("New2", "Green"),
    )
    changes = compare_plans(previous, current)
    assert changes_headline(changes) == (
        "Since the last report, 4 actions have been completed, 1 has moved from Green to Amber, "
        "2 new actions have been added and 1 action has been removed."
    )


def test_headline_summarises_many_kinds_of_move() -> None:
    previous = plan(act("A", "Green"), act("B", "Amber"), act("C", "Red"), act("D", "Green"))
    current = plan(act("A", "Amber"), act("B", "Green"), act("C", "Amber"), act("D", "Red"))
    changes = compare_plans(previous, current)
    assert describe_direction(changes.status_changes) == (
        "2 actions have improved and 2 have got worse"
    )
    assert changes_headline(changes) == (
        "Since the last report, 2 actions have improved and 2 have got worse."
    )


def test_headline_when_nothing_changed() -> None:
    same = plan(act("A", "Green"))
    headline = changes_headline(compare_plans(same, same))
    assert headline.startswith("Since the last report, no action")
    assert describe_direction([]) == ""


# Property tests: small alphabets so that refs collide, repeat and vary in case and spacing.
_refs = st.sampled_from(["", " ", "A1", "a1", "A 1", "B2", "b2 ", "C3", "D4", "E5"])
_statuses = st.sampled_from([None, "Blue", "Green", "Amber", "Red", "Purple"])
_section_names = st.sampled_from(["", "Leadership", "leadership", "Practice", "Old"])
_dates = st.none() | st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2021, 1, 1))
_actions = st.builds(
    Action,
    ref=_refs,
    section=_section_names,
    action=st.just("Do it"),
    status=_statuses,
    due_date=_dates,
    revised_due_date=_dates,
)
_plans = st.builds(
    lambda actions, names: Plan(actions=actions, sections=[Section(n) for n in names], key=KEY),
    st.lists(_actions, max_size=12),
    st.lists(_section_names.filter(bool), max_size=3, unique=True),
)


def _shared_refs(previous: Plan, current: Plan) -> set[str]:
    def matchable(p: Plan) -> set[str]:
        return {ref_key(a.ref) for a in p.actions} - {""}

    return matchable(previous) & matchable(current)


@given(_plans)
def test_a_plan_compared_with_itself_has_no_changes(p: Plan) -> None:
    assert compare_plans(p, p).is_empty


@given(_plans, _plans)
def test_new_and_removed_swap_when_the_plans_do(previous: Plan, current: Plan) -> None:
    forward, backward = compare_plans(previous, current), compare_plans(current, previous)
    assert Counter(forward.new_actions) == Counter(backward.removed_actions)
    assert Counter(forward.removed_actions) == Counter(backward.new_actions)
    assert Counter((c.was, c.now) for c in forward.status_changes) == Counter(
        (c.now, c.was) for c in backward.status_changes
    )


@given(_plans, _plans)
def test_status_changes_never_outnumber_shared_refs(previous: Plan, current: Plan) -> None:
    changes = compare_plans(previous, current)
    shared = _shared_refs(previous, current)
    assert len(changes.status_changes) <= len(shared)
    assert {ref_key(c.ref) for c in changes.status_changes} <= shared
    assert not {ref_key(a.ref) for a in changes.new_actions} & shared
    total_now = sum(t.current_total for t in changes.section_trends)
    total_before = sum(t.previous_total for t in changes.section_trends)
    assert (total_before, total_now) == (len(previous.actions), len(current.actions))
