"""`boardpack send` from the command line, against real SMTP servers on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
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

from generator.cli import main
from generator.read.guard import Limits

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPO = Path(__file__).resolve().parent.parent
SMTP_VARIABLES = ("HOST", "PORT", "USER", "PASSWORD", "SECURITY", "FROM", "CAFILE", "TIMEOUT")


@pytest.fixture
def report_docx(tmp_path: Path) -> Path:
    path = tmp_path / "board-report.docx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 200)
    return path


def clean_environment(**variables: str) -> dict[str, str | None]:
    """No BOARDPACK_SMTP_* from the machine running the tests, only the ones given."""
    environment: dict[str, str | None] = {f"BOARDPACK_SMTP_{n}": None for n in SMTP_VARIABLES}
    environment.update({f"BOARDPACK_SMTP_{name}": value for name, value in variables.items()})
    return environment


def run(args: list[str], expected_exit: int, **variables: str) -> Result:
    """Run the CLI; on a surprise, show what it printed."""
    result = CliRunner().invoke(main, args, env=clean_environment(**variables))
    assert result.exit_code == expected_exit, (
        f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    )
    if expected_exit == 2:
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
    return result


def via(port: int, *extra: str) -> list[str]:
    return [
        "--smtp-host",
        LOOPBACK,
        "--smtp-port",
        str(port),
        "--security",
        "none",
        "--timeout",
        "3",
        "--from",
        "Programme Office <pmo@council.example>",
        *extra,
    ]


def test_send_has_help_with_an_example() -> None:
    result = run(["send", "--help"], 0)
    assert "boardpack send board-report.docx" in result.stdout
    assert "--smtp-password" not in result.stdout


def test_a_plain_send_reaches_everyone_with_bcc_only_in_the_envelope(
    plain_server: Server, report_docx: Path
) -> None:
    pdf = report_docx.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.7 the same report")
    args = ["send", str(report_docx), "--to", "Jane Smith <jane@council.example>"]
    args += ["--to", "board@council.example", "--cc", "clerk@council.example"]
    args += ["--bcc", "observer@council.example", "--subject", "Board papers: 30 November 2026"]
    result = run(args + via(plain_server.port), 0)

    assert result.stdout == f"Sent to 4 recipients via {LOOPBACK}:{plain_server.port}.\n"
    [received] = plain_server.received
    assert received.rcpt_tos == [
        "jane@council.example",
        "board@council.example",
        "clerk@council.example",
        "observer@council.example",
    ]
    message = received.message
    assert [str(a) for a in message["To"].addresses] == [
        "Jane Smith <jane@council.example>",
        "board@council.example",
    ]
    assert [a.addr_spec for a in message["Cc"].addresses] == ["clerk@council.example"]
    assert message["Bcc"] is None and b"observer@" not in received.content
    assert message["Subject"] == "Board papers: 30 November 2026"
    assert attachments_of(message) == {
        "board-report.docx": (DOCX_TYPE, report_docx.read_bytes()),
        "board-report.pdf": ("application/pdf", pdf.read_bytes()),
    }


def test_settings_come_from_the_environment(plain_server: Server, report_docx: Path) -> None:
    run(
        ["send", str(report_docx), "--to", "jane@council.example"],
        0,
        HOST=LOOPBACK,
        PORT=str(plain_server.port),
        SECURITY="none",
        FROM="pmo@council.example",
    )
    assert [r.mail_from for r in plain_server.received] == ["pmo@council.example"]


def test_the_body_file_is_the_body(plain_server: Server, report_docx: Path, tmp_path: Path) -> None:
    body = tmp_path / "body.txt"
    body.write_text("Dear Board,\n\nPapers attached.\n\nAnn\n", encoding="utf-8-sig")
    args = ["send", str(report_docx), "--to", "jane@council.example", "--body-file", str(body)]
    run(args + via(plain_server.port), 0)
    text = plain_server.received[0].message.get_body(("plain",))
    assert text is not None
    assert text.get_content().replace("\r\n", "\n") == "Dear Board,\n\nPapers attached.\n\nAnn\n"


def test_starttls_with_login_and_a_private_authority(
    starttls_server: Server, certificates: Certificates, report_docx: Path
) -> None:
    args = ["send", str(report_docx), "--to", "jane@council.example"]
    args += ["--smtp-host", LOOPBACK, "--smtp-port", str(starttls_server.port)]
    args += ["--smtp-user", USER, "--from", USER, "--cafile", str(certificates.ca)]
    result = run(args, 0, PASSWORD=PASSWORD)
    assert PASSWORD not in result.output
    [received] = starttls_server.received
    assert attachments_of(received.message)["board-report.docx"][1] == report_docx.read_bytes()


def test_a_wrong_password_fails_in_one_line_without_printing_it(
    plain_auth_server: Server, report_docx: Path
) -> None:
    wrong = PASSWORD + "-typo"
    args = ["send", str(report_docx), "--to", "jane@council.example", "--smtp-user", USER]
    result = run(args + via(plain_auth_server.port), 2, PASSWORD=wrong)
    assert f"refused the login for {USER}" in result.stderr
    assert "nothing was sent" in result.stderr
    assert PASSWORD not in result.output and wrong not in result.output


def test_options_win_over_the_environment(report_docx: Path) -> None:
    args = ["send", str(report_docx), "--to", "jane@council.example", "--dry-run"]
    environment = {"HOST": "smtp.env.example", "PORT": "2525", "USER": "env-user"}
    result = run([*args, "--smtp-host", "smtp.option.example"], 0, SECURITY="ssl", **environment)
    assert "Server:  smtp.option.example:2525 (ssl, as env-user)" in result.stdout.splitlines()


def test_a_wrong_setting_names_its_option_and_variable(report_docx: Path) -> None:
    args = ["send", str(report_docx), "--to", "jane@council.example", "--dry-run"]
    result = run(args, 2, PORT="smtp")
    assert result.stderr.strip() == (
        'boardpack: "smtp" is not a positive number; check the port '
        "(--smtp-port or BOARDPACK_SMTP_PORT)"
    )


def test_a_stale_pdf_is_left_out_saying_how_to_attach_it(report_docx: Path) -> None:
    pdf = report_docx.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.7 last month")
    when = report_docx.stat().st_mtime - 3600
    os.utime(pdf, (when, when))
    result = run(["send", str(report_docx), "--to", "jane@council.example", "--dry-run"], 0)
    assert result.stderr.startswith(
        "Warning: board-report.pdf is older than board-report.docx, so it is not attached; "
        f"give --pdf {pdf} to attach it anyway"
    )


def test_without_a_password_or_a_terminal_it_says_where_the_password_goes(
    plain_auth_server: Server, report_docx: Path
) -> None:
    args = ["send", str(report_docx), "--to", "jane@council.example", "--smtp-user", USER]
    result = run(args + via(plain_auth_server.port), 2)
    assert "BOARDPACK_SMTP_PASSWORD" in result.stderr
    assert plain_auth_server.received == []


def test_the_password_never_appears_in_a_real_process_output(
    plain_auth_server: Server, report_docx: Path
) -> None:
    """End to end in a subprocess, through a failure and a success."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BOARDPACK_SMTP_")}
    environment["PYTHONPATH"] = str(REPO)
    command = [sys.executable, "-m", "generator", "send", str(report_docx)]
    command += ["--to", "jane@council.example", "--smtp-user", USER, *via(plain_auth_server.port)]
    outputs = []
    for password, expected_exit in ((PASSWORD + "x", 2), (PASSWORD, 0)):
        environment["BOARDPACK_SMTP_PASSWORD"] = password
        done = subprocess.run(
            command, capture_output=True, text=True, env=environment, cwd=REPO, timeout=30
        )
        assert done.returncode == expected_exit, done.stderr
        outputs.append(done.stdout + done.stderr)
    assert all(PASSWORD not in output for output in outputs)
    assert "Traceback" not in outputs[0]
    assert len(plain_auth_server.received) == 1


def test_a_refused_recipient_is_named_and_the_others_were_sent_it(
    plain_server: Server, report_docx: Path
) -> None:
    args = ["send", str(report_docx), "--to", "jane@council.example", "--to", REFUSED]
    result = run(args + via(plain_server.port), 2)
    assert REFUSED in result.stderr and "550" in result.stderr
    assert "the others were sent it: jane@council.example" in result.stderr
    assert [r.rcpt_tos for r in plain_server.received] == [["jane@council.example"]]


@pytest.mark.parametrize("fixture", ["dropping_port", "closed_port", "silent_port"])
def test_a_server_that_hangs_up_refuses_or_says_nothing_exits_2(
    fixture: str, request: pytest.FixtureRequest, report_docx: Path
) -> None:
    port = request.getfixturevalue(fixture)
    args = ["send", str(report_docx), "--to", "jane@council.example", *via(port)]
    args += ["--timeout", "0.3"]
    result = run(args, 2)
    assert f"{LOOPBACK}:{port}" in result.stderr


def test_connection_refused_says_what_to_check(closed_port: int, report_docx: Path) -> None:
    result = run(["send", str(report_docx), "--to", "jane@council.example", *via(closed_port)], 2)
    assert result.stderr == (
        f"boardpack: could not connect to {LOOPBACK}:{closed_port} (connection refused); "
        "check the server name and port (--smtp-host, --smtp-port)\n"
    )


def test_security_none_to_another_machine_is_refused_before_connecting(
    report_docx: Path,
) -> None:
    # 192.0.2.0/24 is reserved for documentation: nothing there could answer anyway.
    args = ["send", str(report_docx), "--to", "jane@council.example", "--from", USER]
    args += ["--smtp-host", "192.0.2.25", "--security", "none"]
    result = run(args, 2)
    assert result.stderr.startswith("boardpack: security none sends the password and the report")
    assert (
        "192.0.2.25" in result.stderr and "(--security or BOARDPACK_SMTP_SECURITY)" in result.stderr
    )


@pytest.mark.parametrize(
    "option",
    [
        ["--subject", "Papers\r\nBcc: everyone@elsewhere.example"],
        ["--to", "jane@council.example\r\nBcc: everyone@elsewhere.example"],
        ["--cc", "Jane\n<jane@council.example>"],
        ["--bcc", "not-an-address"],
        ["--from", "pmo@council.example\nX-Evil: 1"],
    ],
)
def test_header_injection_and_bad_addresses_are_refused(
    option: list[str], plain_server: Server, report_docx: Path
) -> None:
    args = ["send", str(report_docx), "--to", "board@council.example"]
    result = run(args + via(plain_server.port) + option, 2)  # the last --from wins
    assert "\\n" in result.stderr or "not a valid email address" in result.stderr
    assert plain_server.received == []


def test_dry_run_shows_what_would_go_and_sends_nothing(
    plain_server: Server, report_docx: Path
) -> None:
    args = [
        "send",
        str(report_docx),
        "--to",
        "jane@council.example",
        "--cc",
        "clerk@council.example",
    ]
    args += ["--bcc", "observer@council.example", "--subject", "Board papers", "--dry-run"]
    result = run(args + via(plain_server.port), 0)
    lines = result.stdout.splitlines()
    assert lines[0] == "Dry run: nothing sent."
    assert "To:      jane@council.example" in lines
    assert "Cc:      clerk@council.example" in lines
    assert "Bcc:     observer@council.example" in lines
    assert "Subject: Board papers" in lines
    assert "  board-report.docx (50 KB)" in lines
    assert f"Server:  {LOOPBACK}:{plain_server.port} (none)" in lines
    assert plain_server.received == []


def test_a_big_attachment_is_warned_about_before_sending(tmp_path: Path) -> None:
    big = tmp_path / "board-report.docx"
    big.write_bytes(os.urandom(16 * 1024 * 1024))
    result = run(["send", str(big), "--to", "jane@council.example", "--dry-run"], 0)
    assert "  board-report.docx (16 MB)" in result.stdout.splitlines()
    assert result.stderr.startswith("Warning: the message is 21.")
    assert "many mail servers refuse messages over 20 MB" in result.stderr


def test_the_draft_eml_is_unsent_and_complete(
    plain_server: Server, report_docx: Path, tmp_path: Path
) -> None:
    draft = tmp_path / "draft.eml"
    args = ["send", str(report_docx), "--to", "jane@council.example"]
    args += ["--bcc", "observer@council.example", "--eml", str(draft)]
    result = run(args, 0)
    assert result.stdout.startswith(f"Wrote {draft}: an unsent draft to 2 recipients")
    message = parsed(draft.read_bytes())
    assert message["X-Unsent"] == "1"
    assert [a.addr_spec for a in message["To"].addresses] == ["jane@council.example"]
    assert [a.addr_spec for a in message["Bcc"].addresses] == ["observer@council.example"]
    assert message["From"] is None  # the mail client fills in its own account
    assert message["Subject"] == "Improvement plan progress report"
    assert attachments_of(message) == {"board-report.docx": (DOCX_TYPE, report_docx.read_bytes())}
    assert plain_server.received == []


def test_the_draft_never_replaces_the_report(report_docx: Path) -> None:
    before = report_docx.read_bytes()
    result = run(["send", str(report_docx), "--eml", str(report_docx)], 2)
    assert "refusing to write over the input" in result.stderr
    assert report_docx.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["send", "missing.docx", "--to", "jane@council.example", "--dry-run"], "no such file"),
        (["send", "{report}", "--dry-run"], "no recipients"),
        (["send", "{report}", "--to", "jane@council.example"], "no mail server"),
        (
            ["send", "{report}", "--to", "jane@council.example", "--smtp-host", LOOPBACK],
            "no sender address",
        ),
        (["send", "{report}", "--to", "a@council.example", "--smtp-port", "smtp"], "--smtp-port"),
        (["send", "{report}", "--to", "a@council.example", "--security", "tls"], "--security"),
        (
            ["send", "{report}", "--to", "a@council.example", "--body-file", "nope.txt"],
            "no such file",
        ),
    ],
)
def test_missing_pieces_are_one_line_answers(
    args: list[str], message: str, report_docx: Path
) -> None:
    result = run([arg.replace("{report}", str(report_docx)) for arg in args], 2)
    assert message in result.stderr


def write_workbook(path: Path, distribution: list[tuple[str, str, str]]) -> Path:
    """A small plan with Report and Distribution sheets, as a programme manager keeps it."""
    book = openpyxl.Workbook()
    actions = book.active
    actions.title = "Actions"
    actions.append(["Ref", "Section", "Action", "Lead", "Due date", "Status", "Last updated"])
    actions.append(
        ["QP-01", "Quality of Practice", "Audit case files monthly", "Head of Service",
         dt.date(2027, 3, 31), "Green", dt.date(2026, 11, 1)]
    )  # fmt: skip
    book.create_sheet("Sections").append(["Section", "Lead"])
    book["Sections"].append(["Quality of Practice", "Director"])
    report = book.create_sheet("Report")
    report.append(["Field", "Value"])
    report.append(["Meeting", "Children’s Improvement Board"])
    report.append(["Meeting date", dt.date(2026, 11, 30)])
    report.append(["Title", "Improvement Plan Progress Update\r\nBcc: everyone@elsewhere.example"])
    report.append(["Author", "Sue Brunton-Reed"])
    recipients = book.create_sheet("Distribution")
    recipients.append(["Name", "Email", "Role"])
    for row in distribution:
        recipients.append(list(row))
    book.save(path)
    return path


def test_the_workbook_gives_recipients_subject_and_body(
    plain_server: Server, report_docx: Path, tmp_path: Path
) -> None:
    plan = write_workbook(
        tmp_path / "plan.xlsx",
        [
            ("Cllr Ann Jones", "ann.jones@council.example", "Chair"),
            ("Dr Raj Patel", "raj.patel@nhs.example", "Member"),
        ],
    )
    args = ["send", str(report_docx), "--workbook", str(plan), "--bcc", "pmo@council.example"]
    run(args + via(plain_server.port), 0)
    [received] = plain_server.received
    assert received.rcpt_tos == [
        "ann.jones@council.example",
        "raj.patel@nhs.example",
        "pmo@council.example",
    ]
    message = received.message
    assert [str(a) for a in message["To"].addresses] == [
        "Cllr Ann Jones <ann.jones@council.example>",
        "Dr Raj Patel <raj.patel@nhs.example>",
    ]
    # The line break typed into the title cell is folded: no Bcc header appears.
    assert message["Subject"] == (
        "Children’s Improvement Board, 30 November 2026: "
        "Improvement Plan Progress Update Bcc: everyone@elsewhere.example"
    )
    assert message["Bcc"] is None
    body = message.get_body(("plain",))
    assert body is not None and "Sue Brunton-Reed" in body.get_content()


def test_to_replaces_the_workbook_distribution_so_a_test_copy_goes_to_you_alone(
    plain_server: Server, report_docx: Path, tmp_path: Path
) -> None:
    plan = write_workbook(tmp_path / "plan.xlsx", [("Chair", "chair@council.example", "")])
    args = ["send", str(report_docx), "--workbook", str(plan), "--to", "me@council.example"]
    run(args + via(plain_server.port), 0)
    assert [r.rcpt_tos for r in plain_server.received] == [["me@council.example"]]


def test_an_injecting_distribution_address_is_refused(
    plain_server: Server, report_docx: Path, tmp_path: Path
) -> None:
    plan = write_workbook(
        tmp_path / "plan.xlsx",
        [("Mallory", "mallory@council.example\nBcc: everyone@elsewhere.example", "")],
    )
    # Refused as a finding located to its cell (exit 1), before the mailer's own guard.
    result = run(["send", str(report_docx), "--workbook", str(plan), *via(plain_server.port)], 1)
    assert "Distribution!B2 (Email)" in result.stderr
    assert "boardpack: nothing sent: the Distribution sheet" in result.stderr
    assert plain_server.received == []


def test_on_a_terminal_the_password_is_asked_for_and_not_echoed(
    monkeypatch: pytest.MonkeyPatch, plain_auth_server: Server, report_docx: Path
) -> None:
    monkeypatch.setattr("generator.cli._interactive", lambda: True)
    args = ["send", str(report_docx), "--to", "jane@council.example", "--smtp-user", USER]
    result = CliRunner().invoke(
        main, args + via(plain_auth_server.port), input=PASSWORD + "\n", env=clean_environment()
    )
    assert result.exit_code == 0, result.output
    assert f"Password for {USER}" in result.output
    assert PASSWORD not in result.output
    assert len(plain_auth_server.received) == 1


def test_report_then_send_in_one_command(plain_server: Server, tmp_path: Path) -> None:
    output = tmp_path / "board-report.docx"
    result = run(
        [
            "report",
            str(REPO / "workbooks" / "example-plan.xlsx"),
            "-o",
            str(output),
            "--as-of",
            "2026-11-23",
            "--send",
        ],
        0,
        HOST=LOOPBACK,
        PORT=str(plain_server.port),
        SECURITY="none",
        FROM="pmo@example.org",
    )
    assert "Report written to" in result.stdout and "Sent to 7 recipients" in result.stdout
    (received,) = plain_server.received
    attached = [part for part in received.message.iter_attachments()]
    assert [part.get_filename() for part in attached] == ["board-report.docx"]
    assert attached[0].get_content() == output.read_bytes()
    assert "Improvement Plan Progress Update" in received.message["Subject"]


def test_report_then_send_reads_the_workbook_once_within_max_size(
    plain_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import pipeline

    limits_used = []
    inspect = pipeline.inspect_workbook

    def counted(path: Path, limits: Limits) -> object:
        limits_used.append(limits.max_size)
        return inspect(path, limits)

    monkeypatch.setattr(pipeline, "inspect_workbook", counted)
    plan, output = REPO / "workbooks" / "example-plan.xlsx", tmp_path / "board-report.docx"
    arguments = ["report", str(plan), "-o", str(output), "--as-of", "2026-11-23"]
    result = run(
        [*arguments, "--max-size", "2MB", "--send"],
        0,
        HOST=LOOPBACK,
        PORT=str(plain_server.port),
        SECURITY="none",
        FROM="pmo@example.org",
    )
    assert "Sent to 7 recipients" in result.stdout
    assert limits_used == [2 * 1024 * 1024]


def test_send_reads_its_workbook_within_max_size(tmp_path: Path) -> None:
    report = tmp_path / "board-report.docx"
    report.write_bytes((REPO / "templates" / "board-report.docx").read_bytes())
    plan = REPO / "workbooks" / "example-plan.xlsx"
    arguments = ["send", str(report), "--workbook", str(plan), "--dry-run"]
    result = run([*arguments, "--max-size", "10KB"], 2)
    assert "raise the limit with --max-size" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Dry run: nothing sent." in run([*arguments, "--max-size", "2MB"], 0).stdout
