"""`boardpack inspect`: how a workbook was read, in one screen, and the aliases it needs.

A programme manager with a plan laid out their own way sees which sheet was taken and why,
each header as typed and the column it became (or why it was not read), the sections found
and their actions, every status spelling and date wording and what each became, and which
rules were skipped for want of a column. When the plan cannot be read, the same screen shows
the header that came closest and what it lacks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.check.validate import skipped_rules
from generator.common.a1 import column_letter
from generator.common.matching import fold
from generator.common.plurals import plural, word_for
from generator.common.ukdates import uk_date
from generator.errors import MissingColumns
from generator.model.coverage import RecommendationProgress, recommendation_coverage
from generator.pipeline import CheckedWorkbook, check_workbook
from generator.read.cells import is_blank, parse_date, parse_status, raw_text
from generator.read.headers import HeaderMatch, suggestions
from generator.read.workbook import Table
from generator.rules_copy import Aliases
from generator.schema.fields import ACTIONS, RECOMMENDATIONS
from generator.schema.rules import Rules

# A wording's shape: its digits alike, so "31/03/2027" and "30/04/2027" are one shape.
_DIGIT = re.compile(r"\d")
#: Most characters of a recommendation's text shown on its line.
_TEXT_SHOWN = 50
#: Most names listed on one line (recommendations without an action...) before "and N more".
_NAMES_SHOWN = 8
_HOW = {"name": "", "alias": "by an alias", "dated": "a header carrying a date"}


@dataclass
class Explanation:
    """How one workbook was read: the plan's table, and the checked workbook when it read."""

    path: Path
    rules: Rules
    table: Table | None
    checked: CheckedWorkbook | None = None
    problem: str = ""  # why the plan could not be read, when it could not
    lines: list[str] = field(default_factory=list)

    @property
    def read(self) -> bool:
        return self.checked is not None


def explain_workbook(path: Path, rules: Rules, as_of: dt.date, **options: Any) -> Explanation:
    """Read ``path`` as ``validate`` does and say how; a workbook that is not a plan at all
    (no sheet names any of its columns) raises, as ``validate`` does."""
    try:
        checked = check_workbook(path, rules, as_of, **options)
    except MissingColumns as error:
        if error.table is None:
            raise
        explanation = Explanation(path, rules, error.table, problem=str(error))
    else:
        explanation = Explanation(path, rules, checked.workbook.actions, checked)
    explanation.lines = _describe(explanation)
    return explanation


def _describe(ex: Explanation) -> list[str]:
    table = ex.table
    assert table is not None
    lines = [str(ex.path)]
    lines += _sheets(table)
    lines += _headers(table)
    if not ex.read:
        lines.append(f"Not read: {ex.problem.split(': ', 2)[-1]}")
        return lines
    lines += _sections(table, ex)
    lines += _recommendations(ex)
    lines += _statuses(table, ex)
    lines += _dates(table, ex.rules)
    skipped = skipped_rules(table, ex.rules)
    if skipped:
        lines.append("Rules skipped for want of a column:")
        lines += [f"  {column}: {', '.join(ids)}" for column, ids in skipped.items()]
    lines += _other_sheets(ex)
    return lines


def _sheets(table: Table) -> list[str]:
    if len(table.parts) > 1:
        names = ", ".join(f'"{part.sheet}"' for part in table.parts)
        return [f"Plan: {plural(len(table.parts), 'sheet')}, {table.found_by}: {names}"]
    why = f", chosen because {table.found_by}" if table.found_by else ""
    return [f'Plan: sheet "{table.sheet}", header row {table.header_row}{why}']


def _headers(table: Table) -> list[str]:
    width = max((len(r.typed) for r in table.readings), default=0)
    width = min(width, 40)
    lines = ["Headers:"]
    for reading in table.readings:
        typed = reading.typed if len(reading.typed) <= 40 else reading.typed[:39] + "…"
        where = f"  {column_letter(reading.column + 1):>3}  {typed:<{width}}  "
        if reading.became:
            how = _HOW[reading.how]
            lines.append(f"{where}→ {reading.became}" + (f" ({how})" if how else ""))
        else:
            lines.append(f"{where}not read: {reading.note}")
    if table.missing:
        match = HeaderMatch(row=table.header_row - 1, readings=table.readings)
        close = suggestions(table.spec, table.missing, match)
        missing = [
            f'{name} (did you mean "{close[name]}"?)' if name in close else name
            for name in table.missing
        ]
        lines.append(f"Missing: {', '.join(missing)}")
    return lines


def _sections(table: Table, ex: Explanation) -> list[str]:
    assert ex.checked is not None
    plan = ex.checked.plan
    source = table.derived.get(ACTIONS.section.name, f'its "{_header(table)}" column')
    groups = plan.actions_by_section()
    several = len(table.parts) > 1
    where = {
        heading.text: f'"{heading.sheet}"!{heading.cell}'
        if several and heading.cell
        else heading.cell or f'sheet "{heading.sheet}"'
        for heading in table.headings
    }
    lines = [f"Sections ({plural(len(groups), 'section')}, from {source}):"]
    entries = [
        f"  {name or '(no section)'}: {plural(len(actions), 'action')}"
        + (f" ({where[name]})" if name in where else "")
        for name, actions in groups.items()
    ]
    return lines + entries


def _recommendations(ex: Explanation) -> list[str]:
    """The recommendations read (the Recommendations sheet's, else the texts the actions
    name), each with how many actions answer it; then those no action answers, at their
    cell, and the actions naming one the sheet does not list."""
    assert ex.checked is not None
    coverage = recommendation_coverage(ex.checked.plan)
    if coverage is None:
        return []
    items = coverage.recommendations
    listed = ex.checked.workbook.tables.get(RECOMMENDATIONS.sheet)
    letter = ""
    if coverage.from_sheet and listed is not None:
        head = f'Recommendations ({len(items)}, from sheet "{listed.sheet}"):'
        letter = next(
            (
                column_letter(reading.column + 1)
                for reading in listed.readings
                if reading.became == RECOMMENDATIONS.text.name
            ),
            "",
        )
    else:
        column = ACTIONS.recommendation.name
        head = f'Recommendations ({len(items)}, named in the Actions\' "{column}" column):'
    entries = [
        f"  {_shortened(_recommendation_name(item))}: "
        + (plural(len(item.actions), "action") if item.actions else "no action")
        for item in items
    ]
    lines = [head, *entries]
    missing = coverage.without_action
    if missing:
        named = [
            (item.ref or f'"{_shortened(item.text)}"')
            + (f" ({letter}{item.row})" if letter and item.row else "")
            for item in missing
        ]
        lines.append(f"  Without an action: {_listed(named)}")
    if coverage.unmatched:
        named = [f'{a.ref} ("{a.recommendation.strip()}")' for a in coverage.unmatched]
        verb = word_for(len(named), "names", "name")
        lines.append(
            f"  {plural(len(named), 'action')} {verb} one the sheet does not list: "
            + _listed(named)
        )
    return lines


def _recommendation_name(item: RecommendationProgress) -> str:
    return f"{item.ref} {item.text}".strip() if item.ref else item.text


def _shortened(text: str) -> str:
    return text if len(text) <= _TEXT_SHOWN else text[: _TEXT_SHOWN - 1] + "…"


def _listed(names: list[str]) -> str:
    """Names on one line, the first _NAMES_SHOWN of them, then how many more."""
    more = len(names) - _NAMES_SHOWN
    return ", ".join(names[:_NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _header(table: Table) -> str:
    return table.headers.get(ACTIONS.section.name, ACTIONS.section.name)


def _statuses(table: Table, ex: Explanation) -> list[str]:
    column, rules = ACTIONS.status.name, ex.rules
    if column not in table.raw:
        return []
    counts = Counter(raw_text(value).strip() for value in table.raw[column] if not is_blank(value))
    assert ex.checked is not None
    parsed = ex.checked.validated.sheets[ACTIONS.sheet].values[column]
    empty = Counter(
        status for raw, status in zip(table.raw[column], parsed, strict=True) if is_blank(raw)
    )
    entries = []
    for typed, count in counts.most_common():
        status = parse_status(typed, rules.key).value
        if status is not None:
            became = status
        else:
            close = rules.key.suggest(typed)
            became = "not a status" + (f' (did you mean "{close}"?)' if close else "")
        entries.append(f'  "{typed}" → {became}: {plural(count, "action")}')
    for status, count in empty.most_common():
        became = f"{status}, from the cell's colour" if status else "no status"
        entries.append(f"  (empty) → {became}: {plural(count, 'action')}")
    return ["Statuses:", *entries] if entries else []


def _dates(table: Table, rules: Rules) -> list[str]:
    """Every date wording typed as text and what it became. Wordings of one shape that each
    became the day they name ("31/03/2027", "30/04/2027"...) share a line, so a plan whose
    date column was formatted as text still fits the screen; every other wording (no day,
    not a real date, unreadable) has a line of its own."""
    entries: list[str] = []
    real = 0
    for name, values in table.raw.items():
        if table.spec.columns[name].type != "date":
            continue
        typed = Counter(raw_text(v).strip() for v in values if isinstance(v, str) and v.strip())
        real += sum(1 for v in values if isinstance(v, dt.date))
        header = table.headers.get(name, name)
        days: dict[str, list[tuple[str, int, str]]] = {}
        for text, count in typed.most_common():
            parsed = parse_date(text, rules.no_date_words)
            if isinstance(parsed.value, dt.date):
                days.setdefault(_DIGIT.sub("9", text), []).append(
                    (text, count, uk_date(parsed.value))
                )
                continue
            if parsed.rule == "no-date":
                became = "no target date (never overdue)"
            elif parsed.rule == "impossible-date":
                became = "not a real date"
            else:
                became = "not a date boardpack can read"
            entries.append(f'  {header}: "{text}" → {became}{_times(count)}')
        for alike in days.values():
            text, count, day = alike[0]
            if len(alike) == 1:
                entries.append(f'  {header}: "{text}" → {day}{_times(count)}')
                continue
            cells = sum(count for _, count, _ in alike)
            entries.append(
                f'  {header}: "{text}" and {plural(len(alike) - 1, "other wording")} like it '
                f"({plural(cells, 'cell')}) → the day each names ({text} → {day})"
            )
    if not entries:
        return [f"Dates: {plural(real, 'cell')} typed as dates; none as text"] if real else []
    return [f"Dates: {plural(real, 'cell')} typed as dates; these typed as text:", *entries]


def _times(count: int) -> str:
    return f" ({count} times)" if count > 1 else ""


def _other_sheets(ex: Explanation) -> list[str]:
    assert ex.checked is not None
    workbook = ex.checked.workbook
    found, absent = [], []
    for name in ex.rules.sheets:
        if name == ACTIONS.sheet:
            continue
        table = workbook.tables.get(name)
        if table is not None:
            found.append(f'{name} from "{table.sheet}"' if table.sheet != name else name)
        elif name not in {sheet for sheet in workbook.ignored}:
            absent.append(name)
    lines = []
    if found:
        lines.append(f"Other sheets read: {', '.join(found)}")
    for sheet, missing in workbook.ignored.items():
        lines.append(f'Left out: sheet "{sheet}", which has no {missing} column')
    if absent:
        lines.append(f"Not in the workbook (optional): {', '.join(absent)}")
    return lines


def aliases_needed(ex: Explanation) -> Aliases:
    """The aliases that would make the rules say explicitly how this workbook is read: the
    plan's sheet when found by what it holds, headers carrying a date, headers that plausibly
    mean a missing column, and statuses that plausibly mean one in the key."""
    table = ex.table
    aliases = Aliases()
    if table is None:
        return aliases
    named = fold(table.sheet) in {fold(name) for name in (table.spec.name, *table.spec.aliases)}
    if len(table.parts) <= 1 and not named:
        aliases.sheet.append(table.sheet)
    for reading in table.readings:
        if reading.became and reading.how == "dated":
            aliases.columns.setdefault(reading.became, []).append(reading.typed)
    if table.missing:
        match = HeaderMatch(row=table.header_row - 1, readings=table.readings)
        for name, typed in suggestions(table.spec, table.missing, match).items():
            aliases.columns.setdefault(name, []).append(typed)
    status_column = ACTIONS.status.name
    for value in dict.fromkeys(table.raw.get(status_column, [])):
        if is_blank(value) or parse_status(value, ex.rules.key).value is not None:
            continue
        close = ex.rules.key.suggest(raw_text(value))
        if close:
            aliases.statuses.setdefault(close, []).append(raw_text(value).strip())
    return aliases
