"""`boardpack report` as a programme manager runs it the night before the board."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import freezegun
import pytest
from click.testing import CliRunner
from conftest import ACTION_HEADERS, action_row, write_plan

from generator.cli import main
from generator.render import output as output_module
from tests.report_reading import column, headings, open_report, rows_of, table_captioned

AS_OF = "2026-11-23"
LATE = {"Ref": "QP-02", "Due date": dt.date(2026, 10, 1), "Status": "Amber"}


def plan_with(tmp_path: Path, name: str = "plan.xlsx", *extra: dict) -> Path:
    rows = [
        action_row(),
        action_row({**LATE, "Progress update": "Waiting on {{ partners }} =SUM(A1)"}),
        *(action_row(values) for values in extra),
    ]
    return write_plan(tmp_path / name, rows)


def report_since(run_cli, plan: Path, last_month: Path):
    """The report for ``plan`` with ``--previous last_month``, read back."""
    result = run_cli(
        "report", str(plan), "-o", "board-report.docx", "--as-of", AS_OF,
        "--previous", str(last_month),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return open_report((plan.parent / "board-report.docx").read_bytes())


def status_changes(document) -> list[list[str]]:
    caption = "Actions whose status has changed since the last report"
    return rows_of(table_captioned(document, caption))


def test_clean_workbook_gives_a_report_with_its_figures(tmp_path: Path, run_cli) -> None:
    plan = plan_with(tmp_path)
    before = plan.read_bytes()
    result = run_cli("report", str(plan), "-o", "board-report.docx", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert plan.read_bytes() == before
    document = open_report((tmp_path / "board-report.docx").read_bytes())
    rag = rows_of(table_captioned(document, "RAG ratings for actions in each section of the plan"))
    assert rag[1:] == [
        ["Quality of Practice", "2", "0", "1", "1", "0"],
        ["Total", "2", "0", "1", "1", "0"],
    ]
    overdue = table_captioned(document, "Overdue actions: Quality of Practice")
    assert column(overdue, "Ref") == ["QP-02"]
    assert column(overdue, "Due") == ["1 October 2026\n7 weeks overdue"]
    assert column(overdue, "Latest update") == ["Waiting on {{ partners }} =SUM(A1)"]


def test_errors_stop_the_report_and_are_listed(tmp_path: Path, run_cli) -> None:
    plan = plan_with(tmp_path, "plan.xlsx", {"Ref": "QP-03", "Due date": "31/02/2027"})
    result = run_cli("report", str(plan), "-o", "board-report.docx", "--as-of", AS_OF)
    assert result.returncode == 1
    assert "Actions!H4 (QP-03, Due date)" in result.stderr
    assert "--allow-errors" in result.stderr
    assert not (tmp_path / "board-report.docx").exists()


def test_allow_errors_reports_with_a_data_quality_note(tmp_path: Path, run_cli) -> None:
    plan = plan_with(tmp_path, "plan.xlsx", {"Ref": "QP-03", "Due date": "31/02/2027"})
    result = run_cli(
        "report", str(plan), "-o", "board-report.docx", "--as-of", AS_OF, "--allow-errors"
    )
    assert result.returncode == 0, result.stderr
    document = open_report((tmp_path / "board-report.docx").read_bytes())
    assert "3. Data quality" in [text for _, text in headings(document)]
    problems = rows_of(table_captioned(document, "Data-quality errors"))
    assert [row[:3] for row in problems[1:]] == [["Actions!H4", "QP-03", "Due date"]]


def test_previous_workbook_adds_the_changes(tmp_path: Path, run_cli) -> None:
    last_month = write_plan(
        tmp_path / "october.xlsx", [action_row(), action_row(LATE | {"Status": "Green"})]
    )
    document = report_since(run_cli, plan_with(tmp_path), last_month)
    moved = status_changes(document)
    assert [row[0] for row in moved[1:]] == ["QP-02"]
    assert moved[1][3:5] == ["Green", "Amber"]


# Two clocks decades and time zones apart: a timestamp taken from either shows in the bytes.
CLOCKS = [("2001-02-03 04:05:06", -11), ("2031-10-29 23:59:58", +14)]


def clock_stamp() -> tuple[int, ...]:
    """What zipfile stamps on an entry written now: the clock as the package writers see it."""
    with zipfile.ZipFile(io.BytesIO(), "w") as archive:
        archive.writestr("probe", b"")
        return archive.getinfo("probe").date_time


def test_same_workbook_and_date_give_the_same_bytes_under_any_clock(tmp_path: Path) -> None:
    plan = plan_with(tmp_path)
    built, stamps = [], []
    for number, (now, hours) in enumerate(CLOCKS):
        output = tmp_path / f"report-{number}.docx"
        with freezegun.freeze_time(now, tz_offset=hours):
            stamps.append(clock_stamp())
            result = CliRunner().invoke(
                main, ["report", str(plan), "-o", str(output), "--as-of", AS_OF]
            )
        assert result.exit_code == 0, result.output
        built.append(output.read_bytes())
    assert stamps[0] != stamps[1], "the two clocks must differ where zip entries would show it"
    with zipfile.ZipFile(io.BytesIO(built[0])) as package:
        entries = package.infolist()
    assert len(entries) > 5
    # The zip epoch, not either clock; and no extra field (where a Unix timestamp could hide).
    assert {(entry.date_time, entry.extra) for entry in entries} == {((1980, 1, 1, 0, 0, 0), b"")}
    assert built[0] == built[1]


def test_writing_over_the_workbook_is_refused(tmp_path: Path, run_cli) -> None:
    plan = plan_with(tmp_path)
    result = run_cli("report", str(plan), "-o", str(plan), "--as-of", AS_OF)
    assert result.returncode == 2
    assert "refusing to write over the input" in result.stderr


def test_a_bad_template_is_one_line_and_exit_2(tmp_path: Path, run_cli) -> None:
    plan = plan_with(tmp_path)
    (tmp_path / "council.docx").write_text("not really a template")
    result = run_cli(
        "report", str(plan), "-o", "out.docx", "--as-of", AS_OF, "--template", "council.docx"
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "boardpack: council.docx: not a Word .docx template (not a zip package)"
    ]


def test_pdf_without_libreoffice_is_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_with(tmp_path)
    monkeypatch.setattr(output_module, "find_soffice", lambda: None)
    result = CliRunner().invoke(
        main, ["report", str(plan), "-o", str(tmp_path / "out.docx"), "--as-of", AS_OF, "--pdf"]
    )
    # The .docx is still written; the message says how to get the PDF.
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.docx").exists()
    assert not (tmp_path / "out.pdf").exists()
    assert "warning: no PDF was written: making one needs LibreOffice; install it" in (
        result.stderr
    )
    assert "save it as PDF" in result.stderr


def test_report_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0
    assert "boardpack report plan.xlsx -o board-report.docx" in result.output
    for option in ("--as-of", "--template", "--previous", "--allow-errors", "--pdf", "--rules"):
        assert option in result.output


def test_a_ref_retyped_without_its_hyphen_is_one_action_to_validate_and_to_changes(
    tmp_path: Path, run_cli
) -> None:
    both = write_plan(tmp_path / "both.xlsx", [action_row(Ref="QP-07"), action_row(Ref="QP07")])
    checked = run_cli("validate", str(both), "--format", "json", "--as-of", AS_OF)
    assert [(f["cell"], f["rule"]) for f in json.loads(checked.stdout)] == [("A3", "duplicate-ref")]
    last_month = write_plan(tmp_path / "october.xlsx", [action_row(Ref="QP-07")])
    retyped = action_row(Ref="QP07", Status="Amber", **{"Progress update": "Slipped a month"})
    document = report_since(run_cli, write_plan(tmp_path / "plan.xlsx", [retyped]), last_month)
    titles = [text for _, text in headings(document)]
    assert "New actions" not in titles and "Removed actions" not in titles
    assert [row[0] for row in status_changes(document)[1:]] == ["QP07"]


def test_control_characters_under_aliased_headers_are_found_once_each(
    tmp_path: Path, run_cli
) -> None:
    """Validation reports each cell; the report, quoting them in its appendix, adds nothing."""
    aliased = {"Action": "Action required", "Lead": "Owner", "Due date": "Target date"}
    headers = [aliased.get(name, name) for name in ACTION_HEADERS]
    odd = action_row(Action="Ring the bell_x0007_ twice", **{"Due date": "Friday_x0007_"})
    rows = [{aliased.get(k, k): v for k, v in row.items()} for row in (odd, action_row(Ref="B"))]
    plan = write_plan(tmp_path / "plan.xlsx", rows, headers=headers)
    expected = [
        ("H2", "Target date", "not-a-date", "error"),
        ("D2", "Action required", "illegal-characters", "warning"),
    ]
    checked = run_cli("validate", str(plan), "--format", "json", "--as-of", AS_OF)
    findings = json.loads(checked.stdout)
    assert [(f["cell"], f["column"], f["rule"], f["severity"]) for f in findings] == expected
    result = run_cli(
        "report", str(plan), "-o", "board-report.docx", "--as-of", AS_OF, "--allow-errors"
    )
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith(("error", "warning"))]
    assert [line.split(":", 1)[0] for line in said] == ["error", "warning"]
    assert "Actions!H2" in said[0] and "Actions!D2" in said[1]
