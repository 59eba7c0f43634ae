"""The Distribution sheet belongs to sending: its problems never block or enter the report,
validate and send report them at their cells, and "Name <address>" is an address."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from click.testing import CliRunner
from smtp_servers import Server
from test_send_cli import clean_environment, via, write_workbook

from generator.cli import main

AS_OF = "2026-11-23"


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args, env=clean_environment())
    return result.exit_code, result.stdout, result.stderr


def all_text(docx: Path) -> str:
    """Every XML part of the package, so an address cannot hide in a header or a property."""
    with zipfile.ZipFile(io.BytesIO(docx.read_bytes())) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        )


def test_a_mistyped_address_neither_blocks_the_report_nor_appears_in_it(tmp_path: Path) -> None:
    plan = write_workbook(
        tmp_path / "plan.xlsx",
        [("Tom Hartley", "tom.hartley at example.org", "Member"),
         ("Ann Jones", "ann.jones@council.example", "Chair")],
    )  # fmt: skip
    output = tmp_path / "report.docx"
    code, stdout, stderr = invoke(["report", str(plan), "-o", str(output), "--as-of", AS_OF])
    assert code == 0, stderr
    assert "Report written to" in stdout
    assert "note: the Distribution sheet has 1 error" in stderr
    text = all_text(output)
    for leaked in ("tom.hartley", "ann.jones", "Tom Hartley", "Distribution"):
        assert leaked not in text


def test_with_allow_errors_the_data_quality_appendix_leaves_distribution_out(
    tmp_path: Path,
) -> None:
    repo = Path(__file__).resolve().parent.parent
    output = tmp_path / "report.docx"
    code, _, stderr = invoke(
        ["report", str(repo / "workbooks" / "example-with-problems.xlsx"), "-o", str(output),
         "--as-of", AS_OF, "--allow-errors"]
    )  # fmt: skip
    assert code == 0, stderr
    text = all_text(output)
    assert "tom.hartley" not in text and "Distribution!" not in text
    assert "PR-04" in text  # the plan's own errors are still listed


def test_validate_still_reports_the_distribution_sheet(tmp_path: Path) -> None:
    plan = write_workbook(tmp_path / "plan.xlsx", [("Tom", "tom.hartley at example.org", "")])
    code, stdout, _ = invoke(["validate", str(plan), "--as-of", AS_OF])
    assert code == 1
    assert "Distribution!B2 (Email)" in stdout


def test_name_and_address_as_outlook_copies_it_is_an_address(
    plain_server: Server, tmp_path: Path
) -> None:
    plan = write_workbook(
        tmp_path / "plan.xlsx", [("", "Eleanor Brazil <ebrazil@example.org>", "Commissioner")]
    )
    code, stdout, _ = invoke(["validate", str(plan), "--as-of", AS_OF])
    assert code == 0 and "Distribution" not in stdout
    report = tmp_path / "report.docx"
    assert invoke(["report", str(plan), "-o", str(report), "--as-of", AS_OF])[0] == 0
    result = CliRunner().invoke(
        main, ["send", str(report), "--workbook", str(plan), *via(plain_server.port)],
        env=clean_environment(),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    [received] = plain_server.received
    assert received.rcpt_tos == ["ebrazil@example.org"]
    assert [str(a) for a in received.message["To"].addresses] == [
        "Eleanor Brazil <ebrazil@example.org>"
    ]


def test_send_lists_the_distribution_problems_at_their_cells_and_sends_nothing(
    plain_server: Server, tmp_path: Path
) -> None:
    plan = write_workbook(tmp_path / "plan.xlsx", [("Tom", "tom.hartley at example.org", "")])
    report = tmp_path / "report.docx"
    assert invoke(["report", str(plan), "-o", str(report), "--as-of", AS_OF])[0] == 0
    result = CliRunner().invoke(
        main, ["send", str(report), "--workbook", str(plan), *via(plain_server.port)],
        env=clean_environment(),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Distribution!B2 (Email)" in result.stderr
    assert plain_server.received == []
