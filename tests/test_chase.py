"""`boardpack chase`: a workbook and a draft for each lead, read back as a lead and a mail
client would read them; nothing sent without --send (a real SMTP server counts)."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from pathlib import Path

import freezegun
import openpyxl
import pytest
from click.testing import CliRunner, Result
from cycle_plans import AS_OF, LEAD_FILES, find_header_row, header_columns, invoke, write_cycle_plan
from smtp_servers import LOOPBACK, REFUSED, Script, Server, attachments_of, parsed, scripted

from generator.cli import main
from generator.cycle.filenames import distinct_stems, safe_stem

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EDITABLE = ["Revised due date", "Completed date", "Status", "Progress update", "Evidence of impact"]


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write_cycle_plan(tmp_path / "plan.xlsx")


def chase(plan: Path, folder: Path, *extra: str, expected_exit: int = 0, **smtp: str) -> Result:
    return invoke(
        ["chase", str(plan), "--out", str(folder), "--as-of", AS_OF.isoformat(), *extra],
        expected_exit,
        **smtp,
    )


def sheet_rows(path: Path) -> tuple[openpyxl.Workbook, dict[str, dict[str, object]], int]:
    """The lead's workbook, its rows by Ref (values by header), and the header row."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header_row = find_header_row(sheet)
    columns = header_columns(sheet, header_row)
    rows = {}
    for row in range(header_row + 1, sheet.max_row + 1):
        values = {h: sheet.cell(row=row, column=c).value for h, c in columns.items()}
        rows[str(values["Ref"])] = values
    return book, rows, header_row


def test_each_lead_with_open_actions_gets_a_workbook_and_a_draft(plan: Path, tmp_path: Path):
    folder = tmp_path / "chase"
    result = chase(plan, folder)
    written = sorted(path.name for path in folder.iterdir())
    stems = [stem for stem, _ in LEAD_FILES.values()]
    assert written == sorted([f"{s}.xlsx" for s in stems] + [f"{s}.eml" for s in stems])
    # Exactly each lead's open actions: Blue QP-03 is not asked about; QP-08 has no lead.
    refs = {stem: set(sheet_rows(folder / f"{stem}.xlsx")[1]) for stem in stems}
    assert refs == {
        "Head-of-Service": {"QP-01", "QP-02", "QP-09"},
        "J-OBrien-Head-of-Service": {"QP-04"},
        "Sian-Jones": {"QP-05"},
        "Sian-Jones-2": {"QP-06"},
        "Con-lead": {"QP-07"},
    }
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Chased 5 leads for 7 open actions as at 23 November 2026")
    assert "Head-of-Service.xlsx: Head of Service, 3 actions (1 overdue, 1 due soon" in lines[1]
    assert "draft to Asha Patel <asha.patel@council.example>" in lines[1]
    assert any(line.startswith("No email address for Con (not found") for line in lines)
    assert any("Not chased: 1 open action with no Lead (QP-08)" in line for line in lines)
    assert lines[-1].startswith("Nothing was sent")


def test_the_lead_changes_only_the_highlighted_columns(plan: Path, tmp_path: Path) -> None:
    folder = tmp_path / "chase"
    chase(plan, folder)
    book, _, header_row = sheet_rows(folder / "Head-of-Service.xlsx")
    sheet = book.worksheets[0]
    assert sheet.title == "Actions"
    columns = header_columns(sheet, header_row)
    # The plan's own columns in its order (the unknown "Days to go" is not sent), then ours.
    assert list(columns) == [
        "Ref", "Section", "Action", "Lead", "Due date", "Revised due date", "Completed date",
        "Status", "Progress update", "Evidence of impact", "Last updated",
        "What needs attention",
    ]  # fmt: skip
    assert sheet.protection.sheet and not sheet.protection.password
    for row in range(header_row + 1, header_row + 4):
        for header, column in columns.items():
            cell = sheet.cell(row=row, column=column)
            assert cell.protection.locked == (header not in EDITABLE), (header, row)
            if header in EDITABLE:
                assert cell.fill.fgColor.rgb.endswith("FFF2CC")
    validations = {
        str(validation.sqref): validation for validation in sheet.data_validations.dataValidation
    }
    status = columns["Status"]
    letter = openpyxl.utils.get_column_letter(status)
    dropdown = validations[f"{letter}{header_row + 1}:{letter}{header_row + 3}"]
    assert dropdown.type == "list" and dropdown.formula1 == '"Blue,Green,Amber,Red"'
    date_checked = {
        next(iter(v.sqref.ranges)).min_col for v in validations.values() if v.type == "date"
    }
    assert date_checked == {columns["Revised due date"], columns["Completed date"]}
    # The instruction at the top names the columns and the reply-by date.
    top = " ".join(str(sheet.cell(row=r, column=1).value) for r in range(1, header_row))
    assert "Monday 30 November 2026" in top and "Progress update" in top
    assert "Blue – completed" in top


def test_what_needs_attention_is_marked_per_row(plan: Path, tmp_path: Path) -> None:
    folder = tmp_path / "chase"
    chase(plan, folder)
    _, rows, _ = sheet_rows(folder / "Head-of-Service.xlsx")
    attention = {ref: str(values["What needs attention"] or "") for ref, values in rows.items()}
    assert attention["QP-01"] == "overdue: due 31 October 2026, 3 weeks ago"
    assert attention["QP-02"] == (
        "due 15 December 2026, before the next meeting on 18 January 2027; no progress update"
    )
    assert attention["QP-09"] == 'Due date: "31/02/2027" is not a real date'
    _, stale, _ = sheet_rows(folder / "J-OBrien-Head-of-Service.xlsx")
    assert stale["QP-04"]["What needs attention"] == "last updated 26 July 2026, over 60 days ago"
    _, red, _ = sheet_rows(folder / "Sian-Jones.xlsx")
    assert red["QP-05"]["What needs attention"] == (
        "no progress update; Progress update: Red actions need a Progress update saying what "
        "is slipping and why"
    )


def test_drafts_name_the_lead_attach_the_workbook_and_give_the_reply_by_date(
    plan: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "chase"
    chase(plan, folder, "--reply-days", "10", FROM="Programme Office <pmo@council.example>")
    for lead, (stem, address) in LEAD_FILES.items():
        draft = parsed((folder / f"{stem}.eml").read_bytes())
        assert draft["X-Unsent"] == "1"
        assert draft["From"] == "Programme Office <pmo@council.example>"
        if address:
            assert [a.addr_spec for a in draft["To"].addresses] == [address]
        else:
            assert draft["To"] is None
        attached = attachments_of(draft)
        assert attached == {f"{stem}.xlsx": (XLSX_TYPE, (folder / f"{stem}.xlsx").read_bytes())}
        reply_by = parsedate_to_datetime(draft["Reply-By"])
        assert reply_by.date() == AS_OF + dt.timedelta(days=10)
        assert "Thursday 3 December 2026" in draft["Subject"]
        body = draft.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert "Thursday 3 December 2026" in text
        assert text.startswith(
            f"Dear {draft['To'].addresses[0].display_name if address else lead},"
        )
    body = parsed((folder / "Head-of-Service.eml").read_bytes()).get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert "QP-01: Action QP-01\n- overdue: due 31 October 2026, 3 weeks ago" in text
    assert "QP-02" in text and "Kind regards,\nPriya Chandran\nEastbridge Borough Council" in text


def test_nothing_is_sent_without_send(plan: Path, tmp_path: Path, plain_server: Server) -> None:
    smtp = {
        "HOST": LOOPBACK,
        "PORT": str(plain_server.port),
        "SECURITY": "none",
        "FROM": "pmo@council.example",
        "TIMEOUT": "5",
    }
    chase(plan, tmp_path / "drafts", **smtp)
    assert plain_server.received == []
    result = chase(plan, tmp_path / "sent", "--send", **smtp)
    delivered = sorted(rcpt for message in plain_server.received for rcpt in message.rcpt_tos)
    assert delivered == sorted(address for _, address in LEAD_FILES.values() if address)
    assert len(plain_server.received) == 4  # one message per addressed lead; Con has none
    for message in plain_server.received:
        (stem,) = [s for s, a in LEAD_FILES.values() if a == message.rcpt_tos[0]]
        assert "X-Unsent" not in message.message
        assert attachments_of(message.message)[f"{stem}.xlsx"][1] == (
            (tmp_path / "sent" / f"{stem}.xlsx").read_bytes()
        )
    assert "Not sent to Con: no email address." in result.stderr
    assert result.stdout.count("Sent to ") == 4


def test_a_server_that_cannot_be_reached_stops_sending_and_says_so(
    plan: Path, tmp_path: Path
) -> None:
    from smtp_servers import free_port

    smtp = {"HOST": LOOPBACK, "PORT": str(free_port()), "SECURITY": "none", "FROM": "p@c.example"}
    outcome = CliRunner().invoke(
        main,
        ["chase", str(plan), "--out", str(tmp_path / "chase"), "--as-of", "2026-11-23", "--send"],
        env={f"BOARDPACK_SMTP_{name}": value for name, value in smtp.items()},
    )
    assert outcome.exit_code == 2
    errors = outcome.stderr.strip().splitlines()
    assert errors[0] == "Not sent to Con: no email address."
    assert errors[1].startswith("boardpack: not sent to Head of Service: could not connect")
    assert errors[2] == (
        "boardpack: sending stopped there, so 3 leads were not sent their drafts (J. O'Brien "
        f"/ Head of Service, Siân Jones, Sian Jones); the drafts are in {tmp_path / 'chase'}"
    )
    assert len(errors) == 3 and "Traceback" not in outcome.stderr
    assert (tmp_path / "chase" / "Head-of-Service.eml").exists()


def test_send_without_a_mail_server_says_where_to_give_one(plan: Path, tmp_path: Path) -> None:
    folder = tmp_path / "chase"
    arguments = ["chase", str(plan), "--out", str(folder), "--send", "--from", "p@c.example"]
    result = CliRunner().invoke(main, arguments, env={"BOARDPACK_SMTP_HOST": None})
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        "boardpack: not sent to Head of Service: no mail server: give the server's name "
        "(--smtp-host or BOARDPACK_SMTP_HOST)"
    )


def test_a_plan_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "plan.xlsx"
    bad.write_text("not a workbook")
    result = invoke(["chase", str(bad), "--out", str(tmp_path / "chase")], 2)
    assert "plan.xlsx" in result.stderr
    assert not (tmp_path / "chase").exists()


def test_the_folder_cannot_be_a_file(plan: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file")
    result = invoke(["chase", str(plan), "--out", str(taken), "--as-of", "2026-11-23"], 2)
    assert "is a file, not a folder" in result.stderr


def test_the_plan_itself_is_never_overwritten(tmp_path: Path) -> None:
    # A plan named as a lead's file would be, in the output folder.
    plan = write_cycle_plan(tmp_path / "Con-lead.xlsx")
    before = plan.read_bytes()
    result = invoke(["chase", str(plan), "--out", str(tmp_path), "--as-of", "2026-11-23"], 2)
    assert "refusing to write over the input" in result.stderr
    assert plan.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("J. O'Brien / Head of Service", "J-OBrien-Head-of-Service"),
        ("Siân Jones", "Sian-Jones"),
        ("Head of Service: Social Care (North)", "Head-of-Service-Social-Care-North"),
        ("CON", "CON-lead"),
        ("lpt1", "lpt1-lead"),
        ("Com³", "Com3-lead"),
        ("李明 / 主任", "李明-主任"),
        ("../../etc/passwd", "etc-passwd"),
        ("  \t ", "lead"),
        ("a" * 300, "a" * 60),
        ("Director of Children's Services and Lead for Early Help and Family Support",
         "Director-of-Childrens-Services-and-Lead-for-Early-Help-and"),
    ],
)  # fmt: skip
def test_lead_names_become_safe_file_names(name: str, stem: str) -> None:
    assert safe_stem(name) == stem
    assert not set(stem) & set('<>:"/\\|?*') and len(stem.encode()) < 200


def test_leads_that_fold_to_one_name_get_distinct_files() -> None:
    assert distinct_stems(["Siân Jones", "Sian Jones", "SIAN JONES", "Sian-Jones-2"]) == [
        "Sian-Jones",
        "Sian-Jones-2",
        "SIAN-JONES-3",
        "Sian-Jones-2-2",
    ]


def test_an_email_column_in_the_actions_sheet_gives_addresses(plan: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(plan)
    sheet = book["Actions"]
    sheet["M3"] = "Email"  # an alias of the optional Lead email column
    sheet["M11"] = "con.lead@council.example"  # QP-07, Con, not on the Distribution sheet
    sheet["M4"] = "hos@council.example"  # QP-01 and QP-02: Head of Service, two addresses
    sheet["M5"] = "head.of.service@council.example"
    sheet["M9"] = "not an address"  # QP-05, Siân Jones
    book.save(plan)
    folder = tmp_path / "chase"
    result = chase(plan, folder)
    to = {
        stem: parsed((folder / f"{stem}.eml").read_bytes())["To"] for stem, _ in LEAD_FILES.values()
    }
    assert str(to["Con-lead"]) == "Con <con.lead@council.example>"
    assert to["Head-of-Service"] is None and to["Sian-Jones"] is None
    assert str(to["Sian-Jones-2"]) == "Sian Jones <s.jones@council.example>"  # Distribution
    assert (
        "No email address for Head of Service (different addresses for them in the Lead "
        "email column)" in result.stdout
    )
    assert '"not an address" is not a valid email address' in result.stdout


def test_the_same_plan_gives_the_same_workbooks(plan: Path, tmp_path: Path) -> None:
    # Two runs a day apart on the clock: nothing in a lead's workbook may come from it.
    with freezegun.freeze_time("2026-11-30 09:00:01"):
        chase(plan, tmp_path / "first")
    with freezegun.freeze_time("2026-12-01 17:30:59"):
        chase(plan, tmp_path / "second")
    for stem, _ in LEAD_FILES.values():
        first = (tmp_path / "first" / f"{stem}.xlsx").read_bytes()
        assert (tmp_path / "second" / f"{stem}.xlsx").read_bytes() == first, stem


def test_an_out_folder_that_is_a_file_is_refused_naming_the_option(tmp_path: Path) -> None:
    taken = tmp_path / "chase-november"
    taken.write_text("not a folder")
    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    result = CliRunner().invoke(main, ["chase", str(plan), "--out", str(taken)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"boardpack: {taken}: is a file, not a folder; choose another folder (--out)\n"
    )


def _smtp_environment(port: int) -> dict[str, str | None]:
    smtp = {"HOST": LOOPBACK, "PORT": str(port), "SECURITY": "none", "FROM": "p@c.example"}
    return {f"BOARDPACK_SMTP_{name}": value for name, value in smtp.items()} | {
        "BOARDPACK_SMTP_TIMEOUT": "0.5"
    }


def test_a_lead_the_server_refuses_is_named_and_the_others_are_sent(
    plan: Path, tmp_path: Path, plain_server: Server
) -> None:
    book = openpyxl.load_workbook(plan)
    for row in book["Distribution"].iter_rows():
        for cell in row:
            if cell.value == "sian.jones@council.example":
                cell.value = REFUSED
    book.save(plan)
    folder = tmp_path / "chase"
    outcome = CliRunner().invoke(
        main,
        ["chase", str(plan), "--out", str(folder), "--as-of", AS_OF.isoformat(), "--send"],
        env=_smtp_environment(plain_server.port),
    )
    assert outcome.exit_code == 2
    delivered = sorted(rcpt for message in plain_server.received for rcpt in message.rcpt_tos)
    assert delivered == sorted(
        address for lead, (_, address) in LEAD_FILES.items() if address and lead != "Siân Jones"
    )
    assert outcome.stdout.count("Sent to ") == 3
    server = f"{LOOPBACK}:{plain_server.port}"
    assert outcome.stderr.splitlines() == [
        "Not sent to Con: no email address.",
        f"boardpack: not sent to Siân Jones: {server} refused every recipient "
        f"({REFUSED} (550 5.1.1 No such user here)); nothing was sent",
    ]


def test_a_message_the_server_never_confirms_is_not_called_unsent(
    plan: Path, tmp_path: Path
) -> None:
    script = Script(after_data=None)  # the whole message taken, then silence
    folder = tmp_path / "chase"
    with scripted(script) as port:
        outcome = CliRunner().invoke(
            main,
            ["chase", str(plan), "--out", str(folder), "--as-of", AS_OF.isoformat(), "--send"],
            env=_smtp_environment(port),
        )
    assert outcome.exit_code == 2
    assert len(script.messages) == 1
    errors = outcome.stderr.splitlines()
    assert errors[1].startswith(
        f"boardpack: sending to Head of Service: {LOOPBACK}:{port} took the whole message "
        "but never confirmed it"
    )
    assert "may or may not have been delivered" in errors[1]
    assert "not sent to Head of Service" not in outcome.stderr
    assert errors[2].startswith("boardpack: sending stopped there, so 3 leads were not sent")
    assert len(errors) == 3 and "Traceback" not in outcome.stderr
