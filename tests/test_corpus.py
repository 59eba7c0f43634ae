"""Every real-world and hostile spreadsheet in the shared corpus gets an answer, not a traceback.

The corpus is found by the ``corpus`` fixture (conftest.py): ../shared/corpus beside the
repository. In CI its absence fails; elsewhere the corpus tests are skipped with the reason.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT, corpus_checksums

from generator.cli import main


def test_the_corpus_is_there(corpus: Path) -> None:
    listed = corpus_checksums(corpus)
    assert len(listed) > 100, f"{corpus}/SHA256SUMS lists only {len(listed)} files"
    changed = [
        name
        for name, digest in listed.items()
        if hashlib.sha256((corpus / name).read_bytes()).hexdigest() != digest
    ]
    assert changed == [], "corpus files differ from SHA256SUMS"


def test_validate_answers_every_corpus_file(corpus_file: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(corpus_file), "--as-of", "2026-11-23"])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 2:
        message = result.stderr.strip().splitlines()
        assert message and message[-1].startswith("boardpack: "), result.output
        assert "unexpected" not in message[-1], message[-1]


def test_a_missing_corpus_fails_in_ci_and_is_skipped_with_a_reason_elsewhere(
    tmp_path: Path,
) -> None:
    """A fresh clone with no ../shared: the test suite's own conftest, run as pytest would."""
    clone = tmp_path / "clone"
    (clone / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", clone)
    for helper in (ROOT / "tests").glob("*.py"):
        shutil.copy(helper, clone / "tests")
    base = {key: value for key, value in os.environ.items() if key != "CI"}
    base["PYTHONPATH"] = str(ROOT)  # the package under test; the tests are the clone's

    def run(**env: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"]
        targets = ["tests/test_corpus.py::test_the_corpus_is_there",
                   "tests/test_corpus.py::test_validate_answers_every_corpus_file"]  # fmt: skip
        return subprocess.run(
            [*command, *targets], cwd=clone, env={**base, **env},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    outside_ci = run()
    assert outside_ci.returncode == 0, outside_ci.stdout + outside_ci.stderr
    assert "2 skipped" in outside_ci.stdout, outside_ci.stdout
    assert "the shared corpus is not at" in outside_ci.stdout
    assert str(tmp_path / "shared" / "corpus") in outside_ci.stdout

    in_ci = run(CI="true")
    assert in_ci.returncode == 1, in_ci.stdout + in_ci.stderr
    assert "2 errors" in in_ci.stdout, in_ci.stdout
    assert "CI=true but the shared corpus is not at" in in_ci.stdout


def test_inspect_and_report_answer_every_corpus_file(corpus_file: Path, tmp_path: Path) -> None:
    """The same files through the two other commands that read a plan: one line and exit 2
    for a file that is no plan, never a traceback, and never the reader's own words."""
    runner = CliRunner()
    out = tmp_path / "report.docx"
    for arguments in (
        ["inspect", str(corpus_file), "--as-of", "2026-11-23"],
        ["report", str(corpus_file), "-o", str(out), "--as-of", "2026-11-23", "--allow-errors"],
    ):
        result = runner.invoke(main, arguments)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        assert result.exit_code in (0, 1, 2), result.output
        if result.exit_code == 2:
            last = result.stderr.strip().splitlines()[-1]
            assert last.startswith(f"boardpack: {corpus_file}: "), last
            assert "unexpected" not in last and "Traceback" not in result.output
            for internal in ("no entry found for key", "(Relationships)", "row component"):
                assert internal not in last, last
            suggested = last.split('did you mean "')[1:]
            assert all(len(s.split('"')[0]) <= 60 for s in suggested), last
