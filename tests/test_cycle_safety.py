"""chase and collect hold to the bars send and validate keep: workbook text reaches mail
headers only as literal text, and returned workbooks (an email attachment from anyone) pass
the front door, each refused in one line while the rest are collected."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from cycle_plans import ACTIONS, AS_OF, edit_as_lead, invoke, write_cycle_plan
from smtp_servers import LOOPBACK, Script, Server, parsed, scripted

from generator.cli import main
from tests import hostile

MB = 1 << 20
# CR LF, "Bcc:" and "Reply-To:" lines, written as RFC 2047 encoded words: no line break typed.
ENCODED_LEAD = (
    "Con =?utf-8?q?Con=0D=0ABcc=3A_leak=40attacker=2Eexample=0D=0A"
    "Reply-To=3A_leak=40attacker=2Eexample?="
)
ENCODED_EMAIL = "=?utf-8?q?leak2=40attacker=2Eexample=2C?= <con.lead@council.example>"


def hostile_plan(tmp_path: Path) -> Path:
    """The cycle plan with Con's name and address written as encoded words."""
    actions = dict(ACTIONS)
    actions["QP-07"] = (ENCODED_LEAD, *ACTIONS["QP-07"][1:])
    plan = write_cycle_plan(tmp_path / "plan.xlsx", actions)
    book = openpyxl.load_workbook(plan)
    sheet = book["Actions"]
    sheet["M3"] = "Email"  # the optional Lead email column; row 11 is QP-07
    sheet["M11"] = ENCODED_EMAIL
    sheet["M11"].data_type = "s"  # text, though it starts with "="
    book.save(plan)
    return plan


def test_chase_send_adds_no_header_or_recipient_from_encoded_words(
    tmp_path: Path, plain_server: Server
) -> None:
    smtp = {"HOST": LOOPBACK, "PORT": str(plain_server.port), "SECURITY": "none",
            "FROM": "pmo@council.example", "TIMEOUT": "5"}  # fmt: skip
    folder = tmp_path / "sent"
    plan = hostile_plan(tmp_path)
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", AS_OF.isoformat(), "--send"],
           0, **smtp)  # fmt: skip
    (con,) = [m for m in plain_server.received if "con.lead@council.example" in m.rcpt_tos]
    assert con.rcpt_tos == ["con.lead@council.example"]
    every_rcpt = [rcpt for message in plain_server.received for rcpt in message.rcpt_tos]
    assert not any("attacker" in rcpt for rcpt in every_rcpt)
    drafts = [parsed(path.read_bytes()) for path in folder.glob("*.eml")]
    for message in [m.message for m in plain_server.received] + drafts:
        assert message["Bcc"] is None and message["Reply-To"] is None
        addresses = [a.addr_spec for a in message["To"].addresses] if message["To"] else []
        assert len(addresses) <= 1 and not any("attacker" in a for a in addresses)
    (draft,) = [m for m in drafts if m["To"] and "con.lead" in str(m["To"])]
    # The name arrives as exactly the text typed (mail clients show it; it adds nothing).
    shown = draft["To"].addresses[0].display_name.replace(" ", "")
    assert shown == ENCODED_LEAD.replace(" ", "")


def test_hostile_returned_files_are_each_refused_in_one_line_and_the_rest_collected(
    tmp_path: Path,
) -> None:
    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    folder = tmp_path / "returned"
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", AS_OF.isoformat()], 0)
    edit_as_lead(folder / "Head-of-Service.xlsx", {("QP-02", "Progress update"): "Begun"})
    for path in [p for p in folder.iterdir() if p.name != "Head-of-Service.xlsx"]:
        path.unlink()
    # 1.5 GB inflated behind a directory that says 4 KB; a part that packs too well; an
    # entity bomb; an external entity; a value at XFD1048576's corner; a Word document.
    hostile.write_zip_bomb(folder / "bomb.xlsx", inflated_bytes=1_500_000_000,
                           declared_bytes=4096)  # fmt: skip
    hostile.write_zip_bomb(folder / "packed.xlsx", inflated_bytes=40 * MB)
    hostile.write_billion_laughs(folder / "laughs.xlsx")
    hostile.write_external_entity(folder / "xxe.xlsx")
    hostile.write_far_value(folder / "far.xlsx")
    hostile.write_docx_as_xlsx(folder / "letter.xlsx")
    output = tmp_path / "updated.xlsx"
    result = invoke(
        ["collect", str(plan), str(folder), "-o", str(output), "--as-of", AS_OF.isoformat()], 1
    )
    assert "Traceback" not in result.output and "This is a bug" not in result.output
    refused = sorted(
        line.split(": not collected:")[0].rsplit("/", 1)[-1]
        for line in result.stdout.splitlines()
        if ": not collected:" in line
    )
    assert refused == ["bomb.xlsx", "far.xlsx", "laughs.xlsx", "letter.xlsx", "packed.xlsx",
                       "xxe.xlsx"]  # fmt: skip
    book = openpyxl.load_workbook(output)
    assert book["Actions"]["I5"].value == "Begun"  # the genuine return is still applied


def test_collect_reads_a_plan_of_unclosed_tags_in_linear_time(run_cli, tmp_path: Path) -> None:
    # 40,000 "<c" in a comment in one row took collect 53 s (each scanned to the row's end);
    # here 300,000 of them, and as many "<row" after the sheet data.
    plan = write_cycle_plan(tmp_path / "written.xlsx")
    folder = tmp_path / "returned"
    invoke(["chase", str(plan), "--out", str(folder), "--as-of", AS_OF.isoformat()], 0)
    edit_as_lead(folder / "Head-of-Service.xlsx", {("QP-02", "Progress update"): "Begun"})
    hostile_plan = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(plan) as source, zipfile.ZipFile(hostile_plan, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                row_end = data.index(b"</row>", data.index(b'<row r="5"'))
                data = data[:row_end] + b"<!--" + b"<c" * 300_000 + b"-->" + data[row_end:]
                end = data.index(b"</sheetData>") + len(b"</sheetData>")
                data = data[:end] + b"<!--" + b"<row" * 300_000 + b"-->" + data[end:]
            target.writestr(info, data, zipfile.ZIP_DEFLATED)
    output = tmp_path / "updated.xlsx"
    result = run_cli("collect", str(hostile_plan), str(folder), "-o", str(output),
                     "--as-of", AS_OF.isoformat(), timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(output)["Actions"]["I5"].value == "Begun"


def test_chase_send_says_plainly_when_a_lead_may_or_may_not_have_been_sent_it(
    tmp_path: Path,
) -> None:
    # The server takes the whole first message and then says nothing: "not sent to" would
    # invite a second copy; the rest are not tried.
    script = Script(after_data=None)
    plan = write_cycle_plan(tmp_path / "plan.xlsx")
    arguments = ["chase", str(plan), "--out", str(tmp_path / "sent"), "--as-of",
                 AS_OF.isoformat(), "--send", "--smtp-host", LOOPBACK, "--security", "none",
                 "--from", "pmo@council.example", "--timeout", "0.5"]  # fmt: skip
    with scripted(script) as port:
        result = CliRunner().invoke(main, [*arguments, "--smtp-port", str(port)])
    assert result.exit_code == 2, result.output
    assert len(script.messages) == 1
    (line,) = [line for line in result.stderr.splitlines() if "Head of Service:" in line]
    assert line.startswith("boardpack: sending to Head of Service: ")
    assert "may or may not have been delivered" in line and "not sent to" not in line
    assert "were not sent their drafts" in result.stderr


def test_a_line_break_in_a_leads_name_cannot_forge_a_line_of_chase_output(
    tmp_path: Path,
) -> None:
    actions = dict(ACTIONS)
    forged = "Con\r\nSent to everyone@council.example via smtp.council.example."
    actions["QP-07"] = (forged, *ACTIONS["QP-07"][1:])
    plan = write_cycle_plan(tmp_path / "plan.xlsx", actions)
    result = invoke(["chase", str(plan), "--out", str(tmp_path / "chase"), "--as-of",
                     AS_OF.isoformat()], 0)  # fmt: skip
    lines = result.output.splitlines()
    assert not any(line.startswith("Sent to") for line in lines)
    assert sum("Con\\r\\nSent to everyone@council.example" in line for line in lines) == 2
