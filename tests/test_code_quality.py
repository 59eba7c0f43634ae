"""ruff and mypy are part of the suite, so CI holds the code to them."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


# An absolute path to a folder on one machine ("/" then work, root, home, tmp or Users):
# a test that reads from one collects or finds nothing on any other checkout.
_MACHINE_PATH = re.compile(rb"""(?:^|[\s"'(=:,\[])/(?:work|root|home|tmp|Users)(?:/|\b)""", re.M)


def test_no_absolute_machine_path_in_the_repository() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    found = []
    for name in filter(None, listed):
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the working tree, not yet committed
        parts = [(name, path.read_bytes())]
        if zipfile.is_zipfile(path):  # workbooks and templates: their XML parts too
            with zipfile.ZipFile(path) as package:
                parts += [(f"{name}:{inner}", package.read(inner)) for inner in package.namelist()]
        found += [where for where, data in parts if _MACHINE_PATH.search(data)]
    assert found == []


def test_findings_are_made_in_one_place() -> None:
    """Every Finding comes from check/reporter.py, so a rule switched off in rules.yaml, a
    message template and a value's form mean the same wherever a problem is found."""
    import ast

    makers = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "Finding":
                    makers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert makers and all(m.startswith("generator/check/reporter.py:") for m in makers), makers
