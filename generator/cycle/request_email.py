"""The email that asks a lead for their update: what is asked, of which actions, by when.

The message is built by the mailer (its header rules and address checks apply); this module
only words it. Plain text in short paragraphs, so it reads on a phone.
"""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from generator.common.ukdates import plural, uk_date
from generator.cycle.asks import LeadRequest
from generator.cycle.columns import LEAD_MAY_CHANGE
from generator.deliver.mailer import Attachment, build_message, sign_off
from generator.model.plan import ReportFields

#: The hour of the reply-by day that mail clients show as the deadline.
REPLY_HOUR = 17
_LONGEST_ACTION = 90


def long_date(day: dt.date) -> str:
    """ "Monday 30 November 2026"."""
    return f"{day:%A} {uk_date(day)}"


def request_subject(reply_by: dt.date) -> str:
    return f"Improvement plan: please update your actions by {long_date(reply_by)}"


def request_body(
    request: LeadRequest,
    report: ReportFields,
    as_of: dt.date,
    reply_by: dt.date,
    filename: str,
    headers: dict[str, str],
) -> str:
    """The covering note: whom, what, by when, and each action that needs attention.

    ``headers`` gives the plan's own header for each column a lead may change.
    """
    greeting = request.address.display_name if request.address else ""
    editable = [headers[name] for name in LEAD_MAY_CHANGE if name in headers]
    columns = ", ".join(editable[:-1]) + f" and {editable[-1]}" if len(editable) > 1 else ""
    meeting = _one_line(report.meeting)
    before = ""
    if meeting and report.meeting_date and report.meeting_date >= as_of:
        before = f" before the {meeting} on {uk_date(report.meeting_date)}"
    count = plural(len(request.asks), "open action")
    paragraphs = [
        f"Dear {greeting or _one_line(request.lead)},",
        f"Please bring your improvement plan actions up to date{before}, and send the "
        f"attached workbook back by {long_date(reply_by)}.",
        f"{filename} holds your {count}. Please update the highlighted columns"
        + (f" ({columns})" if columns else "")
        + ", save it, and reply to this email with it attached. The other columns are locked.",
    ]
    flagged = [ask for ask in request.asks if ask.reasons]
    if flagged:
        paragraphs.append("These need particular attention:")
        for ask in flagged:
            action = _one_line(ask.action.action)
            if len(action) > _LONGEST_ACTION:
                action = action[: _LONGEST_ACTION - 1].rstrip() + "…"
            paragraphs.append(f"{ask.action.ref}: {action}\n- " + "\n- ".join(ask.reasons))
    others = len(request.asks) - len(flagged)
    if others:
        paragraphs.append(_on_track(others, any_flagged=bool(flagged)))
    paragraphs.append(sign_off(report))
    return "\n\n".join(paragraphs) + "\n"


def request_message(
    request: LeadRequest,
    attachment: Attachment,
    *,
    report: ReportFields,
    as_of: dt.date,
    reply_by: dt.date,
    headers: dict[str, str],
    sender: Address | None,
) -> EmailMessage:
    """The draft to one lead with their workbook attached; a lead with no address gets a
    draft with no recipient, for the sender to address by hand."""
    message = build_message(
        [attachment],
        sender,
        [request.address] if request.address else [],
        [],
        request_subject(reply_by),
        request_body(request, report, as_of, reply_by, attachment.filename, headers),
    )
    # RFC 2156's Reply-By: Outlook shows it as the date a reply is expected.
    message["Reply-By"] = format_datetime(_reply_time(reply_by))
    return message


def _on_track(count: int, *, any_flagged: bool) -> str:
    if count == 1:
        which = "The other action looks" if any_flagged else "It looks"
        return f"{which} on track from the plan: please check it still is."
    which = f"The other {count:,}" if any_flagged else "They all"
    return f"{which} look on track from the plan: please check they still are."


def _reply_time(day: dt.date) -> dt.datetime:
    import pendulum  # imported here, as for the as-of date: only a chase needs it

    return pendulum.datetime(day.year, day.month, day.day, REPLY_HOUR, tz="Europe/London")


def _one_line(text: str) -> str:
    return " ".join(text.split())
