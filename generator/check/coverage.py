"""Recommendation coverage: do the actions answer every recommendation the plan lists?

With a Recommendations sheet, three things are worth a finding (their ids, severities and
words are in rules.yaml under ``coverage``):

- a recommendation no action names (at its Recommendation cell);
- an action naming a recommendation the sheet does not list (at the action's Recommendation
  cell, where the mistake is);
- a recommendation whose actions are all complete, none with any Evidence of impact (at its
  Recommendation cell): the board will ask how anyone knows it made a difference.

This module finds them; validate turns them into located findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from generator.common.recommendation_names import RecommendationNames
from generator.schema.fields import ACTIONS, RECOMMENDATIONS
from generator.schema.rules import Rules
from generator.schema.status import StatusKey


class ParsedTable(Protocol):
    """What coverage reads of a parsed sheet (validate's ParsedTable), named here rather
    than imported, since validate imports this module: no circle, even for type checkers."""

    values: dict[str, list[Any]]

    def __len__(self) -> int: ...

    def ref(self, index: int) -> str: ...

WITHOUT_ACTION = "recommendation-without-action"
UNKNOWN = "unknown-recommendation"
DONE_WITHOUT_IMPACT = "recommendation-done-without-impact"


@dataclass(frozen=True)
class Problem:
    """A coverage rule that fires at one row of one sheet."""

    sheet: str  # ACTIONS.sheet or RECOMMENDATIONS.sheet
    index: int  # the row's place in that sheet's parsed table
    column: str
    rule: str
    value: Any
    actions: int = 0  # how many actions answer the recommendation


def columns_needed(rules: Rules) -> dict[str, list[str]]:
    """The Actions columns the enabled coverage rules read, each with those rules' ids."""
    enabled = [rule_id for rule_id, rule in rules.coverage.items() if rule.enabled]
    needed = {ACTIONS.recommendation.name: enabled}
    if DONE_WITHOUT_IMPACT in enabled:
        needed[ACTIONS.evidence_of_impact.name] = [DONE_WITHOUT_IMPACT]
    return needed


def names_for(recommendations: ParsedTable) -> RecommendationNames:
    """The matcher for the Recommendations sheet's rows, in row order."""
    refs = recommendations.values.get(RECOMMENDATIONS.ref.name) or [None] * len(recommendations)
    texts = recommendations.values[RECOMMENDATIONS.text.name]
    return RecommendationNames([_text(ref) for ref in refs], [_text(text) for text in texts])


def coverage_problems(sheets: Mapping[str, ParsedTable], key: StatusKey) -> list[Problem]:
    """Every coverage problem, or none when there is no Recommendations sheet to cover (or
    no Recommendation column to answer it: validate warns about that column instead)."""
    listed = sheets.get(RECOMMENDATIONS.sheet)
    actions = sheets.get(ACTIONS.sheet)
    column = ACTIONS.recommendation.name
    if listed is None or actions is None or column not in actions.values:
        return []
    names = names_for(listed)
    answering: list[list[int]] = [[] for _ in range(len(listed))]
    problems: list[Problem] = []
    for index, cell in enumerate(actions.values[column]):
        named = names.named(_text(cell))
        if named is None:
            problems.append(Problem(ACTIONS.sheet, index, column, UNKNOWN, cell))
            continue
        for recommendation in named:
            answering[recommendation].append(index)
    statuses = actions.values.get(ACTIONS.status.name) or [None] * len(actions)
    # Without the column the rule cannot judge; validate warns that it was skipped.
    evidence = actions.values.get(ACTIONS.evidence_of_impact.name)
    text_column = RECOMMENDATIONS.text.name
    for index, rows in enumerate(answering):
        value = listed.values[text_column][index]
        if not rows:
            if value is not None or listed.ref(index):
                problems.append(
                    Problem(RECOMMENDATIONS.sheet, index, text_column, WITHOUT_ACTION, value)
                )
        elif (
            evidence is not None
            and all(key.is_complete(statuses[row]) for row in rows)
            and not any(_text(evidence[row]).strip() for row in rows)
        ):
            problems.append(
                Problem(
                    RECOMMENDATIONS.sheet,
                    index,
                    text_column,
                    DONE_WITHOUT_IMPACT,
                    value,
                    actions=len(rows),
                )
            )
    return problems


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))
