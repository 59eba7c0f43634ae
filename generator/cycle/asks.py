"""Which leads to chase, for which actions, and what needs their attention on each.

Every lead with at least one open (not complete) action is asked about all of their open
actions. Each action carries the reasons it needs attention, judged by the plan itself
(overdue, due before the next meeting, stale) and by the rules (every finding on its row).
A lead's email address comes only from the plan: never guessed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address

from generator.common.matching import fold
from generator.common.ukdates import duration, uk_date
from generator.cycle.filenames import distinct_stems
from generator.deliver.mailer import distribution_addresses, make_address, parse_address
from generator.errors import SendError
from generator.findings import Finding
from generator.model.plan import Action, Plan, Recipient
from generator.pipeline import CheckedWorkbook
from generator.schema.fields import ACTIONS, LEAD_EMAIL
from generator.schema.rules import AS_OF, Rules


@dataclass(frozen=True)
class Ask:
    """One open action sent to its lead, and why it needs attention (if it does)."""

    action: Action
    index: int = 0  # the action's position in the plan's table (its row, on its sheet)
    overdue: bool = False
    due_soon: bool = False
    no_update: bool = False
    stale: bool = False
    reasons: tuple[str, ...] = ()


@dataclass
class LeadRequest:
    """Everything one lead is asked: their open actions, the file name, the address."""

    lead: str  # as the plan first spells it
    asks: list[Ask]
    stem: str = ""  # the lead's file name, without extension
    address: Address | None = None
    address_note: str = ""  # why there is no address, when there is none

    def count(self, what: str) -> int:
        """How many of the asks are ``overdue``, ``due_soon``, ``no_update`` or ``stale``."""
        return sum(1 for ask in self.asks if getattr(ask, what))


@dataclass
class Requests:
    """The whole chase: a request per lead, and the open actions nobody leads."""

    requests: list[LeadRequest]
    without_lead: list[str] = field(default_factory=list)  # Refs of open actions with no lead


def stale_after_days(rules: Rules) -> tuple[int, str] | None:
    """The rules' own idea of stale: the enabled rule comparing Last updated with the as-of
    date, as (days, rule id); None when the team has switched it off."""
    for row_rule in rules.row_rules:
        compare = row_rule.compare
        if (
            row_rule.rule.enabled
            and compare is not None
            and compare.column == ACTIONS.last_updated.name
            and compare.than == AS_OF
            and compare.op in ("<", "<=")
        ):
            return compare.minus_days, row_rule.rule.id
    return None


def gather_requests(checked: CheckedWorkbook, as_of: dt.date) -> Requests:
    """What to ask each lead, in the order leads first appear in the plan."""
    plan = checked.plan
    until = plan.lookahead_until(as_of)
    stale = stale_after_days(checked.rules)
    table = checked.workbook.actions
    findings_by_row = _findings_by_row(checked)
    has_progress = table.has(ACTIONS.progress_update.name)
    by_lead: dict[str, list[Ask]] = defaultdict(list)
    spelling: dict[str, str] = {}
    without_lead = []
    # The plan's actions are its table's rows, in order: the index places each one.
    for index, action in enumerate(plan.actions):
        if action.is_complete(plan.key):
            continue
        key = fold(action.lead)
        if not key:
            without_lead.append(action.ref or f"row {action.row}")
            continue
        spelling.setdefault(key, action.lead.strip())
        findings = findings_by_row[(table.sheet_at(index), action.row)]
        ask = _ask(action, plan, as_of, until, stale, has_progress, findings)
        by_lead[key].append(dataclasses.replace(ask, index=index))
    leads = list(by_lead)
    requests = [
        LeadRequest(lead=spelling[key], asks=by_lead[key], stem=stem)
        for key, stem in zip(leads, distinct_stems(spelling[key] for key in leads))
    ]
    typed = _typed_addresses(checked)
    for key, request in zip(leads, requests):
        request.address, request.address_note = lead_address(
            request.lead, plan.distribution, typed.get(key, [])
        )
    return Requests(requests=requests, without_lead=without_lead)


def _findings_by_row(checked: CheckedWorkbook) -> dict[tuple[str, int], list[Finding]]:
    """Findings by (sheet, row): a plan kept as a sheet per section repeats row numbers."""
    by_row: dict[tuple[str, int], list[Finding]] = defaultdict(list)
    for finding in checked.result.findings:
        if finding.row is not None:
            by_row[(finding.sheet, finding.row)].append(finding)
    return by_row


def _ask(
    action: Action,
    plan: Plan,
    as_of: dt.date,
    until: dt.date,
    stale: tuple[int, str] | None,
    has_progress: bool,
    findings: Sequence[Finding],
) -> Ask:
    reasons = []
    due = action.effective_due_date
    overdue = action.is_overdue(as_of, plan.key)
    due_soon = action.is_due_soon(as_of, until, plan.key)
    if overdue and due is not None:
        reasons.append(f"overdue: due {uk_date(due)}, {duration(action.days_overdue(as_of))} ago")
    elif due_soon and due is not None:
        reasons.append(f"due {uk_date(due)}, before {_meeting(plan, until)}")
    no_update = has_progress and not action.progress_update.strip()
    if no_update:
        reasons.append("no progress update")
    days, stale_rule = stale if stale is not None else (0, "")
    is_stale = stale is not None and action.is_stale(as_of, days)
    if is_stale and action.last_updated is not None:
        reasons.append(f"last updated {uk_date(action.last_updated)}, over {days} days ago")
    for finding in findings:
        if finding.rule != stale_rule:
            where = f"{finding.column}: " if finding.column else ""
            reasons.append(f"{where}{finding.message}")
    return Ask(
        action,
        overdue=overdue,
        due_soon=due_soon,
        no_update=no_update,
        stale=is_stale,
        reasons=tuple(reasons),
    )


def _meeting(plan: Plan, until: dt.date) -> str:
    if plan.report.next_meeting_date == until:
        return f"the next meeting on {uk_date(until)}"
    return f"{uk_date(until)} (six weeks ahead)"


def _typed_addresses(checked: CheckedWorkbook) -> dict[str, list[str]]:
    """Folded lead -> the addresses typed on their rows in the optional Lead email column."""
    parsed = checked.validated.sheets[ACTIONS.sheet].values
    emails, leads = parsed.get(LEAD_EMAIL.name), parsed.get(ACTIONS.lead.name)
    typed: dict[str, list[str]] = defaultdict(list)
    if emails is None or leads is None:
        return typed
    for lead, email in zip(leads, emails):
        if isinstance(lead, str) and isinstance(email, str) and email.strip():
            typed[fold(lead)].append(email.strip())
    return typed


def lead_address(
    lead: str, distribution: Sequence[Recipient], typed: Sequence[str] = ()
) -> tuple[Address | None, str]:
    """The lead's address, or None and the reason.

    An address typed on the lead's rows (the optional Lead email column) comes first; then
    the Distribution sheet, matched by name, folded ("J. O'Brien" is "J O'Brien"), and, as
    plans often name a lead by job title, by a Role held by exactly one person. Nothing
    looser: two candidates, or an address that is not valid, give no address, not a guess.
    """
    key = fold(lead)
    by_name = [r for r in distribution if fold(r.name) == key and r.email.strip()]
    by_role = [r for r in distribution if fold(r.role) == key and r.email.strip()]
    try:
        found = [parse_address(text, LEAD_EMAIL.name) for text in typed]
        if found:
            found = [make_address(_one_line(lead), a.addr_spec, LEAD_EMAIL.name) for a in found]
            where = f"the {LEAD_EMAIL.name} column"
        else:
            found, _ = distribution_addresses(by_name or by_role)
            where = "the Distribution sheet"
    except SendError as error:
        return None, str(error)
    if len({address.addr_spec.lower() for address in found}) > 1:
        return None, f"different addresses for them in {where}"
    if not found:
        return None, "not found in the Distribution sheet by name or role"
    return found[0], ""


def _one_line(text: str) -> str:
    return " ".join(text.split())
