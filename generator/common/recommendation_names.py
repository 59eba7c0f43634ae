"""How an action names the recommendation it answers, in the Actions sheet's Recommendation
column: by the recommendation's Ref ("R3"), by several Refs ("R3; R5", "R3, R5", "R3 and R5"),
by its text, or by its Ref followed by its text ("R3 – Stabilise the workforce").

Refs match as action Refs do (``ref_key``: "QP 1" is "QP1"); texts match folded (case,
spacing and punctuation aside). validate and the report both ask ``RecommendationNames``, so
an action is counted against the recommendation validate says it names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.common.matching import fold, ref_key

# Between two Refs in one cell: a comma, semicolon, slash, ampersand, line break or "and".
_BETWEEN = re.compile(r"\s*(?:[,;/&\n]|\band\b)\s*", re.IGNORECASE)
# A Ref at the start of the cell, before its text: "R3 – ...", "R3: ...", "3.1) ...".
_LEADING = re.compile(r"^\s*([^\s:–—]+)\s*[:–—-]?\s+\S")
_REF_ENDING = ".)–—-"


class RecommendationNames:
    """Which recommendations a Recommendation cell names, among those listed."""

    def __init__(self, refs: Sequence[str], texts: Sequence[str]) -> None:
        """``refs`` and ``texts`` are the listed recommendations' Refs and texts, in order."""
        self._by_ref: dict[str, int] = {}
        self._by_text: dict[str, int] = {}
        for index, (ref, text) in enumerate(zip(refs, texts, strict=True)):
            if ref.strip():
                self._by_ref.setdefault(ref_key(ref), index)
            if fold(text):
                self._by_text.setdefault(fold(text), index)

    def named(self, cell: str) -> list[int] | None:
        """The indexes of the recommendations ``cell`` names: [] for an empty cell, None when
        it names something that is not listed."""
        if not cell or not cell.strip():
            return []
        whole = self._one(cell)
        if whole is not None:
            return [whole]
        parts = [part.strip() for part in _BETWEEN.split(cell) if part.strip()]
        if len(parts) > 1 and not any(" " in part for part in parts):
            # A list of Refs: every one of them must be listed.
            found = [self._by_ref.get(ref_key(part)) for part in parts]
            if any(index is None for index in found):
                return None
            return list(dict.fromkeys(index for index in found if index is not None))
        leading = _LEADING.match(cell)
        if leading is not None:
            index = self._by_ref.get(ref_key(leading.group(1).rstrip(_REF_ENDING)))
            if index is not None:
                return [index]
        return None

    def _one(self, cell: str) -> int | None:
        found = self._by_ref.get(ref_key(cell))
        return found if found is not None else self._by_text.get(fold(cell))
