"""Progress against the recommendations: each one's actions, statuses, lead and evidence."""

from __future__ import annotations

from collections.abc import Sequence

from generator.common.plurals import plural, word_for
from generator.model.coverage import Coverage, RecommendationProgress, recommendation_coverage
from generator.render.context import Context
from generator.render.tables import (
    REF_CM,
    STATUS_CM,
    TEXT_CM,
    Band,
    Cell,
    Column,
    Styled,
    readable_text_colour,
)

#: Refs of a recommendation's actions named in its cell; beyond this, "and N more".
_REFS_SHOWN = 12
NO_ACTION = "No action"
#: Wide enough for a count, or "Amber" in 9 pt bold.
_COUNT_CM = STATUS_CM


def progress_against_recommendations(ctx: Context) -> None:
    """The section, when the plan lists or names any recommendation."""
    coverage = recommendation_coverage(ctx.plan)
    if coverage is None:
        return
    items = coverage.recommendations
    ctx.heading("Progress against the recommendations")
    if coverage.from_sheet:
        ctx.numbered(
            f"The plan answers {plural(len(items), 'recommendation')}. For each, the table "
            "shows the actions that answer it, how many have each status and the worst of them."
        )
    else:
        ctx.numbered(
            f"The actions name {plural(len(items), 'recommendation')} in their Recommendation "
            "column (the workbook has no Recommendations sheet listing them). For each, the "
            "table shows its actions, how many have each status and the worst of them."
        )
    missing = coverage.without_action
    if missing:
        ctx.numbered(
            f"{plural(len(missing), 'recommendation')} {word_for(len(missing), 'has', 'have')} "
            f"no action yet: {_names(ctx, missing)}."
        )
    elif coverage.from_sheet:
        ctx.numbered("Every recommendation has at least one action.")
    _table(ctx, items)
    _unmatched(ctx, coverage)
    _evidence(ctx, items)


def _table(ctx: Context, items: Sequence[RecommendationProgress]) -> None:
    key = ctx.plan.key
    columns = [
        Column("Recommendation", 4.0, minimum_cm=TEXT_CM),
        Column("Lead", 1.5, minimum_cm=TEXT_CM),
        Column("Actions", 0, "center", minimum_cm=_COUNT_CM + 0.15),
        *(
            Column(
                Styled(status.name, status.colour, readable_text_colour(status), bold=True),
                0,
                "center",
                minimum_cm=_COUNT_CM,
            )
            for status in key.statuses
        ),
        Column("Worst status", 0, "center", minimum_cm=_COUNT_CM + 0.15),
    ]

    def row(item: RecommendationProgress) -> list[Cell]:
        worst: Cell = ctx.status(item.worst) if item.worst else Styled(NO_ACTION, bold=True)
        if item.actions and item.worst is None:
            worst = "No status"
        return [
            _described(ctx, item),
            "\n".join(ctx.clean(lead) for lead in item.leads),
            f"{len(item.actions):,}",
            *(f"{item.counts.get(status.name, 0):,}" for status in key.statuses),
            worst,
        ]

    # The source (the inspection, the peer review) heads its recommendations once.
    groups: dict[str, list[RecommendationProgress]] = {}
    for item in items:
        groups.setdefault(item.source, []).append(item)
    banded = len(groups) > 1 or "" not in groups
    rows: list[Sequence[Cell] | Band] = []
    for source, members in groups.items():
        if banded:
            named = ctx.clean(source)
            rows.append(Band(f"From the {named}" if named else "Source not given"))
        rows.extend(row(item) for item in members)
    ctx.table(columns, rows, caption="Progress against the recommendations")
    ctx.paragraph()


def _described(ctx: Context, item: RecommendationProgress) -> str:
    """The recommendation, then its actions' Refs on a line of their own."""
    lines = [_name(ctx, item)]
    refs = [ctx.clean(action.ref) for action in item.actions]
    refs = [ref for ref in refs if ref]
    if refs:
        shown = ", ".join(refs[:_REFS_SHOWN])
        more = len(refs) - _REFS_SHOWN
        lines.append(f"Actions: {shown}" + (f" and {more:,} more" if more > 0 else ""))
    return "\n".join(lines)


def _name(ctx: Context, item: RecommendationProgress) -> str:
    """ "R1 Improve the quality of assessments", or the text alone when it has no Ref."""
    text = ctx.clean(item.text)
    ref = ctx.clean(item.ref)
    return f"{ref} {text}".strip() if ref else text


def _names(ctx: Context, items: Sequence[RecommendationProgress]) -> str:
    """Recommendations named in a sentence, each without a full stop of its own."""
    return "; ".join(_name(ctx, item).rstrip(".") for item in items)


def _unmatched(ctx: Context, coverage: Coverage) -> None:
    if not coverage.unmatched:
        return
    named = [
        f"{ctx.clean(a.ref)} (\u201c{ctx.clean(a.recommendation)}\u201d)"
        for a in coverage.unmatched
    ]
    count = len(named)
    ctx.numbered(
        f"{plural(count, 'action')} {word_for(count, 'names', 'name')} a recommendation the "
        f"Recommendations sheet does not list, so {word_for(count, 'it is', 'they are')} not "
        f"counted above: {', '.join(named)}."
    )


def _evidence(ctx: Context, items: Sequence[RecommendationProgress]) -> None:
    """Each recommendation's evidence of impact, from its actions; the complete ones without
    any are named."""
    rows: list[Sequence[Cell] | Band] = []
    for item in items:
        given = item.evidence
        if not given:
            continue
        rows.append(Band(_name(ctx, item)))
        rows.extend(
            [
                ctx.clean(action.ref),
                ctx.clean(text),
            ]
            for action, text in given
        )
    ctx.heading("Evidence of impact", 2)
    if rows:
        ctx.numbered("What the actions' leads give as evidence of impact, by recommendation.")
        ctx.table(
            [
                Column("Ref", 0, minimum_cm=REF_CM),
                Column("Evidence of impact", 1.0, minimum_cm=TEXT_CM),
            ],
            rows,
            caption="Evidence of impact by recommendation",
        )
        ctx.paragraph()
    else:
        ctx.numbered("No action gives any evidence of impact yet.")
    key = ctx.plan.key
    done_without = [
        item
        for item in items
        if item.actions
        and all(key.is_complete(action.status) for action in item.actions)
        and not item.evidence
    ]
    if done_without:
        ctx.numbered(
            "Every action is complete but no evidence of impact is given for: "
            f"{_names(ctx, done_without)}."
        )
