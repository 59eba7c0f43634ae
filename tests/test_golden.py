"""Golden cases: each workbook in tests/golden has the findings recorded beside it.

A new regression is a new workbook in that folder plus its .json (see make_golden.py). The
workbooks are checked against make_golden.py, so the script and the files cannot drift apart.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import AS_OF, ROOT

from generator.pipeline import check_workbook
from generator.schema.rules import Rules

GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(GOLDEN.glob("*.xlsx"))
KEYS = ["sheet", "cell", "ref", "rule", "severity", "message", "value"]
# openpyxl stamps the time of saving here; nothing else in a package depends on the clock.
SAVED_AT = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 8


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden workbooks as make_golden.py writes them today, in a folder of their own."""
    folder = tmp_path_factory.mktemp("golden")
    subprocess.run(
        [sys.executable, str(GOLDEN / "make_golden.py"), str(folder)],
        check=True, cwd=folder, capture_output=True,
    )  # fmt: skip
    return folder


def parts(path: Path) -> dict[str, bytes]:
    """Every part of the package, the save time blanked."""
    with zipfile.ZipFile(path) as package:
        return {name: SAVED_AT.sub(rb"\1\2", package.read(name)) for name in package.namelist()}


def test_the_script_makes_exactly_the_golden_workbooks(regenerated: Path) -> None:
    assert sorted(p.name for p in regenerated.glob("*.xlsx")) == [case.name for case in CASES]


@pytest.mark.parametrize("workbook", CASES, ids=[case.stem for case in CASES])
def test_golden_workbook_is_what_the_script_writes(workbook: Path, regenerated: Path) -> None:
    assert parts(regenerated / workbook.name) == parts(workbook)


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
