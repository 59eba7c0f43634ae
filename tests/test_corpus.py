"""Every real-world and hostile spreadsheet in the shared corpus gets an answer, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from generator.cli import main

CORPUS = ROOT.parent / "shared" / "corpus"
FILES = sorted(
    p
    for p in CORPUS.glob("*")
    if p.is_file() and p.suffix not in (".md", "") and p.name != "SHA256SUMS"
)


def test_the_corpus_is_there() -> None:
    assert len(FILES) > 100, f"expected the shared corpus at {CORPUS}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_validate_answers_every_corpus_file(path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(path), "--as-of", "2026-11-23"])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 2:
        message = result.stderr.strip().splitlines()
        assert message and message[-1].startswith("boardpack: "), result.output
        assert "unexpected" not in message[-1], message[-1]
