"""The plan's fields and the sheets and columns they are read from: the one binding.

rules.yaml names the sheets and columns, and gives them aliases, checks and severities. This
module says which of them the plan is built from: Action.lead is the Actions sheet's "Lead"
column, a Section's commentary is the Sections sheet's "Commentary" column, and so on. Every
other module asks these tables for a column's name (``ACTIONS.lead.name``) rather than typing
"Lead" itself, and the rules loader refuses a rules file that drops or retypes a column named
here (renaming ``Lead:`` to ``Owner:`` would otherwise leave every lead empty, silently).

The Report sheet is different: it holds Field/Value pairs, and the Field names people use for
each of the report's fields are listed in rules.yaml under ``report_fields``. Adding one is a
line there and a field on ``ReportFields`` below.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple


class Column(NamedTuple):
    """A column the plan reads: its name in rules.yaml and the type its values must have."""

    name: str
    type: str = "text"  # text, date, status or number, as in rules.yaml


class _Binding:
    """A sheet and the column behind each of the plan's fields read from it.

    Plain classes with class attributes, not dataclasses: these are constants, and building
    dataclasses costs milliseconds at every start of the command line.
    """

    sheet: str

    def columns(self) -> tuple[tuple[str, Column], ...]:
        """(plan field, column) for every bound column, in declaration order."""
        binding = type(self)
        found = _BOUND.get(binding)
        if found is None:
            # Worked out once per sheet: the plan asks for every row it builds, and a report
            # with a dozen earlier boards builds tens of thousands of rows.
            items = vars(binding).items()
            found = _BOUND[binding] = tuple(
                (name, value) for name, value in items if isinstance(value, Column)
            )
        return found

    def column_names(self) -> list[str]:
        return [column.name for _, column in self.columns()]


#: Each binding's columns, worked out on first use (see _Binding.columns).
_BOUND: dict[type[_Binding], tuple[tuple[str, Column], ...]] = {}


class ActionsSheet(_Binding):
    """Each field of an Action and the Actions column it comes from."""

    sheet = "Actions"
    ref = Column("Ref")
    section = Column("Section")
    recommendation = Column("Recommendation")
    action = Column("Action")
    lead = Column("Lead")
    partners = Column("Partners")
    start_date = Column("Start date", "date")
    due_date = Column("Due date", "date")
    revised_due_date = Column("Revised due date", "date")
    completed_date = Column("Completed date", "date")
    status = Column("Status", "status")
    progress_update = Column("Progress update")
    evidence_of_impact = Column("Evidence of impact")
    last_updated = Column("Last updated", "date")


class SectionsSheet(_Binding):
    sheet = "Sections"
    name = Column("Section")
    lead = Column("Lead")
    commentary = Column("Commentary")


class MeasuresSheet(_Binding):
    sheet = "Measures"
    name = Column("Measure")
    section = Column("Section")
    unit = Column("Unit")
    target = Column("Target", "number")
    previous = Column("Previous", "number")
    current = Column("Current", "number")
    better = Column("Better")
    commentary = Column("Commentary")


class DistributionSheet(_Binding):
    sheet = "Distribution"
    name = Column("Name")
    email = Column("Email")
    role = Column("Role")


class RecommendationsSheet(_Binding):
    """What the inspectors or peer reviewers asked for; an action names one in the Actions
    sheet's Recommendation column, by its Ref or by its text."""

    sheet = "Recommendations"
    ref = Column("Ref")
    text = Column("Recommendation")
    source = Column("Source")
    lead = Column("Lead")


class ReportSheet(_Binding):
    """Field/Value pairs; which Field names mean what is in rules.yaml (``report_fields``)."""

    sheet = "Report"
    field = Column("Field")
    value = Column("Value")


ACTIONS = ActionsSheet()
#: An optional Actions column that only chase reads: a lead's address, for plans whose
#: Distribution sheet does not list every lead. Not bound, so a rules file may leave it out.
LEAD_EMAIL = Column("Lead email")
SECTIONS = SectionsSheet()
MEASURES = MeasuresSheet()
DISTRIBUTION = DistributionSheet()
RECOMMENDATIONS = RecommendationsSheet()
REPORT = ReportSheet()
#: Every sheet the plan reads, in the order a blank workbook lists them.
BINDINGS: tuple[_Binding, ...] = (
    ACTIONS,
    SECTIONS,
    RECOMMENDATIONS,
    REPORT,
    MEASURES,
    DISTRIBUTION,
)


@dataclass(frozen=True)
class ReportFields:
    """The Report sheet's Field/Value pairs, as typed by the programme manager.

    A field's type says how its Value is read: a date field (``dt.date | None``) as a date,
    a tuple as one item per row or per line, anything else as text. The Field names that
    mean each one are in rules.yaml under ``report_fields``.
    """

    # In committee order (seeds 001 and 003), which is also the blank workbook's order.
    organisation: str = ""
    meeting: str = ""
    agenda_item: str = ""
    meeting_date: dt.date | None = None
    title: str = ""
    report_of: str = ""
    portfolio_holder: str = ""
    author: str = ""
    contact: str = ""
    classification: str = ""
    access: str = ""  # "Public" or "Exempt"
    exempt_paragraph: str = ""  # of Part 1 of Schedule 12A to the Local Government Act 1972
    key_decision: str = ""
    wards: str = ""
    purpose: str = ""
    summary: str = ""
    recommendations: tuple[str, ...] = ()
    background: str = ""
    key_issues: str = ""
    options: str = ""
    consultation: str = ""
    financial_implications: str = ""
    financial_officer: str = ""
    financial_date: dt.date | None = None
    legal_implications: str = ""
    legal_officer: str = ""
    legal_date: dt.date | None = None
    equalities_implications: str = ""
    equalities_officer: str = ""
    equalities_date: dt.date | None = None
    risk_implications: str = ""
    risk_officer: str = ""
    risk_date: dt.date | None = None
    next_steps: str = ""
    next_meeting_date: dt.date | None = None
    background_papers: tuple[str, ...] = ()
    appendices: tuple[str, ...] = ()


def report_field_kinds() -> dict[str, str]:
    """Each ReportFields field and how its Value is read: "date", "list" or "text"."""
    kinds = {}
    for item in dataclasses.fields(ReportFields):
        default = item.default
        if isinstance(default, tuple):
            kinds[item.name] = "list"
        elif "date" in str(item.type):
            kinds[item.name] = "date"
        else:
            kinds[item.name] = "text"
    return kinds
