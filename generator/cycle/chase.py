"""The chase job: one workbook and one draft email per lead with open actions.

The plan is checked first (its findings mark the rows they are about); then, for each lead,
``DIR/<lead>.xlsx`` holds their open actions and ``DIR/<lead>.eml`` is an unsent draft to
them with it attached. Nothing is sent unless asked; sending goes through the mailer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from generator.common.atomic import refuse_overwriting_input, write_bytes_atomically
from generator.common.progress import NO_PROGRESS, Progress
from generator.common.ukdates import plural, uk_date
from generator.cycle.asks import LeadRequest, Requests, gather_requests
from generator.cycle.lead_workbook import Column, LeadWorkbooks, Letter
from generator.cycle.request_email import request_message
from generator.cycle.values import fingerprint, value_of
from generator.deliver.mailer import (
    MIME_TYPES,
    Attachment,
    DeliveryUncertain,
    RecipientsRefused,
    SendReport,
    SmtpSettings,
    parse_address,
    send_message,
    write_eml,
)
from generator.errors import OutputError, SendError
from generator.pipeline import CheckedWorkbook, check_workbook, file_sha256
from generator.read.guard import DEFAULT_LIMITS, Limits
from generator.read.workbook import Table
from generator.schema.fields import ACTIONS
from generator.schema.rules import Rules

DEFAULT_REPLY_DAYS = 7


@dataclass
class Sent:
    """One lead's request, with where its files went and its message."""

    request: LeadRequest
    workbook: Path
    draft: Path
    message: EmailMessage


@dataclass
class ChaseRun:
    """What a chase did: the requests, the files written, and the dates it used."""

    checked: CheckedWorkbook
    requests: Requests
    folder: Path
    as_of: dt.date
    reply_by: dt.date
    written: list[Sent] = field(default_factory=list)


def plan_columns(table: Table) -> list[Column]:
    """The plan's columns boardpack knows, in the plan's order, headed as the plan heads them.

    A column the layout supplies (Section, from heading rows or a sheet per section) comes
    second, after the Ref, so the lead sees it and the workbook reads back as a plan.
    """
    names = [name for name, _ in sorted(table.columns.items(), key=lambda item: item[1])]
    names[1:1] = [name for name in table.derived if name not in table.columns]
    return [
        Column(name, table.headers.get(name, name), table.spec.columns[name].type) for name in names
    ]


def chase(
    plan_path: Path,
    folder: Path,
    *,
    rules: Rules,
    as_of: dt.date,
    reply_days: int = DEFAULT_REPLY_DAYS,
    sender: str = "",
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = NO_PROGRESS,
) -> ChaseRun:
    """Check the plan and write each lead's workbook and draft into ``folder``."""
    checked = check_workbook(plan_path, rules, as_of, limits=limits, progress=progress)
    requests = gather_requests(checked, as_of)
    run = ChaseRun(checked, requests, folder, as_of, as_of + dt.timedelta(days=reply_days))
    if not requests.requests:
        return run
    _make_folder(folder)
    table = checked.workbook.actions
    columns = plan_columns(table)
    headers = {column.name: column.header for column in columns}
    raw_row = _raw_rows(table)
    plan = checked.plan
    organisation = " ".join(plan.report.organisation.split())
    letter = Letter(
        title=f"{organisation} improvement plan" if organisation else "Improvement plan",
        plan_name=plan_path.name,
        plan_sha256=plan.source_sha256 or file_sha256(plan_path),
        # One sheet of the plan, or its parts (a sheet per section) as one sheet.
        sheet=table.sheet if len(table.parts) < 2 else ACTIONS.sheet,
        as_of=as_of,
        reply_by=run.reply_by,
    )
    from_address = parse_address(sender, "From") if sender else None
    progress.phase(f"Writing {len(requests.requests):,} leads' workbooks")
    workbooks = LeadWorkbooks(columns, plan.key, letter)
    for request in requests.requests:
        rows = [raw_row(ask.index) for ask in request.asks]
        sent = [
            {c.name: fingerprint(value_of(c.type, row[c.name], rules)) for c in columns}
            for row in rows
        ]
        data = workbooks.build(request, rows, sent)
        workbook_path = folder / f"{request.stem}.xlsx"
        draft_path = folder / f"{request.stem}.eml"
        refuse_overwriting_input(workbook_path, plan_path)
        refuse_overwriting_input(draft_path, plan_path)
        write_bytes_atomically(workbook_path, data)
        attachment = Attachment(workbook_path.name, data, *MIME_TYPES[".xlsx"])
        message = request_message(
            request,
            attachment,
            report=plan.report,
            as_of=as_of,
            reply_by=run.reply_by,
            headers=headers,
            sender=from_address,
        )
        write_eml(message, draft_path)
        run.written.append(Sent(request, workbook_path, draft_path, message))
    return run


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(
            f"{folder}: is a file, not a folder; choose another folder", settings=("out",)
        ) from None
    except OSError as error:
        raise OutputError(f"{folder}: cannot make the folder ({error.strerror})") from None


def _raw_rows(table: Table) -> Callable[[int], dict[str, Any]]:
    """Table position -> the row's raw values by column, as read from the plan."""

    def row(index: int) -> dict[str, Any]:
        return {name: values[index] for name, values in table.raw.items()}

    return row


@dataclass
class Delivery:
    """What sending the drafts did, lead by lead: sent; perhaps sent (the server took the
    message but never confirmed it); refused or failed, so not sent; not addressed; or not
    tried, because the server itself had failed before them."""

    sent: list[tuple[Sent, SendReport]] = field(default_factory=list)
    unconfirmed: list[tuple[Sent, DeliveryUncertain]] = field(default_factory=list)
    failed: list[tuple[Sent, SendError]] = field(default_factory=list)
    unaddressed: list[Sent] = field(default_factory=list)
    not_tried: list[Sent] = field(default_factory=list)

    @property
    def server_failed(self) -> bool:
        """Whether the server itself failed (not just refused one lead's address)."""
        return bool(self.unconfirmed) or any(
            not isinstance(error, RecipientsRefused) for _, error in self.failed
        )


def send_requests(run: ChaseRun, settings: SmtpSettings) -> Delivery:
    """Send each addressed draft. A recipient the server refuses is noted and the rest go
    on; a failure of the server itself (connection, login, a message never confirmed) stops
    sending there."""
    delivery = Delivery()
    for item in run.written:
        if item.request.address is None:
            delivery.unaddressed.append(item)
        elif delivery.server_failed:
            delivery.not_tried.append(item)
        else:
            try:
                report = send_message(item.message, settings, [item.request.address.addr_spec])
            except DeliveryUncertain as error:
                delivery.unconfirmed.append((item, error))
            except SendError as error:
                delivery.failed.append((item, error))
            else:
                delivery.sent.append((item, report))
    return delivery


def summary_lines(run: ChaseRun) -> list[str]:
    """Who was asked for what, one line per lead, then who has no address and what could
    not be asked at all."""
    requests = run.requests
    if not requests.requests:
        return [f"No open actions with a lead in {run.checked.path.name}: nobody to chase."]
    total = sum(len(request.asks) for request in requests.requests)
    lines = [
        f"Chased {plural(len(requests.requests), 'lead')} for {plural(total, 'open action')} "
        f"as at {uk_date(run.as_of)}, replies by {uk_date(run.reply_by)}; in {run.folder}:"
    ]
    unaddressed: dict[str, list[str]] = {}
    for item in run.written:
        request = item.request
        counts = [
            f"{request.count(what):,} {label}"
            for what, label in (
                ("overdue", "overdue"),
                ("due_soon", "due soon"),
                ("no_update", "without an update"),
                ("stale", "stale"),
            )
            if request.count(what)
        ]
        detail = f" ({', '.join(counts)})" if counts else ""
        if request.address is None:
            unaddressed.setdefault(request.address_note, []).append(request.lead)
        to = f"draft to {request.address}" if request.address else "draft with no recipient"
        lines.append(
            f"  {item.workbook.name}: {request.lead}, "
            f"{plural(len(request.asks), 'action')}{detail}; {to}"
        )
    for reason, leads in unaddressed.items():
        lines.append(
            f"No email address for {', '.join(leads)} ({reason}): add it to the draft, or "
            "to the Distribution sheet and chase again."
        )
    if requests.without_lead:
        shown = ", ".join(requests.without_lead[:10])
        extra = len(requests.without_lead) - 10
        more = f" and {extra:,} more" if extra > 0 else ""
        lead = run.checked.workbook.actions.headers.get(ACTIONS.lead.name, ACTIONS.lead.name)
        lines.append(
            f"Not chased: {plural(len(requests.without_lead), 'open action')} with no {lead} "
            f"({shown}{more})."
        )
    return lines
