"""A copy of rules.yaml for a team to edit, with aliases added for a workbook if asked.

The copy is the rules file itself, comments and all: ruamel.yaml's round-trip loader keeps
them, so the aliases a workbook needs are added where a person would add them by hand. The
copy is checked by loading it before it is put in place, and an existing file is never
replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.common.atomic import atomic_path
from generator.common.files import read_text_or_raise
from generator.common.matching import fold
from generator.common.resources import default_rules_path
from generator.errors import BadRulesFile, OutputError
from generator.schema.fields import ACTIONS
from generator.schema.rules import load_rules


@dataclass
class Aliases:
    """Names a workbook uses that the rules should list: for the plan's sheet, its columns
    (column name -> headers) and its statuses (status name -> spellings)."""

    sheet: list[str] = field(default_factory=list)
    columns: dict[str, list[str]] = field(default_factory=dict)
    statuses: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.sheet or self.columns or self.statuses)

    def described(self) -> list[str]:
        """Each alias in words: 'Lead: "Leed"', for saying what was added."""
        lines = [f'the plan\'s sheet: "{name}"' for name in self.sheet]
        lines += [
            f'{column}: "{typed}"' for column, names in self.columns.items() for typed in names
        ]
        lines += [
            f'status {status}: "{typed}"'
            for status, names in self.statuses.items()
            for typed in names
        ]
        return lines


def write_rules_copy(
    destination: Path, source: Path | None = None, aliases: Aliases | None = None, note: str = ""
) -> None:
    """Write the rules in ``source`` (the shipped rules.yaml by default) to ``destination``,
    with ``aliases`` added and ``note`` as a comment at the top; never over an existing file."""
    from ruamel.yaml import YAML

    source = source if source is not None else default_rules_path()
    if destination.exists() or destination.is_symlink():
        raise OutputError(f"{destination}: already exists; choose a new name for the rules file")
    text = read_text_or_raise(source, BadRulesFile, "rules file")
    if aliases:
        yaml = YAML(typ="rt", pure=True)
        # As the shipped file is written, so that only the added aliases differ.
        yaml.preserve_quotes = True
        yaml.indent(mapping=2, sequence=4, offset=2)
        yaml.width = 4096
        document = yaml.load(text)
        _add_aliases(document, aliases)
        from io import StringIO

        out = StringIO()
        yaml.dump(document, out)
        text = out.getvalue()
    if note:
        text = "".join(f"# {line}\n" for line in note.splitlines()) + "#\n" + text
    with atomic_path(destination, exclusive=True) as temp:
        temp.write_text(text, encoding="utf-8")
        load_rules(temp)  # a copy that would not load is never put in place


def _add_aliases(document: Any, aliases: Aliases) -> None:
    actions = document["sheets"][ACTIONS.sheet]
    _extend(actions, aliases.sheet, ACTIONS.sheet)
    for column, names in aliases.columns.items():
        _extend(actions["columns"][column], names, column)
    for entry in document["status"]:
        _extend(entry, aliases.statuses.get(entry["name"], []), entry["name"])


def _extend(entry: Any, names: Sequence[str], own_name: str) -> None:
    """Add ``names`` to ``entry``'s aliases, each once, in the list's own style."""
    if not names:
        return
    if "aliases" not in entry:
        from ruamel.yaml.comments import CommentedSeq

        listed = CommentedSeq()
        listed.fa.set_flow_style()
        entry["aliases"] = listed
    known = {fold(name) for name in entry["aliases"]} | {fold(own_name)}
    for name in names:
        if fold(name) not in known:
            entry["aliases"].append(name)
            known.add(fold(name))
