"""Shared fixtures: the shipped rules, a fixed as-of date, a workbook builder and the corpus."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from generator.schema.rules import Rules, load_rules

# Real SMTP servers on 127.0.0.1 and a throw-away certificate authority, for the send tests.
pytest_plugins = ["smtp_servers"]

ROOT = Path(__file__).resolve().parent.parent

# Checked rules are cached between runs; tests keep theirs apart from the user's.
os.environ.setdefault("BOARDPACK_CACHE_DIR", tempfile.mkdtemp(prefix="boardpack-test-cache-"))
AS_OF = dt.date(2026, 11, 23)

ACTION_HEADERS = [
    "Ref", "Section", "Recommendation", "Action", "Lead", "Partners", "Start date",
    "Due date", "Revised due date", "Completed date", "Status", "Progress update",
    "Evidence of impact", "Last updated",
]  # fmt: skip


def action_row(values: dict[str, Any] | None = None, **by_name: Any) -> dict[str, Any]:
    """A valid Green action due in the future; ``values`` (by header) override columns."""
    row: dict[str, Any] = {
        "Ref": "QP-01",
        "Section": "Quality of Practice",
        "Action": "Audit case files monthly",
        "Lead": "Head of Service",
        "Due date": dt.date(2027, 3, 31),
        "Status": "Green",
        "Last updated": dt.date(2026, 11, 1),
    }
    row.update(values or {})
    row.update(by_name)
    return row


def write_plan(
    path: Path,
    actions: Sequence[dict[str, Any]],
    *,
    headers: Sequence[str] = ACTION_HEADERS,
    sections: Sequence[str] | None = ("Quality of Practice",),
    title_rows: int = 0,
) -> Path:
    """Write a plan workbook: Actions (with ``headers``) and, unless None, a Sections sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Actions"
    for index in range(title_rows):
        sheet.append([f"Improvement plan title line {index + 1}"])
    sheet.append(list(headers))
    for action in actions:
        sheet.append([action.get(header) for header in headers])
    if sections is not None:
        listing = book.create_sheet("Sections")
        listing.append(["Section", "Lead"])
        for name in sections:
            listing.append([name, "Director"])
    book.save(path)
    return path


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


@pytest.fixture
def run_cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m generator`` as a person would, from a scratch folder."""

    def run(
        *args: str, env: dict[str, str] | None = None, **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "generator", *args],
            capture_output=True,
            text=True,
            cwd=kwargs.pop("cwd", tmp_path),
            env=full_env,
            timeout=kwargs.pop("timeout", 120),
            **kwargs,
        )

    return run


# --- The shared corpus of real spreadsheets ------------------------------------------------
# It lives beside the repository, at ../shared/corpus, and is not committed (3 MB of other
# projects' files). A git worktree sits elsewhere, so the main checkout's neighbour counts too.


def _checkouts(root: Path) -> list[Path]:
    """``root``, and the main checkout when ``root`` is a git worktree (its .git is a file)."""
    checkouts = [root]
    dot_git = root / ".git"
    if dot_git.is_file():
        text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            gitdir = (root / text.removeprefix("gitdir:").strip()).resolve()
            common = gitdir / "commondir"
            if common.is_file():
                repository = (gitdir / common.read_text(encoding="utf-8").strip()).resolve()
                checkouts.append(repository.parent)
    return checkouts


CORPUS_PLACES = [checkout.parent / "shared" / "corpus" for checkout in _checkouts(ROOT)]
CORPUS = next((place for place in CORPUS_PLACES if (place / "SHA256SUMS").is_file()), None)


def corpus_checksums(folder: Path) -> dict[str, str]:
    """File name -> SHA-256, as the corpus's SHA256SUMS lists them: the corpus's contents."""
    listed = (line.split(maxsplit=1) for line in (folder / "SHA256SUMS").read_text().splitlines())
    return {name.strip().lstrip("*"): digest for digest, name in listed}


def in_ci() -> bool:
    """CI systems (GitHub Actions, GitLab, most others) set CI=true."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The corpus folder. Missing, it fails the test in CI and skips it elsewhere, saying why."""
    if CORPUS is None:
        reason = (
            f"the shared corpus is not at {' or '.join(map(str, CORPUS_PLACES))}: "
            "put the shared folder (shared/corpus with its SHA256SUMS) beside the repository"
        )
        if in_ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    return CORPUS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking ``corpus_file`` runs once per corpus file; with no corpus, once, to skip
    (or fail in CI) through the ``corpus`` fixture rather than collect nothing."""
    if "corpus_file" in metafunc.fixturenames:
        names = sorted(corpus_checksums(CORPUS)) if CORPUS else []
        metafunc.parametrize("corpus_file", names or ["no-corpus"], indirect=True)


@pytest.fixture
def corpus_file(request: pytest.FixtureRequest, corpus: Path) -> Path:
    """One file of the corpus (see ``pytest_generate_tests``)."""
    return corpus / request.param
