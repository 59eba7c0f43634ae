"""The mailer core: building the message, drafts, settings, and sending to real local servers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import smtplib
from email.headerregistry import Address
from pathlib import Path

import pytest
from smtp_servers import (
    LOOPBACK,
    PASSWORD,
    REFUSED,
    USER,
    Certificates,
    Server,
    attachments_of,
    parsed,
)

from generator.deliver.mailer import (
    Outgoing,
    RecipientsRefused,
    SmtpSettings,
    compose,
    default_body,
    default_subject,
    parse_address,
    send_message,
    size_warning,
    smtp_settings,
    write_eml,
)
from generator.errors import SendError
from generator.model.plan import Recipient, ReportFields

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPORT_FIELDS = ReportFields(
    organisation="Medway Council",
    meeting="Children’s Improvement Board",
    meeting_date=dt.date(2026, 11, 30),
    title="Improvement Plan Progress Update",
    author="Sue Brunton-Reed",
)


@pytest.fixture
def report_docx(tmp_path: Path) -> Path:
    path = tmp_path / "board-report.docx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 64)  # every byte value survives
    return path


def outgoing_for(report_path: Path, **changes: object) -> Outgoing:
    options: dict[str, object] = {
        "to": ["Jane Smith <jane@council.example>", "board@council.example"],
        "cc": ["clerk@council.example"],
        "bcc": ["secret.observer@council.example"],
        "report": REPORT_FIELDS,
        "sender": "Programme Office <pmo@council.example>",
    }
    options.update(changes)
    return compose(report_path, **options)  # type: ignore[arg-type]


def settings_for(port: int, **changes: object) -> SmtpSettings:
    base = SmtpSettings(
        host=LOOPBACK, port=port, security="none", timeout=3, sender="pmo@council.example"
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


# Building --------------------------------------------------------------------------------------


def test_the_message_carries_headers_body_and_the_report_byte_for_byte(report_docx: Path) -> None:
    outgoing = outgoing_for(report_docx)
    message = parsed(outgoing.message.as_bytes())

    assert [a.addr_spec for a in message["To"].addresses] == [
        "jane@council.example",
        "board@council.example",
    ]
    assert message["To"].addresses[0].display_name == "Jane Smith"
    assert [a.addr_spec for a in message["Cc"].addresses] == ["clerk@council.example"]
    assert message["Bcc"] is None
    assert b"secret.observer" not in outgoing.message.as_bytes()
    assert message["Subject"] == (
        "Children’s Improvement Board, 30 November 2026: Improvement Plan Progress Update"
    )
    assert attachments_of(message) == {"board-report.docx": (DOCX_TYPE, report_docx.read_bytes())}
    assert outgoing.envelope == [
        "jane@council.example",
        "board@council.example",
        "clerk@council.example",
        "secret.observer@council.example",
    ]


def test_a_fresh_pdf_beside_the_report_is_attached_and_a_stale_one_is_not(
    report_docx: Path,
) -> None:
    pdf = report_docx.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.7 fresh")
    names = attachments_of(parsed(outgoing_for(report_docx).message.as_bytes()))
    assert names["board-report.pdf"] == ("application/pdf", b"%PDF-1.7 fresh")

    report_mtime = report_docx.stat().st_mtime
    os.utime(pdf, (report_mtime - 3600, report_mtime - 3600))
    stale = outgoing_for(report_docx)
    assert list(attachments_of(parsed(stale.message.as_bytes()))) == ["board-report.docx"]
    assert stale.stale_pdf == pdf


def test_to_replaces_the_distribution_list_and_missing_emails_are_warnings(
    report_docx: Path,
) -> None:
    distribution = [
        Recipient("Cllr Ann Jones", "ann.jones@council.example", "Chair"),
        Recipient("Observer without email", ""),
    ]
    from_sheet = outgoing_for(report_docx, to=[], distribution=distribution)
    assert [str(a) for a in from_sheet.to] == ["Cllr Ann Jones <ann.jones@council.example>"]
    assert from_sheet.warnings == [
        "Distribution: Observer without email has no email address, so is not sent the report"
    ]
    overridden = outgoing_for(report_docx, to=["me@council.example"], distribution=distribution)
    assert [a.addr_spec for a in overridden.to] == ["me@council.example"]


@pytest.mark.parametrize(
    "subject",
    ["Update\r\nBcc: everyone@elsewhere.example", "Update\nX-Evil: 1", "Update\rX: 1"],
)
def test_a_line_break_in_a_given_subject_is_refused(report_docx: Path, subject: str) -> None:
    with pytest.raises(SendError, match="line break"):
        outgoing_for(report_docx, subject=subject)


def test_a_line_break_in_the_workbook_title_is_folded_into_one_harmless_line(
    report_docx: Path,
) -> None:
    fields = dataclasses.replace(
        REPORT_FIELDS, title="Progress\r\nBcc: everyone@elsewhere.example", meeting="Board\n"
    )
    message = parsed(outgoing_for(report_docx, report=fields).message.as_bytes())
    assert message["Subject"] == (
        "Board, 30 November 2026: Progress Bcc: everyone@elsewhere.example"
    )
    assert message["Bcc"] is None
    assert message.get_all("Subject") == [message["Subject"]]


@pytest.mark.parametrize(
    "text",
    [
        "jane@council.example\r\nBcc: everyone@elsewhere.example",
        "Jane\nSmith <jane@council.example>",
        "jane@council.example\n",
        "jane",
        "jane@",
        "@council.example",
        "jane@localhost",
        "jane smith@council.example",
        "jane@council.example, bob@council.example",
        '"jane"@council.example',
        "jane@@council.example",
        "jané@council.example",
        "",
    ],
)
def test_bad_or_injecting_addresses_are_refused(text: str) -> None:
    with pytest.raises(SendError) as caught:
        parse_address(text, "To")
    assert "\n" not in str(caught.value) and "\r" not in str(caught.value)
    assert str(caught.value).startswith("To: ")
    assert caught.value.settings == ("to",)


def test_a_bad_distribution_address_is_refused_not_skipped(report_docx: Path) -> None:
    bad = [Recipient("Mallory", "mallory@council.example\r\nBcc: x@elsewhere.example")]
    with pytest.raises(SendError, match=r"^Distribution: .*\\r\\n"):
        outgoing_for(report_docx, to=[], distribution=bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane@council.example", Address(addr_spec="jane@council.example")),
        ("Jane Smith <jane@council.example>", Address("Jane Smith", "jane", "council.example")),
        ('"Smith, Jane" <jane@council.example>', Address("Smith, Jane", "jane", "council.example")),
        (
            "Siân O’Neill <sian.oneill@cyngor.example>",
            Address("Siân O’Neill", "sian.oneill", "cyngor.example"),
        ),
    ],
)
def test_good_addresses_are_read(text: str, expected: Address) -> None:
    assert parse_address(text, "To") == expected


def test_default_subject_and_body_use_uk_dates_and_fall_back_politely() -> None:
    assert default_subject(ReportFields()) == "Improvement plan progress report"
    assert default_subject(ReportFields(meeting_date=dt.date(2027, 1, 5), title="Update")) == (
        "5 January 2027: Update"
    )
    body = default_body(REPORT_FIELDS, [])
    assert "Children’s Improvement Board on 30 November 2026" in body
    assert "Improvement Plan Progress Update" in body
    assert body.rstrip().endswith("Kind regards,\nSue Brunton-Reed\nMedway Council")
    assert default_body(ReportFields(), []).startswith("Dear colleagues,")


def test_the_size_warning(report_docx: Path) -> None:
    message = outgoing_for(report_docx).message
    assert size_warning(message) == ""
    assert "many mail servers refuse" in size_warning(message, limit=1000)


def test_the_draft_is_marked_unsent_and_keeps_blind_copies(
    report_docx: Path, tmp_path: Path
) -> None:
    outgoing = outgoing_for(report_docx)
    draft = tmp_path / "draft.eml"
    write_eml(outgoing.message, draft, outgoing.bcc)
    message = parsed(draft.read_bytes())
    assert message["X-Unsent"] == "1"
    assert [a.addr_spec for a in message["Bcc"].addresses] == ["secret.observer@council.example"]
    assert attachments_of(message)["board-report.docx"][1] == report_docx.read_bytes()
    assert outgoing.message["X-Unsent"] is None  # the message itself is left as it was
    assert list(tmp_path.glob("*.part")) == []


# Settings -------------------------------------------------------------------------------------


def test_settings_as_typed_are_checked_and_defaulted() -> None:
    settings = smtp_settings(host=" smtp.example ", port="2525", user="pmo", password=PASSWORD)
    assert (settings.host, settings.port, settings.user, settings.security) == (
        "smtp.example",
        2525,
        "pmo",
        "starttls",
    )
    assert settings.password == PASSWORD
    assert PASSWORD not in repr(settings)
    assert smtp_settings(security="ssl").port == 465
    assert smtp_settings(user=USER).sender == USER
    assert smtp_settings(user="pmo").sender == ""
    assert smtp_settings().port == 587


@pytest.mark.parametrize("host", ["smtp.council.example", "192.0.2.10", "::2"])
def test_security_none_is_refused_for_anything_but_loopback(host: str) -> None:
    with pytest.raises(SendError, match="only allowed to this computer"):
        smtp_settings(host=host, security="none")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.9.10", "::1"])
def test_security_none_is_allowed_to_loopback(host: str) -> None:
    assert smtp_settings(host=host, security="none").security == "none"


@pytest.mark.parametrize(
    "options",
    [
        {"port": "smtp"},
        {"port": "0"},
        {"port": "70000"},
        {"port": "5.5"},
        {"timeout": "-1"},
        {"security": "tls"},
        {"sender": "not an address"},
    ],
)
def test_bad_settings_are_refused_in_one_line_naming_the_setting(options: dict[str, str]) -> None:
    with pytest.raises(SendError) as caught:
        smtp_settings(**options)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value) and "--" not in str(caught.value)
    assert caught.value.settings == tuple(options)


# Sending to real servers on 127.0.0.1 ---------------------------------------------------------


def test_a_plain_session_delivers_to_everyone_with_bcc_in_the_envelope_only(
    plain_server: Server, report_docx: Path
) -> None:
    outgoing = outgoing_for(report_docx)
    report = send_message(outgoing.message, settings_for(plain_server.port), outgoing.envelope)

    [received] = plain_server.received
    assert received.mail_from == "pmo@council.example"
    assert received.rcpt_tos == outgoing.envelope == list(report.accepted)
    message = received.message
    assert message["Bcc"] is None and b"secret.observer" not in received.content
    assert message["Subject"] == outgoing.subject
    assert attachments_of(message)["board-report.docx"] == (DOCX_TYPE, report_docx.read_bytes())


def test_starttls_verifies_against_the_given_authority_and_logs_in(
    starttls_server: Server, certificates: Certificates, report_docx: Path
) -> None:
    outgoing = outgoing_for(report_docx)
    settings = settings_for(
        starttls_server.port,
        security="starttls",
        cafile=certificates.ca,
        user=USER,
        password=PASSWORD,
    )
    send_message(outgoing.message, settings, outgoing.envelope)
    assert len(starttls_server.received) == 1


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(
    starttls_server: Server, report_docx: Path
) -> None:
    outgoing = outgoing_for(report_docx)
    settings = settings_for(starttls_server.port, security="starttls", user=USER, password=PASSWORD)
    with pytest.raises(SendError, match="certificate could not be verified") as caught:
        send_message(outgoing.message, settings, outgoing.envelope)
    assert "nothing was sent" in str(caught.value) and caught.value.settings == ("cafile",)
    assert starttls_server.received == []


def test_implicit_tls(ssl_server: Server, certificates: Certificates, report_docx: Path) -> None:
    outgoing = outgoing_for(report_docx)
    settings = settings_for(ssl_server.port, security="ssl", cafile=certificates.ca)
    send_message(outgoing.message, settings, outgoing.envelope)
    assert len(ssl_server.received) == 1


def test_starttls_to_a_server_without_it_says_so(plain_server: Server, report_docx: Path) -> None:
    outgoing = outgoing_for(report_docx)
    with pytest.raises(SendError, match="does not offer STARTTLS"):
        send_message(
            outgoing.message,
            settings_for(plain_server.port, security="starttls"),
            outgoing.envelope,
        )


def test_a_wrong_password_is_an_authentication_failure_without_the_password(
    plain_auth_server: Server, report_docx: Path
) -> None:
    outgoing = outgoing_for(report_docx)
    wrong = PASSWORD + "-wrong"
    settings = settings_for(plain_auth_server.port, user=USER, password=wrong)
    with pytest.raises(SendError, match=f"refused the login for {USER}") as caught:
        send_message(outgoing.message, settings, outgoing.envelope)
    assert PASSWORD not in str(caught.value) and "\n" not in str(caught.value)
    assert plain_auth_server.received == []


def test_a_refused_recipient_is_named_and_the_others_still_get_it(
    plain_server: Server, report_docx: Path
) -> None:
    outgoing = outgoing_for(report_docx, to=["jane@council.example", REFUSED], cc=[], bcc=[])
    with pytest.raises(RecipientsRefused) as caught:
        send_message(outgoing.message, settings_for(plain_server.port), outgoing.envelope)
    assert list(caught.value.refused) == [REFUSED]
    assert caught.value.accepted == ("jane@council.example",)
    assert REFUSED in str(caught.value) and "the others were sent it" in str(caught.value)
    assert [r.rcpt_tos for r in plain_server.received] == [["jane@council.example"]]


def test_when_every_recipient_is_refused_nothing_is_sent(
    plain_server: Server, report_docx: Path
) -> None:
    outgoing = outgoing_for(report_docx, to=[REFUSED], cc=[], bcc=[])
    with pytest.raises(RecipientsRefused, match=r"refused every recipient.*nothing was sent"):
        send_message(outgoing.message, settings_for(plain_server.port), outgoing.envelope)
    assert plain_server.received == []


def test_connection_refused(closed_port: int, report_docx: Path) -> None:
    outgoing = outgoing_for(report_docx)
    with pytest.raises(SendError, match=rf"could not connect to {LOOPBACK}:{closed_port} "):
        send_message(outgoing.message, settings_for(closed_port), outgoing.envelope)


def test_a_server_that_hangs_up(dropping_port: int, report_docx: Path) -> None:
    outgoing = outgoing_for(report_docx)
    with pytest.raises(SendError, match=r"closed the connection.*nothing was sent"):
        send_message(outgoing.message, settings_for(dropping_port), outgoing.envelope)


def test_a_silent_server_times_out(silent_port: int, report_docx: Path) -> None:
    outgoing = outgoing_for(report_docx)
    with pytest.raises(SendError, match=r"did not answer within 0\.3 seconds"):
        send_message(outgoing.message, settings_for(silent_port, timeout=0.3), outgoing.envelope)


def test_security_none_is_refused_again_at_send_time(report_docx: Path) -> None:
    outgoing = outgoing_for(report_docx)
    settings = settings_for(1, host="smtp.council.example")
    with pytest.raises(SendError, match="only allowed to localhost"):
        send_message(outgoing.message, settings, outgoing.envelope)


def test_a_password_echoed_by_the_server_is_scrubbed(
    monkeypatch: pytest.MonkeyPatch, plain_auth_server: Server, report_docx: Path
) -> None:
    def echoing_login(self: smtplib.SMTP, user: str, password: str) -> None:
        raise smtplib.SMTPAuthenticationError(535, f"bad password {password}".encode())

    monkeypatch.setattr(smtplib.SMTP, "login", echoing_login)
    outgoing = outgoing_for(report_docx)
    settings = settings_for(plain_auth_server.port, user=USER, password=PASSWORD)
    with pytest.raises(SendError) as caught:
        send_message(outgoing.message, settings, outgoing.envelope)
    # Only the reply's codes are shown: a server may quote what it was sent.
    assert PASSWORD not in str(caught.value) and "bad password" not in str(caught.value)
