"""Golden cases for the layouts councils use and the date wordings they type.

Each case (built by tests/layout_plans.py) has its expected answer in tests/golden/layouts:
the findings, how the workbook was read, and the plan read back from the report itself (the
RAG table by section, and the actions without a target date). Regenerate the answers with
BOARDPACK_UPDATE_GOLDEN=1 after a deliberate change, and review their diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, ROOT
from layout_plans import GOLDEN_CASES

from generator.pipeline import check_workbook
from generator.render import build_report
from generator.schema.rules import Rules
from tests.report_reading import caption_of, open_report, rows_of

ANSWERS = ROOT / "tests" / "golden" / "layouts"
KEYS = ["sheet", "cell", "ref", "rule", "severity", "message", "value"]
RAG_TABLE = "RAG ratings for actions in each section of the plan"
UNDATED_TABLE = "Actions without a target date"


def report_tables(checked: Any) -> dict[str, list[list[str]]]:
    """The report's tables by caption, as a reader sees them."""
    report = build_report(
        checked.plan, AS_OF, chart=False, findings=checked.result.errors
    ).to_bytes()
    return {caption_of(table): rows_of(table) for table in open_report(report).tables}


@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_layout_case(case: str, tmp_path: Path, rules: Rules) -> None:
    path = tmp_path / f"{case}.xlsx"
    GOLDEN_CASES[case](path)
    checked = check_workbook(path, rules, AS_OF, label=path.name)
    table = checked.workbook.actions
    tables = report_tables(checked)
    found = {
        "read": {
            "sheets": [part.sheet for part in table.parts],
            "found_by": table.found_by,
            "section_from": table.derived.get("Section", "its Section column"),
        },
        "findings": checked.result.flatten(KEYS),
        "sections_in_the_report": tables[RAG_TABLE],
        "without_a_target_date_in_the_report": tables.get(UNDATED_TABLE, []),
    }
    answer = ANSWERS / f"{case}.json"
    if os.environ.get("BOARDPACK_UPDATE_GOLDEN"):
        answer.parent.mkdir(exist_ok=True)
        answer.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", "utf-8")
    assert found == json.loads(answer.read_text(encoding="utf-8"))


def test_every_case_has_an_answer_and_every_answer_a_case() -> None:
    assert sorted(p.stem for p in ANSWERS.glob("*.json")) == sorted(GOLDEN_CASES)
