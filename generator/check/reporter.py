"""The one place a Finding is made: a located problem, in the words of its rule.

Validation reports every cell, sheet and file it finds a problem in through a
:class:`Reporter`; so does collect, for each returned value it refuses. The message comes
from the rule's template (``{value}``, ``{column}`` and the like filled in), the value is
shown as found, and a switched-off rule makes no finding, wherever it is reported from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Protocol

from generator.common.ukdates import uk_date
from generator.findings import Finding
from generator.read.cells import raw_text
from generator.read.workbook import Table
from generator.schema.rules import Rule


class ParsedTable(Protocol):
    """What the reporter reads of a parsed sheet (validate's ParsedTable), named here rather
    than imported, since validate imports this module: no circle, even for type checkers."""

    table: Table

    def ref(self, index: int) -> str: ...

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: Longest value quoted in a message; a 30,000-character cell is cut short.
MAX_SHOWN = 200


def shown(value: Any) -> str:
    """A value as a message shows it: UK dates, "empty" for nothing, long text cut short."""
    if value is None or value == "":
        return "empty"
    if isinstance(value, dt.date):
        return uk_date(value)
    text = raw_text(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def finding_value(value: Any) -> str:
    """The value a finding reports: as found (ISO for dates), long text cut short."""
    if value is None:
        return ""
    text = raw_text(value)
    return text if len(text) <= 2 * MAX_SHOWN else text[: 2 * MAX_SHOWN - 1] + "…"


def render_message(template: str, fields: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders; unknown ones stay as typed, nothing else is evaluated."""
    return _PLACEHOLDER.sub(
        lambda match: str(fields[match[1]]) if match[1] in fields else match[0], template
    )


class Reporter:
    """Makes every finding about one file into ``findings`` (a new list unless given)."""

    def __init__(self, file: str, findings: list[Finding] | None = None) -> None:
        self.file = file
        self.findings: list[Finding] = [] if findings is None else findings

    def at(
        self,
        rule: Rule,
        words: Mapping[str, Any],
        *,
        sheet: str = "",
        cell: str = "",
        row: int | None = None,
        column: str = "",
        ref: str = "",
        value: Any = None,
    ) -> None:
        """Record a finding for ``rule`` at the place given (all empty: the whole file),
        its message the rule's template filled in from ``words``; ``value`` is what was
        found there."""
        if not rule.enabled:
            return
        self.findings.append(
            Finding(
                file=self.file,
                sheet=sheet,
                cell=cell,
                row=row,
                column=column,
                ref=ref,
                rule=rule.id,
                severity=rule.severity,
                message=render_message(rule.message, words),
                value=finding_value(value),
            )
        )

    def cell(
        self,
        parsed: ParsedTable,
        rule: Rule,
        index: int | None,
        where_column: str,
        value: Any,
        *,
        label: str = "",
        **extra: Any,
    ) -> None:
        """Record a finding for ``rule`` at ``where_column`` of row ``index`` (None: sheet).

        ``label`` names the column in the finding when the header would not say enough (a
        Report sheet Value is named by its Field).
        """
        if not rule.enabled:
            return
        table = parsed.table
        ref = parsed.ref(index) if index is not None else ""
        header = label or table.headers.get(where_column, where_column)
        words = {
            "value": shown(value),
            "column": header,
            "ref": ref,
            **{key: shown(item) if key == "other" else item for key, item in extra.items()},
        }
        self.at(
            rule,
            words,
            sheet=table.sheet_at(index),
            cell=table.cell_at(where_column, index)
            if index is not None and table.has(where_column)
            else "",
            row=table.row_numbers[index] if index is not None else None,
            column=header if where_column else "",
            ref=ref,
            value=value,
        )

    def sheet(self, rule: Rule, sheet: str, **fields: str) -> None:
        """Record a finding for ``rule`` about a whole sheet that has no table to point into."""
        self.at(rule, fields, sheet=sheet)
