"""Progress against each recommendation: its actions, their statuses, leads and evidence.

The recommendations are the Recommendations sheet's rows when the workbook has one, each
with the actions that name it (see ``common.recommendation_names``). Without the sheet they
are the distinct texts of the Actions sheet's Recommendation column, in the order first met.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.common.matching import fold
from generator.common.recommendation_names import RecommendationNames
from generator.model.changes import status_rank
from generator.model.plan import Action, Plan


@dataclass(frozen=True)
class RecommendationProgress:
    """One recommendation and the actions that answer it."""

    ref: str
    text: str
    source: str
    leads: tuple[str, ...]  # the Recommendations sheet's lead, else its actions' leads
    actions: tuple[Action, ...]
    counts: dict[str, int]  # per status name, in key order
    worst: str | None  # the worst status among its actions (None: no action has one)
    row: int = 0  # the Recommendations sheet's row; 0 when not from the sheet

    @property
    def evidence(self) -> list[tuple[Action, str]]:
        """Each action's Evidence of impact, where it gives any."""
        return [
            (a, a.evidence_of_impact.strip()) for a in self.actions if a.evidence_of_impact.strip()
        ]


@dataclass(frozen=True)
class Coverage:
    """Every recommendation's progress, and the actions that name none of those listed."""

    recommendations: list[RecommendationProgress]
    unmatched: list[Action]  # naming a recommendation the sheet does not list
    from_sheet: bool  # the Recommendations sheet's list (else the Actions sheet's texts)

    @property
    def without_action(self) -> list[RecommendationProgress]:
        return [item for item in self.recommendations if not item.actions]


def recommendation_coverage(plan: Plan) -> Coverage | None:
    """The plan's recommendations and their progress; None when it names none at all."""
    if plan.recommendations:
        names = RecommendationNames(
            [item.ref for item in plan.recommendations],
            [item.text for item in plan.recommendations],
        )
        answering: list[list[Action]] = [[] for _ in plan.recommendations]
        unmatched = []
        for action in plan.actions:
            named = names.named(action.recommendation)
            if named is None:
                unmatched.append(action)
            for index in named or ():
                answering[index].append(action)
        return Coverage(
            [
                _progress(plan, item.ref, item.text, item.source, item.lead, actions, item.row)
                for item, actions in zip(plan.recommendations, answering, strict=True)
            ],
            unmatched,
            from_sheet=True,
        )
    grouped: dict[str, list[Action]] = {}
    spelling: dict[str, str] = {}
    for action in plan.actions:
        key = fold(action.recommendation)
        if key:
            spelling.setdefault(key, action.recommendation.strip())
            grouped.setdefault(key, []).append(action)
    if not grouped:
        return None
    return Coverage(
        [_progress(plan, "", spelling[key], "", "", actions) for key, actions in grouped.items()],
        [],
        from_sheet=False,
    )


def _progress(
    plan: Plan,
    ref: str,
    text: str,
    source: str,
    lead: str,
    actions: Sequence[Action],
    row: int = 0,
) -> RecommendationProgress:
    counts = plan.status_counts(actions)
    ranked = [(status_rank(a.status, plan.key), a.status) for a in actions]
    known = [(rank, status) for rank, status in ranked if rank is not None]
    leads = (lead.strip(),) if lead.strip() else _distinct(a.lead for a in actions)
    return RecommendationProgress(
        ref=ref.strip(),
        text=text.strip(),
        source=source.strip(),
        leads=leads,
        actions=tuple(actions),
        counts=counts,
        worst=max(known)[1] if known else None,
        row=row,
    )


def _distinct(texts: Iterable[str]) -> tuple[str, ...]:
    """Texts as first spelt, each once (case and spacing aside), empty ones left out."""
    found: dict[str, str] = {}
    for text in texts:
        if text.strip():
            found.setdefault(fold(text), text.strip())
    return tuple(found.values())
