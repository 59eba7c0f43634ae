"""Building, sending and drafting the email that carries the board report.

Deliver stage: it takes finished files and plain fields (never cells), builds one message with
the standard library's ``email`` package, and either sends it over SMTP or writes it as an
unsent ``.eml`` draft. Problems are raised as :class:`SendError` with one-line messages that
never contain the password.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as dt
import hmac
import io
import ipaddress
import math
import re
import smtplib
import socket
import ssl
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.generator import BytesGenerator
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from generator.common.atomic import write_bytes_atomically
from generator.common.files import pdf_path_for, read_bytes_or_raise
from generator.common.sizes import MB, format_size
from generator.common.ukdates import uk_date
from generator.errors import Interrupted, SendError
from generator.model.plan import Recipient, ReportFields

SECURITY_CHOICES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_TIMEOUT = 30.0
# Microsoft 365 and Outlook.com refuse messages over 20 MB by default, and most others are near.
SIZE_LIMIT = 20 * MB
NO_RECIPIENTS = "no recipients: give addresses to send to, or a Distribution list"
#: The settings an address given for each header comes from (see ``BoardpackError.settings``).
_SETTING_OF = {"To": "to", "Cc": "cc", "Bcc": "bcc", "From": "sender"}

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
    """Where and how to send, checked by ``smtp_settings``."""

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


class DeliveryUncertain(SendError):
    """The server took the whole message and never said whether it accepted it: it may or
    may not have been delivered, so the message must not say either."""


class RecipientsRefused(SendError):
    """The server refused some recipients; ``accepted`` says who was sent the message."""

    def __init__(self, message: str, refused: Mapping[str, str], accepted: Sequence[str]):
        super().__init__(message)
        self.refused = dict(refused)
        self.accepted = tuple(accepted)


# ---------------------------------------------------------------------------------------------
# Settings


def smtp_settings(
    *,
    host: str | None = None,
    port: str | int | None = None,
    user: str | None = None,
    sender: str | None = None,
    security: str | None = None,
    cafile: str | Path | None = None,
    timeout: str | float | None = None,
    password: str | None = None,
) -> SmtpSettings:
    """Check the settings as typed (text or numbers) and fill in the defaults.

    Without a sender, a login that is an email address is used as the sender. Security
    "none" is refused here, before anything connects, unless the host is loopback.
    """

    def text(value: object) -> str:
        return "" if value is None else str(value).strip()

    chosen_security = text(security).lower() or "starttls"
    if chosen_security not in SECURITY_CHOICES:
        raise SendError(
            f"{_quote(chosen_security)} is not a kind of connection security: "
            "use starttls, ssl or none",
            settings=("security",),
        )
    chosen_host = text(host)
    if _CONTROL.search(chosen_host) or " " in chosen_host:
        raise SendError(
            f"{_quote(chosen_host)} is not a mail server name; check the server name",
            settings=("host",),
        )
    if chosen_security == "none" and chosen_host and not is_loopback(chosen_host):
        raise SendError(
            "security none sends the password and the report unencrypted, so it is only "
            f"allowed to this computer (localhost), not {chosen_host}; use starttls or ssl",
            settings=("security",),
        )
    port_text = text(port)
    chosen_port = _positive_number(port_text, "port")
    if chosen_port is not None and (chosen_port != int(chosen_port) or chosen_port > 65535):
        raise SendError(
            f"{port_text} is not a port number (1 to 65535); check the port", settings=("port",)
        )
    chosen_timeout = _positive_number(text(timeout), "timeout")
    cafile_text = text(cafile)
    chosen_user = text(user)
    # Most council mail logins are the mailbox's own address, which is then the natural sender.
    login_is_address = _ADDR_SPEC.fullmatch(chosen_user) is not None
    chosen_sender = text(sender) or (chosen_user if login_is_address else "")
    if chosen_sender:
        parse_address(chosen_sender, "From")
    return SmtpSettings(
        host=chosen_host,
        port=int(chosen_port) if chosen_port else DEFAULT_PORTS[chosen_security],
        user=chosen_user,
        password=password or "",
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


def _positive_number(text: str, setting: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise SendError(
            f"{_quote(text)} is not a positive number; check the {setting}", settings=(setting,)
        )
    return value


# ---------------------------------------------------------------------------------------------
# Addresses


def parse_address(text: str, where: str) -> Address:
    """Read ``a@x.org`` or ``Jane Smith <a@x.org>``; refuse anything that could inject a header.

    ``where`` names the source ("To", "From", "Distribution") for the message.
    """
    if _CONTROL.search(text):
        raise SendError(
            f"{where}: {_quote(text)} contains a line break or control character",
            settings=_settings_for(where),
        )
    text = text.strip()
    match = _NAME_AND_ADDRESS.fullmatch(text)
    name, addr = (match["name"].strip().strip('"'), match["addr"].strip()) if match else ("", text)
    return make_address(name, addr, where)


def make_address(name: str, addr: str, where: str) -> Address:
    """An Address from a display name and an addr-spec, both checked."""
    settings = _settings_for(where)
    for part in (addr, name):
        if _CONTROL.search(part):
            raise SendError(
                f"{where}: {_quote(part)} contains a line break or control character",
                settings=settings,
            )
    if not addr:
        raise SendError(f"{where}: {_quote(name)} has no email address", settings=settings)
    if not _ADDR_SPEC.fullmatch(addr) or len(addr) > 254:
        one_each = "put one address per row" if where == "Distribution" else "give one at a time"
        hint = f"; {one_each}" if re.search("[,;]", addr) else ""
        raise SendError(
            f"{where}: {_quote(addr)} is not a valid email address{hint}", settings=settings
        )
    try:
        return Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError) as error:  # the regex should already have caught these
        raise SendError(
            f"{where}: {_quote(addr)} is not a valid email address", settings=settings
        ) from error


def _settings_for(where: str) -> tuple[str, ...]:
    setting = _SETTING_OF.get(where)
    return (setting,) if setting else ()


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
    paragraphs.append(sign_off(report))
    return "\n\n".join(paragraphs) + "\n"


def sign_off(report: ReportFields) -> str:
    """ "Kind regards," then the author and the organisation from the Report sheet."""
    return "\n".join(
        line
        for line in ("Kind regards,", _one_line(report.author), _one_line(report.organisation))
        if line
    )


# ---------------------------------------------------------------------------------------------
# Headers: outside text only ever as literal text

# Headers written by ``set_header`` as already-encoded words are never refolded: refolding
# parses them again, and parsing decodes encoded words (see ``set_header``).
_POLICY = policy.SMTP.clone(refold_source="none")
_ENCODED_WORD_START = "=?"


def set_header(message: EmailMessage, name: str, value: str | Sequence[Address]) -> None:
    """Set a header whose text comes from a workbook or an option, as that literal text.

    The email package decodes RFC 2047 encoded words when a header is set and writes the
    decoded text back out: a Title of ``=?utf-8?q?Hi=0D=0ABcc=3A_x=40evil?=`` became a real
    ``Bcc:`` line (CVE-2024-6923), and an encoded display name of ``x=40evil=2C`` an extra
    recipient. Text with no ``=?`` holds no encoded word, so the package's own handling is
    safe; text with one is encoded here, whole, as UTF-8 encoded words, so a mail client
    decodes it once, back to exactly what was typed.
    """
    texts = [value] if isinstance(value, str) else [a.display_name for a in value]
    if not any(_ENCODED_WORD_START in text for text in texts):
        message[name] = value if isinstance(value, str) else list(value)
        return
    if isinstance(value, str):
        message.set_raw(name, _encoded_words(name, value))
        return
    entries = [
        f"{_encoded_words(name, a.display_name)} <{a.addr_spec}>" if a.display_name
        else f"<{a.addr_spec}>"
        for a in value
    ]  # fmt: skip
    message.set_raw(name, ",\r\n ".join(entries))


def _encoded_words(name: str, text: str) -> str:
    """``text`` as UTF-8 encoded words, folded onto lines the way RFC 5322 asks."""
    return Header(text, "utf-8", header_name=name).encode(linesep="\r\n")


# ---------------------------------------------------------------------------------------------
# The message


def read_attachment(path: Path) -> Attachment:
    """Read a file to attach, with its MIME type (Word, PDF, Excel; anything else as bytes)."""
    data = read_bytes_or_raise(path, SendError)
    maintype, subtype = MIME_TYPES.get(path.suffix.lower(), ("application", "octet-stream"))
    return Attachment(path.name, data, maintype, subtype)


def pdf_beside(report_path: Path) -> tuple[Path | None, Path | None]:
    """The PDF made beside the report, to attach, or the one left out because it is older."""
    pdf = pdf_path_for(report_path)
    if pdf == report_path or not pdf.is_file():
        return None, None
    try:
        stale = pdf.stat().st_mtime < report_path.stat().st_mtime
    except OSError:
        return None, None
    return (None, pdf) if stale else (pdf, None)


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

    Text from a workbook or an option reaches the headers only as literal text (see
    ``set_header``); the subject is checked for line breaks first so the user gets a clear
    message rather than a ValueError.
    """
    if _CONTROL.search(subject):
        raise SendError(f"the subject {_quote(subject)} contains a line break or control character")
    message = EmailMessage(policy=_POLICY)
    try:
        if sender is not None:
            set_header(message, "From", [sender])
        if to:
            set_header(message, "To", to)
        if cc:
            set_header(message, "Cc", cc)
        set_header(message, "Subject", subject)
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
        set_header(draft, "Bcc", bcc)
    draft["X-Unsent"] = "1"
    write_bytes_atomically(path, draft.as_bytes(policy=_POLICY))


@dataclass
class Outgoing:
    """A message ready to send or draft, with its envelope and anything worth a warning."""

    message: EmailMessage
    to: list[Address]
    cc: list[Address]
    bcc: list[Address]
    attachments: list[Attachment]
    warnings: list[str]
    stale_pdf: Path | None = None  # the PDF beside the report, left out as older than it

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
    stale_pdf = None
    if pdf is None:
        pdf, stale_pdf = pdf_beside(report_path)
    if pdf is not None:
        attachments.append(read_attachment(pdf))
    if to:
        to_addresses = [parse_address(text, "To") for text in to]
    else:
        to_addresses, missing = distribution_addresses(distribution)
        warnings.extend(missing)
    cc_addresses = [parse_address(text, "Cc") for text in cc]
    bcc_addresses = [parse_address(text, "Bcc") for text in bcc]
    if not (draft or to_addresses or cc_addresses or bcc_addresses):
        raise SendError(NO_RECIPIENTS, settings=("to", "distribution"))
    fields = report or ReportFields()
    message = build_message(
        attachments,
        parse_address(sender, "From") if sender else None,
        to_addresses,
        cc_addresses,
        default_subject(fields) if subject is None else subject.strip(),
        default_body(fields, attachments) if body is None else body,
    )
    outgoing = Outgoing(
        message, to_addresses, cc_addresses, bcc_addresses, attachments, warnings, stale_pdf
    )
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
    anyone was sent the message (only the server's answer to the message itself decides
    that), and what to check; no form of the password is ever in it.
    """
    if not settings.host:
        raise SendError("no mail server: give the server's name", settings=("host",))
    if settings.security == "none" and not is_loopback(settings.host):
        raise SendError(
            f"security none is only allowed to localhost, not {settings.host}",
            settings=("security",),
        )
    if not settings.sender:
        raise SendError("no sender address: give the address to send from", settings=("sender",))
    if not envelope:
        raise SendError(NO_RECIPIENTS, settings=("to", "distribution"))
    if settings.user and not settings.password:
        raise SendError(f"no password for {settings.user}", settings=("password",))
    sender = parse_address(settings.sender, "From").addr_spec
    try:
        return _deliver(message, settings, sender, envelope)
    except SendError as error:
        error.args = (_scrub(str(error), settings),)
        raise


# A reply is a few lines; a server that keeps talking is refused before it fills the memory.
REPLY_LIMIT = 64 * 1024
REPLY_LINES = 200
# The whole session, however the server trickles: this many times the timeout.
SESSION_TIMEOUTS = 20

_NOTHING_SENT = "nothing was sent"


class _ReplyTooLong(OSError):
    """The server's reply went on past REPLY_LIMIT bytes or REPLY_LINES lines."""


class _BoundedReader:
    """The socket's reader, allowing one reply at most REPLY_LIMIT bytes in REPLY_LINES lines."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.used = 0
        self.lines = 0

    def readline(self, size: int = -1) -> bytes:
        line: bytes = self.inner.readline(size)
        self.used += len(line)
        self.lines += 1
        if self.used > REPLY_LIMIT or self.lines > REPLY_LINES:
            raise _ReplyTooLong
        return line

    def close(self) -> None:
        self.inner.close()


class _BoundedSession:
    """What boardpack asks of smtplib beyond the standard: bounded replies, UTF-8 logins."""

    file: Any
    sock: Any

    def getreply(self) -> tuple[int, bytes]:
        # A fresh allowance for every reply: smtplib itself reads continuation lines
        # ("250-...") for as long as the server sends them.
        if self.file is None and self.sock is not None:
            self.file = self.sock.makefile("rb")
        if self.file is not None:
            self.file = _BoundedReader(getattr(self.file, "inner", self.file))
        return super().getreply()  # type: ignore[misc]

    def auth(
        self, mechanism: str, authobject: Any, *, initial_response_ok: bool = True
    ) -> tuple[int, bytes]:
        """smtplib's AUTH exchange with the secret encoded as UTF-8 (RFC 4616), not ASCII."""
        mechanism = mechanism.upper()
        initial = authobject() if initial_response_ok else None
        if initial is not None:
            code, reply = self.docmd("AUTH", f"{mechanism} {_base64(initial)}")
        else:
            code, reply = self.docmd("AUTH", mechanism)
        rounds = 0
        while code == 334 and rounds < 5:
            rounds += 1
            challenge = base64.b64decode(reply)
            code, reply = self.docmd(_base64(authobject(challenge)))
        if code in (235, 503):
            return code, reply
        raise smtplib.SMTPAuthenticationError(code, reply)

    def auth_cram_md5(self, challenge: Any = None) -> str:
        if challenge is None:
            return ""  # CRAM-MD5 waits for the server's challenge
        user, password = self.user, self.password  # type: ignore[attr-defined]
        digest = hmac.new(password.encode("utf-8"), challenge, "md5").hexdigest()
        return f"{user} {digest}"

    def docmd(self, cmd: str, args: str = "") -> tuple[int, bytes]:
        return super().docmd(cmd, args)  # type: ignore[misc]


class _SMTP(_BoundedSession, smtplib.SMTP):  # type: ignore[misc]
    pass


class _SMTPSSL(_BoundedSession, smtplib.SMTP_SSL):  # type: ignore[misc]
    pass


def _base64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


class _Watchdog:
    """Ends a session that runs past its time by shutting its socket, whatever it is doing."""

    def __init__(self, smtp: smtplib.SMTP, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._smtp = smtp
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        self.expired = True
        sock = self._smtp.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _deliver(
    message: EmailMessage, settings: SmtpSettings, sender: str, envelope: Sequence[str]
) -> SendReport:
    server = settings.server
    context = _tls_context(settings) if settings.security != "none" else None
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = _SMTPSSL(timeout=settings.timeout, context=context)
    else:
        smtp = _SMTP(timeout=settings.timeout)
    payload = _flatten(message)
    watchdog = _Watchdog(smtp, settings.timeout * SESSION_TIMEOUTS)
    stage = _Stage()
    try:
        with watchdog:
            # The name TLS checks the certificate against, as SMTP(host) would set it.
            smtp._host = settings.host  # type: ignore[union-attr]
            smtp.connect(settings.host, settings.port)
            if settings.security == "starttls":
                try:
                    smtp.starttls(context=context)
                except smtplib.SMTPNotSupportedError:
                    raise SendError(
                        f"{server} does not offer STARTTLS; if it expects TLS from the start "
                        "(usually port 465), use security ssl",
                        settings=("security",),
                    ) from None
            if settings.user:
                stage.now = "login"
                _login(smtp, settings)
            stage.now = "envelope"
            accepted, refused = _envelope(smtp, server, sender, envelope, len(payload))
            _send_data(smtp, server, payload, stage)
    except SendError:
        smtp.close()
        raise
    except KeyboardInterrupt:
        smtp.close()
        if stage.now == "confirm":
            raise Interrupted(
                f"interrupted after the whole message went to {server} but before it confirmed "
                "it, so it may or may not have been delivered; ask a recipient or your mail "
                "administrator before sending it again"
            ) from None
        raise Interrupted(f"interrupted; {_NOTHING_SENT}") from None
    except Exception as error:
        smtp.close()
        raise _failure(error, settings, stage, watchdog) from None
    _quit_quietly(smtp)
    if refused:
        raise RecipientsRefused(
            f"{server} refused {_refusals(refused)}; the others were sent it: "
            + ", ".join(accepted),
            {to: _response(*reply) for to, reply in refused.items()},
            accepted,
        )
    return SendReport(server, tuple(accepted))


@dataclass
class _Stage:
    """How far a session got: before "confirm" nothing can have been delivered."""

    now: str = "connect"


def _flatten(message: EmailMessage) -> bytes:
    """The message as sent: CRLF line ends, headers as built (never refolded)."""
    buffer = io.BytesIO()
    BytesGenerator(buffer, policy=_POLICY).flatten(message, linesep="\r\n")
    return buffer.getvalue()


def _envelope(
    smtp: smtplib.SMTP, server: str, sender: str, envelope: Sequence[str], size: int
) -> tuple[list[str], dict[str, tuple[int, bytes]]]:
    """MAIL FROM and RCPT TO: who the server will take the message for."""
    smtp.ehlo_or_helo_if_needed()
    options = [f"SIZE={size}"] if smtp.has_extn("size") else []
    code, reply = smtp.mail(sender, options)
    if code != 250:
        raise _mail_from_refused(server, sender, code, reply, size)
    accepted: list[str] = []
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in envelope:
        code, reply = smtp.rcpt(recipient)
        if code in (250, 251):
            accepted.append(recipient)
        elif code == 421:
            # The server is closing the session: the message was never sent to anyone.
            raise SendError(
                f"{server} ended the session at the recipient {recipient} "
                f"({_response(code, reply)}); {_NOTHING_SENT}; try again later"
            )
        else:
            refused[recipient] = (code, reply)
    if not accepted:
        raise RecipientsRefused(
            f"{server} refused every recipient ({_refusals(refused)}); {_NOTHING_SENT}",
            {to: _response(*reply) for to, reply in refused.items()},
            (),
        )
    return accepted, refused


def _mail_from_refused(server: str, sender: str, code: int, reply: bytes, size: int) -> SendError:
    """What a refusal at MAIL FROM means: the size, a login, a busy server, or the sender."""
    answer = _response(code, reply)
    settings: tuple[str, ...] = ()
    if code == 552 or _enhanced_status(reply).startswith("5.3.4"):
        reason = (
            f"the message ({format_size(size)}) is larger than it accepts; "
            "attach the PDF alone, or share the report another way"
        )
    elif code == 530 or _enhanced_status(reply).startswith("5.7.0"):
        reason, settings = "it wants a login first; give the login", ("user",)
    elif 400 <= code < 500:
        reason = "it is busy or limiting mail for now; try again later"
    else:
        reason, settings = f"it will not accept mail from {sender}; check the sender", ("sender",)
    return SendError(
        f"{server} refused to start the message ({answer}): {_NOTHING_SENT}; {reason}",
        settings=settings,
    )


def _send_data(smtp: smtplib.SMTP, server: str, payload: bytes, stage: _Stage) -> None:
    """DATA, the message, and the server's one answer that says whether it took it."""
    code, reply = smtp.docmd("DATA")
    if code != 354:
        raise SendError(f"{server} refused the message ({_response(code, reply)}); {_NOTHING_SENT}")
    quoted = re.sub(rb"(?m)^\.", b"..", payload)
    if not quoted.endswith(b"\r\n"):
        quoted += b"\r\n"
    smtp.send(quoted + b".\r\n")
    stage.now = "confirm"
    code, reply = smtp.getreply()
    stage.now = "answered"
    if code != 250:
        later = "; try again later" if 400 <= code < 500 else ""
        raise SendError(
            f"{server} refused the message ({_response(code, reply)}); {_NOTHING_SENT}{later}"
        )


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    """Say goodbye; the message is already accepted, so nothing the server says now matters."""
    try:
        smtp.quit()
    except Exception:  # a 421 to QUIT, a dropped line, silence: all after the fact
        smtp.close()


def _failure(
    error: Exception, settings: SmtpSettings, stage: _Stage, watchdog: _Watchdog
) -> SendError:
    """The one-line message for an exception during a session, by how far it got."""
    server = settings.server
    if stage.now == "confirm":
        why = (
            f"it ran past {watchdog.seconds:g} seconds"
            if watchdog.expired
            else _one_line(str(error)) or type(error).__name__
        )
        return DeliveryUncertain(
            f"{server} took the whole message but never confirmed it ({why}), so it may or may "
            "not have been delivered; ask a recipient or your mail administrator before "
            "sending it again"
        )
    if watchdog.expired:
        return SendError(
            f"{server}: the session ran past {watchdog.seconds:g} seconds "
            f"({SESSION_TIMEOUTS} times the timeout); {_NOTHING_SENT}; raise the timeout for a "
            "slow connection",
            settings=("timeout",),
        )
    if isinstance(error.__context__, _ReplyTooLong) or isinstance(error, _ReplyTooLong):
        return SendError(
            f"{server} sent a reply longer than {format_size(REPLY_LIMIT)} or "
            f"{REPLY_LINES} lines, which no mail server needs; {_NOTHING_SENT}; "
            "check the server name and port",
            settings=("host", "port"),
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        if isinstance(error.__context__, TimeoutError):
            return _timed_out(settings)
        detail = _one_line(str(error)) or "no reason given"
        return SendError(
            f"{server} closed the connection ({detail}); {_NOTHING_SENT}; "
            "check the port and security (465 expects ssl, 587 starttls)",
            settings=("port", "security"),
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return SendError(
            f"{server} answered {_response(error.smtp_code, error.smtp_error)}; {_NOTHING_SENT}"
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = _one_line(error.verify_message or error.reason or str(error))
        return SendError(
            f"{server}: the server's certificate could not be verified ({reason}); "
            f"{_NOTHING_SENT}; if your organisation uses its own certificate authority, "
            "give its certificate",
            settings=("cafile",),
        )
    if isinstance(error, ssl.SSLError):
        reason = _one_line(error.reason or str(error))
        return SendError(
            f"{server}: the secure connection failed ({reason}); {_NOTHING_SENT}; "
            "check the security (465 expects ssl, 587 starttls)",
            settings=("security",),
        )
    if isinstance(error, ConnectionRefusedError):
        return SendError(
            f"could not connect to {server} (connection refused); check the server name and port",
            settings=("host", "port"),
        )
    if isinstance(error, socket.gaierror):
        return SendError(
            f"could not find the mail server {settings.host}; check the server name",
            settings=("host",),
        )
    if isinstance(error, TimeoutError):
        return _timed_out(settings)
    if isinstance(error, smtplib.SMTPException):
        return SendError(f"{server}: {_one_line(str(error))}; {_NOTHING_SENT}")
    if isinstance(error, OSError):
        reason = _one_line(error.strerror or str(error))
        return SendError(f"could not connect to {server} ({reason}); {_NOTHING_SENT}")
    raise error


def _timed_out(settings: SmtpSettings) -> SendError:
    return SendError(
        f"{settings.server} did not answer within {settings.timeout:g} seconds; nothing was sent; "
        "check the server name, port and security (465 expects ssl, 587 starttls)",
        settings=("host", "port", "security"),
    )


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """Verification always on: a ``cafile`` trusts a private authority, never switches it off."""
    if settings.cafile is None:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=str(settings.cafile))
    except FileNotFoundError:
        raise SendError(
            f"{settings.cafile}: no such certificate file", settings=("cafile",)
        ) from None
    except (ssl.SSLError, OSError, ValueError):
        raise SendError(
            f"{settings.cafile}: not a PEM certificate file that can be trusted",
            settings=("cafile",),
        ) from None


def _login(smtp: smtplib.SMTP, settings: SmtpSettings) -> None:
    """Log in; a refusal is reported by its codes only, since servers quote what was sent."""
    try:
        smtp.login(settings.user, settings.password)
    except smtplib.SMTPAuthenticationError as error:
        codes = " ".join(filter(None, (str(error.smtp_code), _enhanced_status(error.smtp_error))))
        raise SendError(
            f"{settings.server} refused the login for {settings.user} ({codes}); nothing was "
            "sent; check the login and password",
            settings=("user", "password"),
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise SendError(
            f"{settings.server} does not offer a login (AUTH) on this connection; "
            "leave out the login, or check the security",
            settings=("user", "security"),
        ) from None
    except smtplib.SMTPServerDisconnected:
        raise
    except smtplib.SMTPException:
        raise SendError(
            f"{settings.server}: could not log in as {settings.user} (the server's answers to "
            "the login were not understood); nothing was sent"
        ) from None


_ENHANCED_STATUS = re.compile(rb"\s*([245]\.[0-9]{1,3}\.[0-9]{1,3})\b")


def _enhanced_status(reply: bytes | str) -> str:
    """The RFC 3463 status at the start of a reply ("5.7.8"), or ""."""
    data = reply.encode("utf-8", "replace") if isinstance(reply, str) else reply
    found = _ENHANCED_STATUS.match(data)
    return found.group(1).decode() if found else ""


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


def _scrub(text: str, settings: SmtpSettings) -> str:
    """A last guard: no form of the password a server might echo back is ever printed.

    The password as typed and as one-lined here (spaces collapsed, control characters
    shown), and the base64 that AUTH PLAIN and AUTH LOGIN send it in.
    """
    secret = settings.password
    if not secret:
        return text
    plain = f"\0{settings.user}\0{secret}"
    forms = {
        secret,
        secret.strip(),
        _one_line(secret),
        _quote(secret)[1:-1],
        *(
            encoded.rstrip("=")
            for encoded in (_base64(secret), _base64(plain), _base64(settings.user + "\0" + secret))
        ),
    }
    for form in sorted((f for f in forms if len(f) >= 3), key=len, reverse=True):
        text = text.replace(form, "********")
    return text
