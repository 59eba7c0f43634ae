"""The benchmark's noisy plan: one finding per action, of five kinds found five ways."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import AS_OF, action_row, write_plan

from bench.make_plans import make_plan
from generator.common.matching import closeness
from generator.pipeline import check_workbook
from generator.schema import status
from generator.schema.rules import load_rules


def test_every_action_has_exactly_one_finding_of_five_kinds(tmp_path: Path, run_cli) -> None:
    plan = make_plan(tmp_path / "noisy.xlsx", 25, noisy=True)
    result = run_cli("validate", str(plan), "--as-of", "2026-11-23", "--format", "json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    assert Counter(finding["row"] for finding in findings) == {row: 1 for row in range(2, 27)}
    assert Counter(finding["rule"] for finding in findings) == {
        "status-from-colour": 5,
        "formula-without-value": 5,
        "error-value": 5,
        "impossible-date": 5,
        "unknown-status": 5,
    }


def test_a_status_typed_the_same_wrong_way_in_every_row_is_judged_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding a plausible status costs per distinct value typed, not per row (issue 14:
    validate's cost follows the rows, not the findings)."""
    calls: list[str] = []

    def counted(typed: str, names: Iterable[str]) -> int | None:
        calls.append(typed)
        return closeness(typed, names)

    monkeypatch.setattr(status, "_closeness", counted)
    plan = write_plan(
        tmp_path / "plan.xlsx",
        [
            action_row({"Ref": f"QP-{n}", "Status": "Purple" if n % 2 else "Grene"})
            for n in range(40)
        ],
    )
    findings = check_workbook(plan, load_rules(), AS_OF).result.findings
    assert Counter(f.rule for f in findings)["unknown-status"] == 40
    assert set(calls) == {"Purple", "Grene"}
    assert len(calls) == 2 * len(load_rules().key.statuses)  # each typed value once per status
