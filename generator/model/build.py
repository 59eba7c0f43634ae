"""The plan from checked values: actions, sections, measures, recipients and report fields.

Validation hands over each sheet's parsed values; this builds the plain ``Plan`` the report
and the mailer are made from. Nothing here reads a file or writes a document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from generator.check.validate import ParsedRow, Validated
from generator.common.matching import fold
from generator.findings import Finding
from generator.model.plan import Action, Measure, Plan, Recipient, ReportFields, Section
from generator.read.cells import Parsed, parse_date, raw_text
from generator.read.workbook import Workbook
from generator.schema.rules import Rules

# Field names people use on the Report sheet, folded, for each ReportFields attribute.
_REPORT_FIELDS = {
    "organisation": ("Organisation", "Organization", "Council", "Authority", "Body"),
    "meeting": ("Meeting", "Committee", "Board", "Meeting name"),
    "meeting_date": ("Meeting date", "Date of meeting", "Date", "Board date"),
    "title": ("Title", "Report title", "Subject"),
    "report_of": ("Report of", "Report from", "Report by"),
    "author": ("Author", "Report author", "Written by"),
    "contact": ("Contact", "Contact officer", "Contact details"),
    "classification": ("Classification", "Security classification", "Marking"),
    "wards": ("Wards", "Wards affected", "Ward(s) affected", "Ward"),
    "summary": ("Summary", "Purpose", "Executive summary"),
    "recommendations": ("Recommendations", "Recommendation"),
    "next_steps": ("Next steps", "Next step"),
    "next_meeting_date": ("Next meeting date", "Next meeting", "Date of next meeting"),
}
_FIELD_BY_NAME = {fold(name): attr for attr, names in _REPORT_FIELDS.items() for name in names}
_DATE_FIELDS = ("meeting_date", "next_meeting_date")
_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-z][.)]|[-•*–·])\s+", re.IGNORECASE)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else raw_text(value))


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def build_plan(validated: Validated, rules: Rules, report: ReportFields) -> Plan:
    """The Plan from parsed rows; sections named as the Sections sheet spells them."""
    sections = [
        Section(
            name=_text(row.values.get("Section")),
            lead=_text(row.values.get("Lead")),
            commentary=_text(row.values.get("Commentary")),
        )
        for row in validated.rows("Sections")
        if row.values.get("Section")
    ]
    spelling = {fold(section.name): section.name for section in sections}
    actions = [_action(row, spelling) for row in validated.rows("Actions")]
    measures = [_measure(row) for row in validated.rows("Measures")]
    recipients = [
        Recipient(
            name=_text(row.values.get("Name")),
            email=_text(row.values.get("Email")),
            role=_text(row.values.get("Role")),
        )
        for row in validated.rows("Distribution")
        # A name with no email is kept, so the sender can be told who was left out.
        if row.values.get("Email") or row.values.get("Name")
    ]
    return Plan(
        actions=actions,
        sections=_unique_sections(sections),
        key=rules.key,
        report=report,
        measures=[measure for measure in measures if measure.name],
        distribution=recipients,
    )


def _unique_sections(sections: Iterable[Section]) -> list[Section]:
    seen: set[str] = set()
    unique = []
    for section in sections:
        if fold(section.name) not in seen:
            seen.add(fold(section.name))
            unique.append(section)
    return unique


def _action(row: ParsedRow, section_spelling: dict[str, str]) -> Action:
    values = row.values
    section = _text(values.get("Section"))
    no_date = (
        row.notes.get("Due date") == "no-date" or row.notes.get("Revised due date") == "no-date"
    )
    return Action(
        ref=_text(values.get("Ref")),
        section=section_spelling.get(fold(section), section),
        action=_text(values.get("Action")),
        lead=_text(values.get("Lead")),
        recommendation=_text(values.get("Recommendation")),
        partners=_text(values.get("Partners")),
        start_date=_date(values.get("Start date")),
        due_date=_date(values.get("Due date")),
        revised_due_date=_date(values.get("Revised due date")),
        completed_date=_date(values.get("Completed date")),
        status=values.get("Status") if isinstance(values.get("Status"), str) else None,
        progress_update=_text(values.get("Progress update")),
        evidence_of_impact=_text(values.get("Evidence of impact")),
        last_updated=_date(values.get("Last updated")),
        row=row.row,
        no_date_reason=_text(row.raw.get("Due date")).strip() if no_date else "",
    )


def _measure(row: ParsedRow) -> Measure:
    values = row.values
    better = _text(values.get("Better")).strip().lower()
    return Measure(
        name=_text(values.get("Measure")),
        section=_text(values.get("Section")),
        unit=_text(values.get("Unit")),
        target=values.get("Target"),
        previous=values.get("Previous"),
        current=values.get("Current"),
        better="lower" if better.startswith("lower") else "higher",
        commentary=_text(values.get("Commentary")),
    )


def split_recommendations(text: str) -> list[str]:
    """One recommendation per line, with any typed numbering ("1)", "a.", "•") removed."""
    items = []
    for line in text.splitlines():
        item = _NUMBERING.sub("", line).strip()
        if item:
            items.append(item)
    return items


def read_report_fields(
    validated: Validated, workbook: Workbook, rules: Rules, label: str
) -> tuple[ReportFields, list[Finding]]:
    """The Report sheet's Field/Value pairs; unreadable dates become findings."""
    rows = validated.rows("Report")
    if not rows:
        return ReportFields(), []
    table = workbook.tables["Report"]
    values: dict[str, Any] = {}
    recommendations: list[str] = []
    findings: list[Finding] = []
    for row in rows:
        attr = _FIELD_BY_NAME.get(fold(_text(row.values.get("Field"))))
        if attr is None:
            continue
        raw = row.raw.get("Value")
        if attr in _DATE_FIELDS:
            parsed: Parsed = parse_date(raw, rules.no_date_words)
            if parsed.rule in ("impossible-date", "not-a-date", "error-value"):
                rule = rules.reading[parsed.rule]
                if rule.enabled:
                    findings.append(
                        Finding(
                            file=label,
                            sheet=table.sheet,
                            cell=table.cell("Value", row.row),
                            row=row.row,
                            column=_text(row.values.get("Field")),
                            ref="",
                            rule=rule.id,
                            severity=rule.severity,
                            message=rule.message.replace("{value}", raw_text(raw)),
                            value=raw_text(raw),
                        )
                    )
            values.setdefault(attr, parsed.value)
        elif attr == "recommendations":
            recommendations.extend(split_recommendations(_text(row.values.get("Value"))))
        else:
            values.setdefault(attr, _text(row.values.get("Value")))
    return ReportFields(**values, recommendations=tuple(recommendations)), findings
