"""The benchmark's noisy plan: one finding per action, of five kinds found five ways."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from bench.make_plans import make_plan


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
