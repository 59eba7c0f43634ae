"""A copy of rules.yaml for a team to edit, with aliases added for a workbook if asked.

The copy is the rules file itself, comments and all: ruamel.yaml's round-trip loader keeps
them, so the aliases a workbook needs are added where a person would add them by hand. The
copy is checked by loading it before it is put in place, and an existing file is never
replaced.
"""

from __future__ import annotations

import json
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
        edits = _add_aliases(document, aliases)
        edited = _edited_in_place(text, edits)
        # The text edited where each list is, checked to mean what the edited document
        # means; a layout the edit does not know is written out whole by ruamel.yaml
        # instead (every long list then on one line).
        if edited is not None and _same(YAML(typ="safe", pure=True), edited, document):
            text = edited
        else:
            from io import StringIO

            out = StringIO()
            yaml.dump(document, out)
            text = out.getvalue()
    if note:
        text = "".join(f"# {line}\n" for line in note.splitlines()) + "#\n" + text
    with atomic_path(destination, exclusive=True) as temp:
        temp.write_text(text, encoding="utf-8")
        load_rules(temp)  # a copy that would not load is never put in place


@dataclass
class _Edit:
    """Names added to one entry's aliases: the list (None when the entry had none), or the
    entry whose first key the new list follows."""

    entry: Any
    names: list[str]
    listed: Any = None
    count: int = 0  # how many aliases the list had before


def _add_aliases(document: Any, aliases: Aliases) -> list[_Edit]:
    actions = document["sheets"][ACTIONS.sheet]
    edits = [_extend(actions, aliases.sheet, ACTIONS.sheet)]
    for column, names in aliases.columns.items():
        edits.append(_extend(actions["columns"][column], names, column))
    for entry in document["status"]:
        edits.append(_extend(entry, aliases.statuses.get(entry["name"], []), entry["name"]))
    return [edit for edit in edits if edit.names]


def _extend(entry: Any, names: Sequence[str], own_name: str) -> _Edit:
    """Add ``names`` to ``entry``'s aliases, each once, in the list's own style."""
    listed = entry.get("aliases")
    edit = _Edit(entry, [], listed, len(listed) if listed is not None else 0)
    if not names:
        return edit
    if "aliases" not in entry:
        from ruamel.yaml.comments import CommentedSeq

        listed = CommentedSeq()
        listed.fa.set_flow_style()
        entry["aliases"] = listed
    known = {fold(name) for name in entry["aliases"]} | {fold(own_name)}
    for name in names:
        if fold(name) not in known:
            entry["aliases"].append(name)
            edit.names.append(name)
            known.add(fold(name))
    return edit


#: The widest line an alias list is let grow to before it goes on to a new line.
_WIDTH = 100


def _edited_in_place(text: str, edits: list[_Edit]) -> str | None:
    """``text`` with each edit's names written into its list where it stands (a long list
    goes on to a new line as the file's own lists do), so nothing else in the file moves;
    None when a list is laid out in a way this does not follow."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    insertions: list[tuple[int, str]] = []
    for edit in edits:
        quoted = [json.dumps(name, ensure_ascii=False) for name in edit.names]
        listed = edit.listed
        if listed is None:  # a new list, on the line after the entry's first key
            key = next(iter(edit.entry))
            line, column = edit.entry.lc.key(key)
            if not isinstance(edit.entry[key], str | int | float | bool) or line + 1 >= len(starts):
                return None
            insertions.append((starts[line + 1], f"{' ' * column}aliases: [{', '.join(quoted)}]\n"))
        elif listed.fa.flow_style():
            line, column = listed.lc.line, listed.lc.col
            start = starts[line] + column
            end = _closing_bracket(text, start)
            if end is None:
                return None
            before = text[start + 1 : end].rstrip()
            at = start + 1 + len(before)
            last_line = text[text.rfind("\n", 0, at) + 1 : at]
            for name in quoted:
                separator = ", " if before.strip() else ""
                if before.strip() and len(last_line) + len(separator) + len(name) + 1 > _WIDTH:
                    separator = ",\n" + " " * (column + 1)
                    last_line = " " * (column + 1)
                insertions.append((at, separator + name))
                last_line += separator.rpartition("\n")[2] + name
                before = name
        else:  # a block list: each name on a line of its own after the last item
            if not edit.count:
                return None
            line, column = listed.lc.item(edit.count - 1)
            if line + 1 >= len(starts):
                return None
            added = "".join(f"{' ' * (column - 2)}- {name}\n" for name in quoted)
            insertions.append((starts[line + 1], added))
    for at, added in sorted(insertions, key=lambda insertion: insertion[0], reverse=True):
        text = text[:at] + added + text[at:]
    return text


def _closing_bracket(text: str, start: int) -> int | None:
    """Where the flow list opening at ``start`` closes, quotes and inner lists skipped."""
    depth, index, quote = 0, start, ""
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if quote:
            if char == quote:
                if quote == "'" and text.startswith("''", index):
                    index += 2
                    continue
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        elif char == "#" and text[index - 1] in " \t\n":
            return None  # a comment inside the list: left to ruamel.yaml
        index += 1
    return None


def _same(loader: Any, edited: str, document: Any) -> bool:
    """Whether ``edited`` reads as the same data as the edited round-trip ``document`` (its
    maps and lists compare equal to plain ones)."""
    from ruamel.yaml.error import YAMLError

    try:
        return bool(loader.load(edited) == document)
    except (YAMLError, ValueError):  # the edit broke the file: not the same
        return False
