"""`boardpack inspect`, `boardpack rules`, and Office lock files in a glob."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, action_row, write_plan
from layout_plans import heading_rows, sheet_per_section, status_typos, theme_column

from generator.cli import main
from generator.rules_copy import Aliases, write_rules_copy
from generator.schema.rules import load_rules

DEFAULT = (ROOT / "rules.yaml").read_text(encoding="utf-8")


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_inspect_shows_how_a_plan_with_heading_rows_was_read(tmp_path: Path) -> None:
    heading_rows(tmp_path / "plan.xlsx")
    result = invoke("inspect", str(tmp_path / "plan.xlsx"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) <= 40  # one screen
    assert lines[1] == (
        'Plan: sheet "Improvement Plan 2026", header row 3, chosen because it is the '
        "workbook's only sheet"
    )
    assert "    B  What will we do?               → Action (by an alias)" in lines
    assert (
        "    G  Progress update November 2026  → Progress update (a header carrying a date)"
    ) in lines
    assert (
        "    F  Update Oct 26                  not read: Progress update is read from "
        '"Progress update November 2026"'
    ) in lines
    assert "Sections (3 sections, from section heading rows):" in lines
    assert "  Vision, strategy and leadership: 2 actions (A4)" in lines
    assert "  Effective practice and the voice of the child: 2 actions (B7)" in lines
    assert '  "Green" → Green: 3 actions' in lines
    assert '  By when?: "Monthly" → no target date (never overdue)' in lines
    assert '  By when?: "Autumn 2026" → 30 November 2026' in lines
    assert "  Completed date: blue-needs-completed-date, completed-in-future, " \
        "completed-date-not-blue" in lines  # fmt: skip
    assert lines[-1].startswith("Findings: 1 error and ")


def test_inspect_shows_a_sheet_per_section_and_status_suggestions(tmp_path: Path) -> None:
    sheet_per_section(tmp_path / "plan.xlsx")
    lines = invoke("inspect", str(tmp_path / "plan.xlsx")).stdout.splitlines()
    assert lines[1] == (
        'Plan: 3 sheets, a sheet per section, all with one header row: "1. Leadership", '
        '"2. Workforce", "3. Partners"'
    )
    assert '  Priority 2: Workforce: 2 actions ("2. Workforce"!A1)' in lines
    assert '  "Gren" → not a status (did you mean "Green"?): 1 action' in lines


def test_inspect_shows_statuses_read_from_colour(tmp_path: Path) -> None:
    theme_column(tmp_path / "plan.xlsx")
    lines = invoke("inspect", str(tmp_path / "plan.xlsx")).stdout.splitlines()
    assert lines[1].startswith('Plan: sheet "Action Plan v3", header row 1, chosen because its')
    assert "  (empty) → Green, from the cell's colour: 2 actions" in lines
    assert 'Sections (2 sections, from its "Theme" column):' in lines


def test_inspect_of_a_plan_it_cannot_read_shows_what_is_missing_and_exits_2(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Tracker"
    book.active.append(["Ref", "Section", "Action", "Leed", "Target", "RAG"])
    book.save(tmp_path / "plan.xlsx")
    result = invoke("inspect", str(tmp_path / "plan.xlsx"))
    assert result.exit_code == 2
    assert "    D  Leed     not read: not a column boardpack knows" in result.stdout
    assert 'Missing: Lead (did you mean "Leed"?), Due date' in result.stdout
    assert "boardpack rules my-rules.yaml" in result.stderr


def ofsted_plan(path: Path, status: str) -> None:
    """A one-sheet plan whose sheet, Lead header and update header need aliases."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ofsted Action Plan"
    sheet.append(["Ref", "Section", "Action", "Leed", "Due date", "Status", "Update Nov 26"])
    sheet.append(["A1", "S", "Act", "Jo", dt.date(2027, 1, 1), status, "Late"])
    book.save(path)


def test_write_rules_adds_the_aliases_the_workbook_needs_and_the_next_run_is_clean(
    tmp_path: Path,
) -> None:
    ofsted_plan(tmp_path / "plan.xlsx", status="ambre")
    mine = tmp_path / "my-rules.yaml"
    result = invoke("inspect", str(tmp_path / "plan.xlsx"), "--write-rules", str(mine))
    assert result.exit_code == 2  # Lead is missing until the alias is added
    assert f"Rules with 3 aliases added written to {mine}" in result.stdout
    text = mine.read_text(encoding="utf-8")
    assert text.startswith("# Written by boardpack inspect for plan.xlsx: aliases added for ")
    rules = load_rules(mine)
    assert "Leed" in rules.actions.columns["Lead"].aliases
    assert "Ofsted Action Plan" in rules.actions.aliases
    assert "Update Nov 26" in rules.actions.columns["Progress update"].aliases
    # Every other line of the shipped rules is kept, comments included.
    assert "# The BRAG key, from seed 004." in text
    # Read now, the plan shows its mistyped status; a second copy takes it as Amber.
    second = invoke("inspect", str(tmp_path / "plan.xlsx"), "--rules", str(mine),
                    "--write-rules", str(tmp_path / "rules-2.yaml"))  # fmt: skip
    assert second.exit_code == 0, second.output
    assert '  "ambre" → not a status (did you mean "Amber"?): 1 action' in second.stdout
    amber = load_rules(tmp_path / "rules-2.yaml").key.get("Amber")
    assert amber is not None and "ambre" in amber.aliases
    checked = invoke("validate", str(tmp_path / "plan.xlsx"), "--rules",
                     str(tmp_path / "rules-2.yaml"), "--as-of", "2026-11-23")  # fmt: skip
    assert checked.exit_code == 0, checked.output
    assert "unknown-status" not in checked.stdout


def test_write_rules_never_replaces_a_file_or_the_rules_in_use(tmp_path: Path) -> None:
    status_typos(tmp_path / "plan.xlsx")
    existing = tmp_path / "my-rules.yaml"
    existing.write_text("precious", encoding="utf-8")
    result = invoke("inspect", str(tmp_path / "plan.xlsx"), "--write-rules", str(existing))
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert existing.read_text(encoding="utf-8") == "precious"


def test_the_rules_command_writes_the_default_rules_to_edit(tmp_path: Path) -> None:
    mine = tmp_path / "team-rules.yaml"
    result = invoke("rules", str(mine))
    assert result.exit_code == 0, result.output
    assert mine.read_text(encoding="utf-8") == DEFAULT
    again = invoke("rules", str(mine))
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_every_add_an_alias_message_names_the_rules_command(tmp_path: Path) -> None:
    path = write_plan(tmp_path / "plan.xlsx", [action_row()], headers=["Ref", "Section",
                      "Action", "Owner of action", "Due date", "Status"])  # fmt: skip
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert "add it to the column's aliases in your rules file" in result.stderr
    assert "boardpack rules my-rules.yaml writes a copy of the rules to edit" in result.stderr
    report = invoke("report", str(path), "-o", str(tmp_path / "out.docx"))
    assert report.exit_code == 2
    assert "boardpack rules my-rules.yaml" in report.stderr


@pytest.mark.parametrize("lock", ["~$plan.xlsx", ".~lock.plan.xlsx#"])
def test_office_lock_files_in_a_glob_are_skipped_with_a_note(tmp_path: Path, lock: str) -> None:
    plan = write_plan(tmp_path / "plan.xlsx", [action_row()])
    (tmp_path / lock).write_bytes(b"\x05Jo Bl" + b" " * 49 + b"\x05\x00J\x00o\x00")
    result = invoke("validate", str(plan), str(tmp_path / lock), "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"boardpack: skipped {lock}: an Office lock file (made while a workbook is open), "
        "not a workbook"
    ]
    quiet = invoke("validate", str(plan), str(tmp_path / lock), "--quiet", "--as-of",
                   "2026-11-23")  # fmt: skip
    assert quiet.stderr == ""
    alone = invoke("validate", str(tmp_path / lock))
    assert alone.exit_code == 2 and "lock file" in alone.stderr


def test_inspect_lists_every_section_status_and_wording_and_still_fits_the_screen(
    tmp_path: Path,
) -> None:
    sections = [f"Priority {n}" for n in range(1, 13)]
    statuses = ["Green", "green", "GREEN", "On track", "Amber", "amber", "Slipping", "Red",
                "Off track", "Blue", "Complete", "Done", "Purple"]  # fmt: skip
    vague = ["Monthly", "Quarterly", "Immediate", "Ongoing", "TBC", "Q1 2027", "End of May",
             "Spring", "Weekly", "after the summer"]  # fmt: skip
    rows = []
    for n in range(60):  # 60 actions: every section, status and wording at least once
        due: object = f"{n % 28 + 1:02d}/03/2027" if n < 30 else vague[n % len(vague)]
        rows.append(action_row({
            "Ref": f"P-{n:02d}", "Section": sections[n % 12], "Status": statuses[n % 13],
            "Due date": due, "Completed date": dt.date(2026, 10, 1) if n % 13 in (9, 10, 11)
            else None, "Progress update": "Update",
        }))  # fmt: skip
    write_plan(tmp_path / "plan.xlsx", rows, sections=sections)
    shown = invoke("inspect", str(tmp_path / "plan.xlsx"), "--as-of", "2026-11-23").stdout
    lines = shown.splitlines()
    assert not [line for line in lines if "more" in line and "…" in line]  # nothing cut
    assert all(f"  {section}: 5 actions" in lines for section in sections)
    for typed in statuses:
        assert [line for line in lines if line.startswith(f'  "{typed}" → ')], typed
    for typed in vague:
        assert [line for line in lines if line.startswith(f'  Due date: "{typed}" → ')], typed
    # 28 wordings of one shape, each the day it names: one line that accounts for all 30.
    assert (
        '  Due date: "01/03/2027" and 27 other wordings like it (30 cells) → the day each '
        "names (01/03/2027 → 1 March 2027)"
    ) in lines
    assert len(lines) <= 70


def test_write_rules_changes_only_the_lists_it_adds_to(tmp_path: Path) -> None:
    ofsted_plan(tmp_path / "plan.xlsx", status="Green")
    mine = tmp_path / "my-rules.yaml"
    invoke("inspect", str(tmp_path / "plan.xlsx"), "--write-rules", str(mine))
    note, body = mine.read_text(encoding="utf-8").split("#\n", 1)
    assert note.startswith("# Written by boardpack inspect")
    # Take the three names out again and the shipped file is back, byte for byte: the
    # lists that span two lines still do, and nothing else moved.
    added = r',\s*"(Leed|Ofsted Action Plan|Update Nov 26)"'
    assert re.sub(added, "", body) == DEFAULT
    lead = next(i for i, line in enumerate(body.splitlines()) if '"Who?", "Who"' in line)
    assert body.splitlines()[lead + 1].strip().endswith('"Responsible lead", "Leed"]')
    # A list already past 100 characters goes on to a new line, lined up with its first.
    assert '"Progress commentary",\n                  "Update Nov 26"]\n' in body


TEAM_RULES = """\
version: 1
status:
  - name: Blue
    letter: B
    meaning: completed
    colour: "0070C0"
    complete: true
    aliases:
      - Done
      - 'Closed [signed off]'
  - name: Green
    letter: G
    meaning: on track
    colour: "00B050"
  - name: Amber
    letter: A
    meaning: slipping
    colour: "FFC000"
    aliases: ["Slipping", 'Orange, or "late"']
  - name: Red
    letter: R
    meaning: off track
    colour: "FF0000"
    aliases: [Off track,  # said at the board
              Stuck]
"""


def test_a_teams_own_layouts_of_alias_lists_are_kept(tmp_path: Path) -> None:
    source = tmp_path / "team.yaml"
    source.write_text(DEFAULT.split("status:", 1)[0] + TEAM_RULES.split("version: 1\n")[1]
                      + "no_date_words:" + DEFAULT.split("\nno_date_words:", 1)[1],
                      encoding="utf-8")  # fmt: skip
    aliases = Aliases(statuses={"Blue": ["Finished"], "Green": ['On "track"'],
                                "Amber": ["ambre"]})  # fmt: skip
    write_rules_copy(tmp_path / "copy.yaml", source, aliases)
    copy = (tmp_path / "copy.yaml").read_text(encoding="utf-8")
    key = load_rules(tmp_path / "copy.yaml").key
    assert key.get("Blue").aliases[-1] == "Finished"  # type: ignore[union-attr]
    assert '      - "Finished"\n' in copy  # a block list grows by a line of its own
    assert 'On "track"' in key.get("Green").aliases  # type: ignore[union-attr]
    assert '    aliases: ["On \\"track\\""]\n' in copy  # a list where there was none
    assert key.get("Amber").aliases[-1] == "ambre"  # type: ignore[union-attr]
    assert """aliases: ["Slipping", 'Orange, or "late"', "ambre"]""" in copy
    assert "# said at the board" in copy  # untouched list with a comment inside
    original = source.read_text(encoding="utf-8")
    assert copy.count("\n") == original.count("\n") + 2
