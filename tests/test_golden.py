"""Golden cases: each workbook in tests/golden has the findings recorded beside it.

A new regression is a new workbook in that folder plus its .json (see make_golden.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import AS_OF, ROOT

from generator.pipeline import check_workbook
from generator.schema.rules import Rules

GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(GOLDEN.glob("*.xlsx"))
KEYS = ["sheet", "cell", "ref", "rule", "severity"]


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("workbook", CASES, ids=[case.stem for case in CASES])
def test_golden_findings(workbook: Path, rules: Rules) -> None:
    checked = check_workbook(workbook, rules, AS_OF, label=workbook.name)
    found = {
        "findings": checked.result.flatten(KEYS),
        "actions": [
            [a.ref, a.section, a.status, str(a.effective_due_date)] for a in checked.plan.actions
        ],
    }
    expected_file = workbook.with_suffix(".json")
    if os.environ.get("BOARDPACK_UPDATE_GOLDEN"):
        expected_file.write_text(
            json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert found == json.loads(expected_file.read_text(encoding="utf-8"))
