"""Matching the names people type to the names rules.yaml uses.

Headers and sheet names are compared "folded": lower case, with spacing and punctuation
removed, so "Due Date", "due-date" and " DUE DATE " are one name, and "Who?" matches "who".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """A name reduced to lower-case letters and digits: "Target date " -> "targetdate"."""
    return _NOT_WORD.sub("", str(text).casefold())


def ref_key(ref: str) -> str:
    """An action's identity: its Ref folded, so "QP-07", "qp 07" and "QP07" are one action.

    Duplicate-Ref checks and the changes since the last report both match Refs by this key.
    A Ref of punctuation only ("-") keeps its own text rather than matching every other one.
    """
    return fold(ref) or str(ref).strip()


def spellings(name: str, aliases: Iterable[str]) -> list[str]:
    """The folded forms a name is known by, the name itself first."""
    forms = [fold(name)]
    forms.extend(fold(alias) for alias in aliases if fold(alias) not in forms)
    return forms


def lookup_table(names: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Folded spelling -> canonical name; a canonical name beats another's alias."""
    table: dict[str, str] = {fold(name): name for name in names}
    for name, aliases in names.items():
        for alias in aliases:
            table.setdefault(fold(alias), name)
    return table


def did_you_mean(wanted: str, typed: Iterable[str]) -> str:
    """The typed header closest to ``wanted``, or "" when none is close."""
    candidates = {fold(text): text for text in typed if str(text).strip()}
    close = difflib.get_close_matches(fold(wanted), list(candidates), n=1, cutoff=0.6)
    return candidates[close[0]] if close else ""
