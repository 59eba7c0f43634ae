"""Saving the report: atomically, deterministically, and as PDF through LibreOffice."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from generator.errors import OutputError
from generator.render import build_report, convert_to_pdf, write_report
from generator.render import output as output_module
from tests.report_plans import AS_OF, seed_004_plan


def test_write_report_replaces_the_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "board-report.docx"
    target.write_bytes(b"last month's report")
    report = build_report(seed_004_plan(), AS_OF, chart=False)
    write_report(report, target)
    assert target.read_bytes() == report.to_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board-report.docx"]


def test_a_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_report(b"data", tmp_path / "no-such-folder" / "report.docx")


def test_pdf_without_libreoffice_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output_module, "find_soffice", lambda: None)
    with pytest.raises(OutputError, match="making a PDF needs LibreOffice: install it"):
        convert_to_pdf(tmp_path / "report.docx", tmp_path / "report.pdf")


def test_libreoffice_renders_the_report_on_a_sensible_number_of_pages(tmp_path: Path) -> None:
    docx_path = tmp_path / "board-report.docx"
    write_report(build_report(seed_004_plan(), AS_OF), docx_path)
    pdf_path = tmp_path / "board-report.pdf"
    convert_to_pdf(docx_path, pdf_path)
    info = subprocess.run(
        ["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True
    ).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    # Front sheet and summary, the tables, and the landscape appendix of 62 actions.
    assert 6 <= pages <= 14
    assert "Page size:" in info
    # Accessible: tagged, titled, in British English, with bookmarks from the headings.
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(r"^Title:\s+Improvement Plan Progress Update$", info, re.MULTILINE)
    data = pdf_path.read_bytes()
    assert b"/Lang(en-GB)" in data
    bookmarks = [_pdf_text(m) for m in re.findall(rb"/Title\s*(<[0-9A-Fa-f]+>|\([^)]*\))", data)]
    assert "1. Summary" in bookmarks and "Appendix A: the improvement plan in full" in bookmarks
    meta = subprocess.run(
        ["pdfinfo", "-meta", str(pdf_path)], capture_output=True, text=True, check=True
    ).stdout
    assert "<pdfuaid:part>1</pdfuaid:part>" in meta


def _pdf_text(token: bytes) -> str:
    """A PDF string, literal or hex (UTF-16 with its byte-order mark, as LibreOffice writes)."""
    if token.startswith(b"<"):
        raw = bytes.fromhex(token[1:-1].decode())
        return raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode("latin-1")
    return token[1:-1].decode("latin-1")
