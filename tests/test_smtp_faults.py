"""The mail server and the workbook as an attacker or a flaky network would have them.

Headers are checked in the bytes the server received and the draft on disk, not only in what
was asked for; misbehaving servers are small hand-written ones on 127.0.0.1 that follow a
script (tests/smtp_servers.py), so each fault is exactly the one named.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import action_row, write_plan
from smtp_servers import LOOPBACK, Script, Server, parsed, scripted

from generator.cli import main
from generator.deliver import mailer

# No CR or LF typed anywhere: each would decode to header lines (CVE-2024-6923 and display
# names written back unquoted).
TITLE = (
    "=?utf-8?q?Progress=0D=0ABcc=3A_leak=40attacker=2Eexample=0D=0A"
    "Reply-To=3A_leak=40attacker=2Eexample?="
)
NAME = "=?utf-8?q?leak2=40attacker=2Eexample=2C?="
CHAIR = "chair@council.example"
SENDER = "pmo@council.example"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "board-report.docx"
    path.write_bytes(b"PK\x03\x04 a report")
    return path


def hostile_plan(path: Path) -> Path:
    """A valid plan whose Report Title and Distribution Name are encoded words."""
    write_plan(path, [action_row()])
    book = openpyxl.load_workbook(path)
    fields = book.create_sheet("Report")
    fields.append(["Field", "Value"])
    fields.append(["Title", TITLE])
    fields.append(["Meeting date", dt.date(2026, 11, 30)])
    people = book.create_sheet("Distribution")
    people.append(["Name", "Email"])
    people.append([NAME, CHAIR])
    for cell in (fields["B2"], people["A2"]):
        cell.data_type = "s"  # text, not a formula, although it starts with "="
    book.save(path)
    return path


def send(*args: str, password: str | None = None) -> tuple[int, str]:
    env = {"BOARDPACK_SMTP_PASSWORD": password} if password is not None else {}
    result = CliRunner().invoke(main, ["send", *args], env=env)
    assert "Traceback" not in result.output and "This is a bug" not in result.output
    return result.exit_code, result.output


def to_port(port: int, *more: str) -> list[str]:
    return [
        "--smtp-host", LOOPBACK, "--smtp-port", str(port), "--security", "none",
        "--from", SENDER, "--timeout", "3", *more,
    ]  # fmt: skip


def header_lines(data: bytes) -> list[str]:
    """The header section's field names, as any mail program splits them."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return [line.split(":", 1)[0] for line in head.split("\r\n") if line and line[0] not in " \t"]


# --- 1. Encoded words reach headers only as literal text ----------------------------------------


def test_encoded_words_in_title_and_names_add_no_header_or_recipient_when_sent(
    plain_server: Server, report: Path, tmp_path: Path
) -> None:
    plan = hostile_plan(tmp_path / "plan.xlsx")
    code, output = send(str(report), "--workbook", str(plan), *to_port(plain_server.port))
    assert code == 0, output
    assert "Sent to 1 recipient" in output
    (received,) = plain_server.received
    assert received.rcpt_tos == [CHAIR]
    names = header_lines(received.content)
    assert "Bcc" not in names and "Reply-To" not in names
    message = parsed(received.content)
    assert TITLE in str(message["Subject"])  # decoded once: exactly what was typed
    (address,) = message["To"].addresses
    assert (address.display_name, address.addr_spec) == (NAME, CHAIR)


def test_encoded_words_stay_literal_in_the_draft(report: Path, tmp_path: Path) -> None:
    plan = hostile_plan(tmp_path / "plan.xlsx")
    draft = tmp_path / "draft.eml"
    code, output = send(str(report), "--workbook", str(plan), "--eml", str(draft),
                        "--bcc", f"{NAME} <observer@council.example>")  # fmt: skip
    assert code == 0, output
    data = draft.read_bytes()
    assert [n for n in header_lines(data) if n in ("Bcc", "Reply-To", "To")] == ["To", "Bcc"]
    message = parsed(data)
    assert TITLE in str(message["Subject"])
    assert [a.addr_spec for a in message["To"].addresses] == [CHAIR]
    assert [a.addr_spec for a in message["Bcc"].addresses] == ["observer@council.example"]


def test_ordinary_text_is_written_as_before(report: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.eml"
    code, _ = send(str(report), "--to", "Siân Jones <sian@council.example>", "--subject",
                   "Board, 30 November 2026: Progress", "--eml", str(draft))  # fmt: skip
    assert code == 0
    data = draft.read_bytes()
    assert b"Subject: Board, 30 November 2026: Progress\r\n" in data
    assert str(parsed(data)["To"]) == "Siân Jones <sian@council.example>"


# --- 3. Only the server's answer to the message decides whether it was sent ----------------------


def test_a_421_to_quit_after_the_message_was_accepted_is_a_success(report: Path) -> None:
    script = Script(quit="421 4.4.2 Closing anyway")
    with scripted(script) as port:
        code, output = send(str(report), "--to", CHAIR, *to_port(port))
    assert code == 0, output
    assert "Sent to 1 recipient" in output
    assert len(script.messages) == 1


def test_silence_after_the_final_dot_says_delivery_is_uncertain(report: Path) -> None:
    script = Script(after_data=None)
    with scripted(script) as port:
        code, output = send(str(report), "--to", CHAIR, *to_port(port, "--timeout", "0.5"))
    assert code == 2
    assert "may or may not have been delivered" in output
    assert "nothing was sent" not in output
    assert len(script.messages) == 1


def test_a_421_at_the_second_recipient_is_not_called_refusing_everyone(report: Path) -> None:
    script = Script(rcpt={2: "421 4.7.0 Too many connections, closing"})
    with scripted(script) as port:
        code, output = send(str(report), "--to", CHAIR, "--to", "clerk@council.example",
                            *to_port(port))  # fmt: skip
    assert code == 2
    (line,) = output.strip().splitlines()
    assert "ended the session at the recipient clerk@council.example (421 4.7.0" in line
    assert "refused every recipient" not in line and "nothing was sent" in line
    assert script.messages == []


def test_a_552_at_mail_from_is_about_the_size_not_the_sender(report: Path) -> None:
    script = Script(mail="552 5.3.4 Message size exceeds fixed limit")
    with scripted(script) as port:
        code, output = send(str(report), "--to", CHAIR, *to_port(port))
    assert code == 2
    assert "is larger than it accepts" in output and "552 5.3.4" in output
    assert "--from" not in output


def test_a_550_at_mail_from_still_points_at_the_sender(report: Path) -> None:
    script = Script(mail="550 5.7.1 Sender not allowed")
    with scripted(script) as port:
        code, output = send(str(report), "--to", CHAIR, *to_port(port))
    assert code == 2 and "check the sender (--from or BOARDPACK_SMTP_FROM)" in output


# --- 4. A session is bounded in reply size and in total time --------------------------------------


def test_continuation_lines_without_end_are_cut_off(report: Path) -> None:
    script = Script(greeting_forever=True)
    with scripted(script) as port:
        code, output = send(str(report), "--to", CHAIR, *to_port(port))
    assert code == 2
    assert "sent a reply longer than 64 KB or 200 lines" in output
    # boardpack stopped reading: the server could push little more than the socket buffers.
    assert script.greeting_bytes_sent < 16 * 1024 * 1024


def test_a_server_that_trickles_is_stopped_by_the_session_limit(
    report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mailer, "SESSION_TIMEOUTS", 4)
    # Each line arrives well within the timeout, but the answer never ends.
    script = Script(trickle_after_data=True)
    with scripted(script) as port:
        code, output = send(str(report), "--to", CHAIR, *to_port(port, "--timeout", "0.5"))
    assert code == 2
    assert "never confirmed it (it ran past 2 seconds), so it may or may not have" in output


# --- 5. The password is never printed, in any encoding; UTF-8 passwords work ----------------------


def _echo_everything(command: str) -> str:
    secret = base64.b64decode(command.split()[-1]).split(b"\0")[-1].decode("utf-8")
    return f"535 5.7.8 Authentication failed for {command} (password {secret})"


@pytest.mark.parametrize("password", ["Zebra-Kettle-4471-secret", "two  spaces  inside"])
def test_a_535_quoting_the_auth_line_prints_no_form_of_the_password(
    report: Path, password: str
) -> None:
    script = Script(auth=_echo_everything)
    with scripted(script) as port:
        code, output = send(str(report), "--to", CHAIR,
                            *to_port(port, "--smtp-user", SENDER), password=password)  # fmt: skip
    assert code == 2
    assert "refused the login for pmo@council.example (535 5.7.8)" in output
    plain = base64.b64encode(f"\0{SENDER}\0{password}".encode()).decode()
    for form in (password, " ".join(password.split()), plain, plain.rstrip("=")):
        assert form not in output


def test_a_utf8_password_logs_in(report: Path) -> None:
    password = "Pässwörd-£-ŵ"

    def check(command: str) -> str:
        sent = base64.b64decode(command.split()[-1]).decode("utf-8")
        return "235 2.7.0 OK" if sent == f"\0{SENDER}\0{password}" else "535 5.7.8 No"

    script = Script(auth=check)
    with scripted(script) as port:
        code, output = send(str(report), "--to", CHAIR,
                            *to_port(port, "--smtp-user", SENDER), password=password)  # fmt: skip
    assert code == 0, output
    assert len(script.messages) == 1
