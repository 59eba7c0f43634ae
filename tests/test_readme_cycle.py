"""The README's monthly cycle, run exactly as it is written: chase → collect → validate →
report → send, on the example plan, with a lead's answer in between and a real SMTP server
on 127.0.0.1 at the end."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import docx
import pytest
from conftest import ROOT
from cycle_plans import edit_as_lead, invoke
from smtp_servers import LOOPBACK, Server, attachments_of

AS_OF = "2026-11-23"  # the example plan's own date, so the run does not depend on today
ANSWER = "Strategy agreed with the Children in Care Council on 20 November."


def monthly_cycle() -> list[str]:
    """The lines of the README's "The monthly cycle" block, comments as they are."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^### The monthly cycle\n+```bash\n(.*?)^```", text, re.M | re.S)
    assert found, "the README has no monthly cycle block"
    return found[1].strip().splitlines()


def test_the_readme_shows_the_cycle_in_order() -> None:
    commands = [line.split()[1] for line in monthly_cycle() if line.startswith("boardpack ")]
    assert commands == ["chase", "collect", "validate", "report", "send"]


def test_the_readmes_monthly_cycle_runs_as_written(
    tmp_path: Path, plain_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ROOT / "workbooks" / "example-plan.xlsx", tmp_path / "plan.xlsx")
    monkeypatch.chdir(tmp_path)
    smtp = {
        "HOST": LOOPBACK,
        "PORT": str(plain_server.port),
        "SECURITY": "none",
        "FROM": "pmo@council.example",
        "TIMEOUT": "10",
    }
    lines = monthly_cycle()
    for line in lines:
        if line.startswith("#"):
            # The leads answer: one changes an update and saves the workbook back.
            (folder,) = re.findall(r"save them in (\S+?)/?$", line)
            returned = Path(folder) / "Director-of-Childrens-Services.xlsx"
            edit_as_lead(returned, {("LM-05", "Progress update"): ANSWER})
            continue
        words = shlex.split(line, comments=True)
        assert words[0] == "boardpack"
        if words[1] != "send":
            words.append(f"--as-of={AS_OF}")
        result = invoke(words[1:], 0, **smtp)
        assert "Traceback" not in result.output
    # What collect applied is in the updated plan, its Changes sheet and the report.
    import openpyxl

    updated = openpyxl.load_workbook("plan-updated.xlsx")
    changes = [row for row in updated["Changes"].iter_rows(values_only=True)][1:]
    assert [(row[2], row[3], row[5]) for row in changes] == [("LM-05", "Progress update", ANSWER)]
    text = "\n".join(
        cell.text
        for table in docx.Document("board-report.docx").tables
        for row in table.rows
        for cell in row.cells
    )
    assert ANSWER in text
    # The report went once, to the Distribution sheet, with the PDF.
    (message,) = plain_server.received
    attached = attachments_of(message.message)
    assert set(attached) == {"board-report.docx", "board-report.pdf"}
    assert attached["board-report.docx"][1] == Path("board-report.docx").read_bytes()
    assert message.rcpt_tos and all("@" in address for address in message.rcpt_tos)
