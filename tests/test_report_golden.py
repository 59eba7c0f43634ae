"""Golden text of the report for each example workbook: any change to the wording, order or
figures shows up as a diff. Regenerate with BOARDPACK_UPDATE_GOLDEN=1 after a deliberate change."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from conftest import ROOT

from generator.board_report import make_report
from generator.schema.rules import load_rules
from tests.report_reading import open_report, text_dump

GOLDEN = ROOT / "tests" / "golden" / "report"
WORKBOOKS = ROOT / "workbooks"
AS_OF = dt.date(2026, 11, 23)

CASES = {
    "example-plan": ("example-plan.xlsx", {"previous": WORKBOOKS / "example-plan-previous.xlsx"}),
    "example-with-problems": ("example-with-problems.xlsx", {"allow_errors": True}),
    # Four boards: the two earlier boards' folder and the previous board, named twice over.
    "example-plan-history": (
        "example-plan.xlsx",
        {
            "previous": [
                WORKBOOKS / "earlier-boards",
                WORKBOOKS / "example-plan-previous.xlsx",
            ]
        },
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_text_matches_golden(name: str, tmp_path: Path) -> None:
    workbook, options = CASES[name]
    output = tmp_path / f"{name}.docx"
    run = make_report(WORKBOOKS / workbook, output, rules=load_rules(), as_of=AS_OF, **options)
    assert run.written == output
    dump = text_dump(open_report(output.read_bytes()))
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("BOARDPACK_UPDATE_GOLDEN"):
        golden.write_text(dump, encoding="utf-8")
    assert dump == golden.read_text(encoding="utf-8")
