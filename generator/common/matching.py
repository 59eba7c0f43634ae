"""Matching the names people type to the names rules.yaml uses.

Headers and sheet names are compared "folded": lower case, with spacing and punctuation
removed, so "Due Date", "due-date" and " DUE DATE " are one name, and "Who?" matches "who".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

_NOT_WORD = re.compile(r"[\W_]+")
# The same characters but the line feed, which keeps the Refs of a column apart in one text.
_NOT_WORD_BUT_LINES = re.compile(r"(?:[^\w\n]|_)+")
# And as ASCII bytes, for deleting with bytes.translate: all but lower-case letters, digits
# and the line feed (upper case is lowered first).
_ASCII_NOT_WORD_BUT_LINES = bytes(c for c in range(128) if not chr(c).isalnum() and c != 10)


def fold(text: str) -> str:
    """A name reduced to lower-case letters and digits: "Target date " -> "targetdate"."""
    return _NOT_WORD.sub("", str(text).casefold())


def ref_key(ref: str) -> str:
    """An action's identity: its Ref folded, so "QP-07", "qp 07" and "QP07" are one action.

    Duplicate-Ref checks and the changes since the last report both match Refs by this key.
    A Ref of punctuation only ("-") keeps its own text rather than matching every other one.
    """
    return fold(ref) or str(ref).strip()


def ref_keys(refs: Sequence[str]) -> list[str]:
    """``ref_key`` of each Ref, the column folded as one text rather than a Ref at a time
    (a 20,000-row plan's duplicate-Ref check costs a few milliseconds, not twenty)."""
    joined = "\n".join(refs)
    if not refs or joined.count("\n") != len(refs) - 1:  # a Ref holding a line break
        return [ref_key(ref) for ref in refs]
    if joined.isascii():  # most plans: deleting bytes is several times faster than a regex
        data = joined.lower().encode("ascii").translate(None, _ASCII_NOT_WORD_BUT_LINES)
        folded = data.decode("ascii").split("\n")
    else:
        folded = _NOT_WORD_BUT_LINES.sub("", joined.casefold()).split("\n")
    return [key or ref.strip() for key, ref in zip(folded, refs, strict=True)]


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


def did_you_mean(wanted: str | Iterable[str], typed: Iterable[str]) -> str:
    """The typed name that plausibly means ``wanted`` (a name, or a name and its aliases),
    or "".

    Plausible is a slip of the keyboard or a fuller form of a known name: "Leed" for Lead,
    "ambre" for Amber, "Lead officer (name)" for Lead officer. Nothing else is offered: a
    wrong suggestion ("did you mean Austin?") costs a person more than none.
    """
    names = [wanted] if isinstance(wanted, str) else list(wanted)
    best: tuple[int, str] | None = None
    for text in typed:
        score = closeness(str(text), names)
        if score is not None and (best is None or score < best[0]):
            best = (score, str(text))
    return best[1] if best else ""


def closeness(typed: str, names: Iterable[str]) -> int | None:
    """How plausibly ``typed`` means one of ``names``: 0 is the same name, 1 to 3 are typing
    slips, 4 a fuller form ("Amber - slippage" for Amber); None when it is not plausible."""
    folded = fold(typed)
    if not folded:
        return None
    typed_words = words(typed)
    best: int | None = None
    for name in names:
        form = fold(name)
        if not form:
            continue
        distance = typo_distance(folded, form)
        if distance <= _allowed_slips(form) and (len(form) > 4 or folded[0] == form[0]):
            score = distance
        elif _fuller_form(typed_words, words(name)):
            score = 4
        else:
            continue
        best = score if best is None else min(best, score)
    return best


_WORDS = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of a name, folded: "Lead officer (name)" -> ["lead", "officer", "name"]."""
    return _WORDS.findall(str(text).casefold())


# A fuller form adds a few words to a name ("Lead officer (name)", "Amber - slippage"); a
# header that merely mentions "owner" somewhere in a sentence of forty words is no Lead.
_MAX_WORDS_ADDED = 3


def _fuller_form(typed: list[str], name: list[str]) -> bool:
    """Whether ``typed`` is ``name`` with at most a few words added around it."""
    return len(typed) <= len(name) + _MAX_WORDS_ADDED and _contains_words(typed, name)


def _contains_words(haystack: list[str], needle: list[str]) -> bool:
    """Whether ``needle`` appears in ``haystack`` as whole consecutive words."""
    size = len(needle)
    return size > 0 and any(
        haystack[i : i + size] == needle for i in range(len(haystack) - size + 1)
    )


def _allowed_slips(form: str) -> int:
    """How many typing slips a name of this length may carry and still be recognised."""
    if len(form) <= 3:
        return 0  # "Rod" for Red is as likely a different word as a slip
    if len(form) <= 7:
        return 1
    return 2 if len(form) <= 12 else 3


def typo_distance(a: str, b: str) -> int:
    """Edits (insert, delete, change, swap two neighbours) that turn ``a`` into ``b``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 3:
        return 4  # further than any slip allowed; no need to count exactly
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
