"""Where the shipped rules and templates are found.

An installed wheel carries them in ``generator/data``; a source checkout (or an editable
install) keeps them at the top of the repository, which is where teams read and edit them.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    for base in (_PACKAGE / "data", _PACKAGE.parent):
        candidate = base / name
        if candidate.exists():
            return candidate
    return _PACKAGE.parent / name


def default_rules_path() -> Path:
    """The default rules.yaml."""
    return _shipped("rules.yaml")


def templates_dir() -> Path:
    """The folder holding the default Word template and the blank-workbook template."""
    return _shipped("templates")
