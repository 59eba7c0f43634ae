"""Building, sending and drafting the email that carries the board report.

Deliver stage: it takes finished files and plain fields (never cells), builds one message with
the standard library's ``email`` package, and either sends it over SMTP or writes it as an
unsent ``.eml`` draft. Problems are raised as :class:`SendError` with one-line messages that
never contain the password.
"""

from __future__ import annotations

import copy
import datetime as dt
import ipaddress
import math
import re
import smtplib
import socket
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from generator.common.atomic import write_bytes_atomically
from generator.common.files import read_bytes_or_raise
from generator.common.sizes import MB, format_size
from generator.common.ukdates import uk_date
from generator.errors import SendError
from generator.model.plan import Recipient, ReportFields

SECURITY_CHOICES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_TIMEOUT = 30.0
# Microsoft 365 and Outlook.com refuse messages over 20 MB by default, and most others are near.
SIZE_LIMIT = 20 * MB
ENV_PREFIX = "BOARDPACK_SMTP_"
PASSWORD_VARIABLE = ENV_PREFIX + "PASSWORD"
NO_RECIPIENTS = "no recipients: give --to, or --workbook with a Distribution sheet"

MIME_TYPES = {
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pdf": ("application", "pdf"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
# Conservative addr-spec: RFC 5322 dot-atom local part, a dotted ASCII domain. Anything a mail
# server might read differently (quotes, comments, brackets, spaces) is refused, not repaired.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = rf"{_ATEXT}(?:\.{_ATEXT})*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"{_LOCAL_PART}@{_LABEL}(?:\.{_LABEL})+")
_NAME_AND_ADDRESS = re.compile(r"(?P<name>.*?)\s*<(?P<addr>[^<>]*)>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: from options first, then ``BOARDPACK_SMTP_*`` variables."""

    host: str = ""
    port: int = DEFAULT_PORTS["starttls"]
    user: str = ""
    password: str = field(default="", repr=False)
    security: str = "starttls"
    timeout: float = DEFAULT_TIMEOUT
    sender: str = ""
    cafile: Path | None = None

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Attachment:
    """A file to attach, carried byte for byte."""

    filename: str
    data: bytes
    maintype: str
    subtype: str

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class SendReport:
    """What the server accepted."""

    server: str
    accepted: tuple[str, ...]


class RecipientsRefused(SendError):
    """The server refused some recipients; ``accepted`` says who was sent the message."""

    def __init__(self, message: str, refused: Mapping[str, str], accepted: Sequence[str]):
        super().__init__(message)
        self.refused = dict(refused)
        self.accepted = tuple(accepted)


# ---------------------------------------------------------------------------------------------
# Settings


def smtp_settings(
    environ: Mapping[str, str],
    *,
    host: str | None = None,
    port: str | int | None = None,
    user: str | None = None,
    sender: str | None = None,
    security: str | None = None,
    cafile: Path | None = None,
    timeout: str | float | None = None,
    password: str | None = None,
) -> SmtpSettings:
    """Combine options with ``BOARDPACK_SMTP_*`` variables; options win.

    The password comes only from ``password`` (a prompt) or ``BOARDPACK_SMTP_PASSWORD``.
    Without a sender, a login that is an email address is used as the sender.
    ``--security none`` is refused here, before anything connects, unless the host is loopback.
    """

    def pick(option: object, name: str) -> str:
        if option is not None:
            return str(option).strip()
        return environ.get(ENV_PREFIX + name, "").strip()

    chosen_security = pick(security, "SECURITY").lower() or "starttls"
    if chosen_security not in SECURITY_CHOICES:
        raise SendError(
            f"{_quote(chosen_security)} is not a kind of --security ({ENV_PREFIX}SECURITY): "
            "use starttls, ssl or none"
        )
    chosen_host = pick(host, "HOST")
    if _CONTROL.search(chosen_host) or " " in chosen_host:
        raise SendError(f"{_quote(chosen_host)} is not a mail server name; check --smtp-host")
    if chosen_security == "none" and chosen_host and not is_loopback(chosen_host):
        raise SendError(
            f"--security none sends the password and the report unencrypted, so it is only "
            f"allowed to this computer (localhost), not {chosen_host}; use starttls or ssl"
        )
    port_text = pick(port, "PORT")
    chosen_port = _positive_number(port_text, "--smtp-port", ENV_PREFIX + "PORT")
    if chosen_port is not None and (chosen_port != int(chosen_port) or chosen_port > 65535):
        raise SendError(f"{port_text} is not a port number (1 to 65535); check --smtp-port")
    timeout_text = pick(timeout, "TIMEOUT")
    chosen_timeout = _positive_number(timeout_text, "--timeout", ENV_PREFIX + "TIMEOUT")
    cafile_text = pick(cafile, "CAFILE")
    chosen_user = pick(user, "USER")
    # Most council mail logins are the mailbox's own address, which is then the natural sender.
    login_is_address = _ADDR_SPEC.fullmatch(chosen_user) is not None
    chosen_sender = pick(sender, "FROM") or (chosen_user if login_is_address else "")
    if chosen_sender:
        parse_address(chosen_sender, "--from")
    return SmtpSettings(
        host=chosen_host,
        port=int(chosen_port) if chosen_port else DEFAULT_PORTS[chosen_security],
        user=chosen_user,
        password=password if password is not None else environ.get(PASSWORD_VARIABLE, ""),
        security=chosen_security,
        timeout=chosen_timeout or DEFAULT_TIMEOUT,
        sender=chosen_sender,
        cafile=Path(cafile_text) if cafile_text else None,
    )


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses, judged without a DNS lookup."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _positive_number(text: str, option: str, variable: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise SendError(f"{_quote(text)} is not a positive number; check {option} or {variable}")
    return value


# ---------------------------------------------------------------------------------------------
# Addresses


def parse_address(text: str, where: str) -> Address:
    """Read ``a@x.org`` or ``Jane Smith <a@x.org>``; refuse anything that could inject a header.

    ``where`` names the source (``--to``, ``Distribution``) for the message.
    """
    if _CONTROL.search(text):
        raise SendError(f"{where}: {_quote(text)} contains a line break or control character")
    text = text.strip()
    match = _NAME_AND_ADDRESS.fullmatch(text)
    name, addr = (match["name"].strip().strip('"'), match["addr"].strip()) if match else ("", text)
    return make_address(name, addr, where)


def make_address(name: str, addr: str, where: str) -> Address:
    """An Address from a display name and an addr-spec, both checked."""
    for part in (addr, name):
        if _CONTROL.search(part):
            raise SendError(f"{where}: {_quote(part)} contains a line break or control character")
    if not addr:
        raise SendError(f"{where}: {_quote(name)} has no email address")
    if not _ADDR_SPEC.fullmatch(addr) or len(addr) > 254:
        one_each = "put one address per row" if where == "Distribution" else "give one per option"
        hint = f"; {one_each}" if re.search("[,;]", addr) else ""
        raise SendError(f"{where}: {_quote(addr)} is not a valid email address{hint}")
    try:
        return Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError) as error:  # the regex should already have caught these
        raise SendError(f"{where}: {_quote(addr)} is not a valid email address") from error


def distribution_addresses(recipients: Iterable[Recipient]) -> tuple[list[Address], list[str]]:
    """Addresses from the Distribution sheet, and warnings for rows without an email address.

    A name without an address is someone listed for information, so it is a warning; an
    address that is present but wrong is an error, because someone would silently miss out.
    """
    addresses: list[Address] = []
    warnings: list[str] = []
    for recipient in recipients:
        if not recipient.email.strip():
            if recipient.name.strip():
                warnings.append(
                    f"Distribution: {_one_line(recipient.name)} has no email address, "
                    "so is not sent the report"
                )
            continue
        # "Eleanor Brazil <ebrazil@example.org>", as Outlook copies it, is read as written;
        # the Name column, when filled, still names the person.
        typed = parse_address(recipient.email, "Distribution")
        name = _one_line(recipient.name) or typed.display_name
        addresses.append(make_address(name, typed.addr_spec, "Distribution"))
    return addresses, warnings


def envelope_recipients(*groups: Iterable[Address]) -> list[str]:
    """Every addr-spec once, in order (case-insensitively), for the SMTP envelope."""
    seen: set[str] = set()
    envelope: list[str] = []
    for group in groups:
        for address in group:
            if address.addr_spec.lower() not in seen:
                seen.add(address.addr_spec.lower())
                envelope.append(address.addr_spec)
    return envelope


# ---------------------------------------------------------------------------------------------
# Subject and body


def default_subject(report: ReportFields) -> str:
    """Meeting, date and title, e.g.
    "Children's Improvement Board, 30 November 2026: Improvement Plan Progress Update"."""
    when = ", ".join(
        part
        for part in (
            _one_line(report.meeting),
            uk_date(report.meeting_date) if report.meeting_date else "",
        )
        if part
    )
    title = _one_line(report.title) or "Improvement plan progress report"
    return f"{when}: {title}" if when else title


def default_body(report: ReportFields, attachments: Sequence[Attachment]) -> str:
    """A short, courteous plain-text body; short paragraphs so it reads well on a phone."""
    title = _one_line(report.title)
    described = f"the report “{title}”" if title else "the improvement plan progress report"
    meeting = _one_line(report.meeting)
    for_meeting = f" for the {meeting}" if meeting else ""
    if meeting and report.meeting_date:
        for_meeting += f" on {uk_date(report.meeting_date)}"
    elif report.meeting_date:
        for_meeting = f" for the meeting on {uk_date(report.meeting_date)}"
    names = [attachment.filename for attachment in attachments]
    paragraphs = [
        "Dear colleagues,",
        f"Please find attached {described}{for_meeting}.",
    ]
    if any(name.lower().endswith(".pdf") for name in names) and len(names) > 1:
        paragraphs.append("A PDF copy is also attached for reading on a phone or tablet.")
    if report.summary.strip():
        paragraphs.append(report.summary.strip())
    contact = _one_line(report.contact)
    if contact:
        paragraphs.append(f"If you have any questions, please contact {contact}.")
    signature = "\n".join(
        line
        for line in ("Kind regards,", _one_line(report.author), _one_line(report.organisation))
        if line
    )
    paragraphs.append(signature)
    return "\n\n".join(paragraphs) + "\n"


# ---------------------------------------------------------------------------------------------
# The message


def read_attachment(path: Path) -> Attachment:
    """Read a file to attach, with its MIME type (Word, PDF, Excel; anything else as bytes)."""
    data = read_bytes_or_raise(path, SendError)
    maintype, subtype = MIME_TYPES.get(path.suffix.lower(), ("application", "octet-stream"))
    return Attachment(path.name, data, maintype, subtype)


def pdf_beside(report_path: Path) -> tuple[Path | None, str]:
    """The PDF next to the report (same name, .pdf), and a warning if it looks out of date."""
    pdf = report_path.with_suffix(".pdf")
    if pdf == report_path or not pdf.is_file():
        return None, ""
    try:
        stale = pdf.stat().st_mtime < report_path.stat().st_mtime
    except OSError:
        return None, ""
    if stale:
        return None, (
            f"{pdf.name} is older than {report_path.name}, so it is not attached; "
            f"give --pdf {pdf.name} to attach it anyway"
        )
    return pdf, ""


def build_message(
    attachments: Sequence[Attachment],
    sender: Address | None,
    to: Sequence[Address],
    cc: Sequence[Address],
    subject: str,
    body: str,
    *,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """The message with its attachments. Blind copies never appear in it: they are envelope only.

    The email package refuses CR or LF in any header value, so nothing can add a header; the
    subject is checked first so the user gets a clear message rather than a ValueError.
    """
    if _CONTROL.search(subject):
        raise SendError(f"the subject {_quote(subject)} contains a line break or control character")
    message = EmailMessage(policy=policy.SMTP)
    try:
        if sender is not None:
            message["From"] = sender
        if to:
            message["To"] = list(to)
        if cc:
            message["Cc"] = list(cc)
        message["Subject"] = subject
        message["Date"] = format_datetime(now or dt.datetime.now().astimezone())
        domain = sender.domain if sender is not None else "boardpack.invalid"
        message["Message-ID"] = make_msgid(domain=domain)
    except ValueError as error:
        raise SendError(f"cannot build the message: {_one_line(str(error))}") from None
    message.set_content(body)
    for attachment in attachments:
        message.add_attachment(
            attachment.data,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
        )
    return message


def message_size(message: EmailMessage) -> int:
    """Bytes on the wire (attachments grow by about a third in base64)."""
    return len(message.as_bytes())


def size_warning(message: EmailMessage, limit: int = SIZE_LIMIT) -> str:
    """A warning when the message is bigger than many mail servers accept, else ""."""
    size = message_size(message)
    if size <= limit:
        return ""
    return (
        f"the message is {format_size(size)} with its attachments; many mail servers refuse "
        f"messages over {format_size(limit)}, so it may bounce (a PDF alone is usually smaller)"
    )


def write_eml(message: EmailMessage, path: Path, bcc: Sequence[Address] = ()) -> None:
    """Write an unsent draft (``X-Unsent: 1``) that Outlook and Thunderbird open for sending.

    Blind copies are kept in the draft's Bcc header: the mail client drops it when it sends.
    """
    draft = copy.deepcopy(message)
    if bcc:
        draft["Bcc"] = list(bcc)
    draft["X-Unsent"] = "1"
    write_bytes_atomically(path, draft.as_bytes(policy=policy.SMTP))


@dataclass
class Outgoing:
    """A message ready to send or draft, with its envelope and anything worth a warning."""

    message: EmailMessage
    to: list[Address]
    cc: list[Address]
    bcc: list[Address]
    attachments: list[Attachment]
    warnings: list[str]

    @property
    def envelope(self) -> list[str]:
        return envelope_recipients(self.to, self.cc, self.bcc)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


def compose(
    report_path: Path,
    *,
    pdf: Path | None = None,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    distribution: Sequence[Recipient] = (),
    report: ReportFields | None = None,
    subject: str | None = None,
    body: str | None = None,
    sender: str = "",
    draft: bool = False,
) -> Outgoing:
    """Put the message together from the command's inputs.

    ``to`` replaces the Distribution list rather than adding to it, so a test copy sent to
    yourself never reaches the whole board. The PDF beside the report goes too, unless stale.
    Only a ``draft`` may have no recipients: the mail client asks for them.
    """
    warnings: list[str] = []
    attachments = [read_attachment(report_path)]
    if pdf is None:
        pdf, stale = pdf_beside(report_path)
        if stale:
            warnings.append(stale)
    if pdf is not None:
        attachments.append(read_attachment(pdf))
    if to:
        to_addresses = [parse_address(text, "--to") for text in to]
    else:
        to_addresses, missing = distribution_addresses(distribution)
        warnings.extend(missing)
    cc_addresses = [parse_address(text, "--cc") for text in cc]
    bcc_addresses = [parse_address(text, "--bcc") for text in bcc]
    if not (draft or to_addresses or cc_addresses or bcc_addresses):
        raise SendError(NO_RECIPIENTS)
    fields = report or ReportFields()
    message = build_message(
        attachments,
        parse_address(sender, "--from") if sender else None,
        to_addresses,
        cc_addresses,
        default_subject(fields) if subject is None else subject.strip(),
        default_body(fields, attachments) if body is None else body,
    )
    outgoing = Outgoing(message, to_addresses, cc_addresses, bcc_addresses, attachments, warnings)
    too_big = size_warning(message)
    if too_big:
        outgoing.warnings.append(too_big)
    return outgoing


# ---------------------------------------------------------------------------------------------
# Sending


def send_message(
    message: EmailMessage, settings: SmtpSettings, envelope: Sequence[str]
) -> SendReport:
    """Send over SMTP, verifying the server's certificate for starttls and ssl.

    Every failure becomes a :class:`SendError` whose message says what happened, whether
    anyone was sent the message, and what to check; the password is never in it.
    """
    if not settings.host:
        raise SendError(f"no mail server: give --smtp-host or set {ENV_PREFIX}HOST")
    if settings.security == "none" and not is_loopback(settings.host):
        raise SendError(f"--security none is only allowed to localhost, not {settings.host}")
    if not settings.sender:
        raise SendError(f"no sender address: give --from or set {ENV_PREFIX}FROM")
    if not envelope:
        raise SendError(NO_RECIPIENTS)
    if settings.user and not settings.password:
        raise SendError(f"no password for {settings.user}: set {PASSWORD_VARIABLE}")
    sender = parse_address(settings.sender, "--from").addr_spec
    try:
        return _deliver(message, settings, sender, envelope)
    except SendError as error:
        error.args = (_scrub(str(error), settings.password),)
        raise


def _deliver(
    message: EmailMessage, settings: SmtpSettings, sender: str, envelope: Sequence[str]
) -> SendReport:
    server = settings.server
    nothing_sent = "nothing was sent"
    try:
        context = _tls_context(settings) if settings.security != "none" else None
        smtp: smtplib.SMTP
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.security == "starttls":
                try:
                    smtp.starttls(context=context)
                except smtplib.SMTPNotSupportedError:
                    raise SendError(
                        f"{server} does not offer STARTTLS; if it expects TLS from the start "
                        "(usually port 465), use --security ssl"
                    ) from None
            if settings.user:
                _login(smtp, settings)
            try:
                refused = smtp.send_message(message, from_addr=sender, to_addrs=list(envelope))
            except smtplib.SMTPRecipientsRefused as error:
                raise RecipientsRefused(
                    f"{server} refused every recipient ({_refusals(error.recipients)}); "
                    + nothing_sent,
                    {to: _response(*reply) for to, reply in error.recipients.items()},
                    (),
                ) from None
            accepted = tuple(to for to in envelope if to not in refused)
            if refused:
                raise RecipientsRefused(
                    f"{server} refused {_refusals(refused)}; the others were sent it: "
                    + ", ".join(accepted),
                    {to: _response(*reply) for to, reply in refused.items()},
                    accepted,
                )
            return SendReport(server, accepted)
    except SendError:
        raise
    except smtplib.SMTPSenderRefused as error:
        raise SendError(
            f"{server} refused the sender {error.sender} "
            f"({_response(error.smtp_code, error.smtp_error)}); check --from; {nothing_sent}"
        ) from None
    except smtplib.SMTPDataError as error:
        raise SendError(
            f"{server} refused the message ({_response(error.smtp_code, error.smtp_error)}); "
            + nothing_sent
        ) from None
    except smtplib.SMTPServerDisconnected as error:
        if isinstance(error.__context__, TimeoutError):
            raise _timed_out(settings) from None
        detail = _one_line(str(error)) or "no reason given"
        raise SendError(
            f"{server} closed the connection ({detail}); {nothing_sent}; "
            "check --smtp-port and --security (465 expects ssl, 587 starttls)"
        ) from None
    except smtplib.SMTPResponseException as error:
        raise SendError(
            f"{server} answered {_response(error.smtp_code, error.smtp_error)}; {nothing_sent}"
        ) from None
    except ssl.SSLCertVerificationError as error:
        reason = _one_line(error.verify_message or error.reason or str(error))
        raise SendError(
            f"{server}: the server's certificate could not be verified ({reason}); "
            f"{nothing_sent}; if your organisation uses its own certificate authority, "
            "give its certificate with --cafile"
        ) from None
    except ssl.SSLError as error:
        reason = _one_line(error.reason or str(error))
        raise SendError(
            f"{server}: the secure connection failed ({reason}); {nothing_sent}; "
            "check --security (465 expects ssl, 587 starttls)"
        ) from None
    except ConnectionRefusedError:
        raise SendError(
            f"could not connect to {server} (connection refused); check --smtp-host and --smtp-port"
        ) from None
    except socket.gaierror:
        raise SendError(
            f"could not find the mail server {settings.host}; check --smtp-host"
        ) from None
    except TimeoutError:
        raise _timed_out(settings) from None
    except smtplib.SMTPException as error:
        raise SendError(f"{server}: {_one_line(str(error))}; {nothing_sent}") from None
    except OSError as error:
        reason = _one_line(error.strerror or str(error))
        raise SendError(f"could not connect to {server} ({reason}); {nothing_sent}") from None


def _timed_out(settings: SmtpSettings) -> SendError:
    return SendError(
        f"{settings.server} did not answer within {settings.timeout:g} seconds; nothing was sent; "
        "check --smtp-host, --smtp-port and --security (465 expects ssl, 587 starttls)"
    )


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """Verification always on: ``--cafile`` trusts a private authority, never switches it off."""
    if settings.cafile is None:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=str(settings.cafile))
    except FileNotFoundError:
        raise SendError(f"--cafile {settings.cafile}: no such file") from None
    except (ssl.SSLError, OSError, ValueError):
        raise SendError(
            f"--cafile {settings.cafile}: not a PEM certificate file that can be trusted"
        ) from None


def _login(smtp: smtplib.SMTP, settings: SmtpSettings) -> None:
    try:
        smtp.login(settings.user, settings.password)
    except smtplib.SMTPAuthenticationError as error:
        raise SendError(
            f"{settings.server} refused the login for {settings.user} "
            f"({_response(error.smtp_code, error.smtp_error)}); check --smtp-user and "
            f"{PASSWORD_VARIABLE}; nothing was sent"
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise SendError(
            f"{settings.server} does not offer a login (AUTH) on this connection; "
            "leave out --smtp-user, or check --security"
        ) from None
    except smtplib.SMTPException as error:
        raise SendError(
            f"{settings.server}: could not log in as {settings.user} ({_one_line(str(error))}); "
            "nothing was sent"
        ) from None


# ---------------------------------------------------------------------------------------------
# Wording helpers


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return ", ".join(f"{to} ({_response(*reply)})" for to, reply in refused.items())


def _response(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return _one_line(f"{code} {text}")[:200]


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", _CONTROL.sub(" ", text)).strip()


def _quote(text: str) -> str:
    """Show a value on one line, with line breaks visible as \\r and \\n."""
    shown = _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), text)
    return f'"{shown[:80]}…"' if len(shown) > 80 else f'"{shown}"'


def _scrub(text: str, secret: str) -> str:
    """A last guard: a server that echoes the password back must not get it printed."""
    return text.replace(secret, "********") if secret else text
