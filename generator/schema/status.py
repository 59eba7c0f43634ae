"""The BRAG status key: names, letters, meanings and colours, as defined in rules.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.common.matching import closeness as _closeness
from generator.common.matching import fold as _fold


@dataclass(frozen=True)
class Status:
    """One status in the key, e.g. Blue: completed."""

    name: str
    letter: str
    meaning: str
    colour: str  # fill colour as RRGGBB
    text_colour: str = "000000"  # text colour that reads well on ``colour``
    complete: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "Blue – completed", the way seed 004 heads its table."""
        return f"{self.name} – {self.meaning}" if self.meaning else self.name


@dataclass(frozen=True)
class StatusKey:
    """The ordered status key, able to read a status however it was typed."""

    statuses: tuple[Status, ...]
    _lookup: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # Suggestions already worked out, by what was typed: a plan may type the same unknown
    # status in thousands of rows, and validation's cost must follow its distinct values.
    _suggested: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for status in self.statuses:
            for spelling in (status.name, status.letter, status.label, *status.aliases):
                if spelling:
                    lookup.setdefault(_fold(spelling), status.name)
        object.__setattr__(self, "_lookup", lookup)

    @property
    def names(self) -> list[str]:
        return [status.name for status in self.statuses]

    def get(self, name: str | None) -> Status | None:
        for status in self.statuses:
            if status.name == name:
                return status
        return None

    def canonical(self, typed: str) -> str | None:
        """The status name for "amber", "A", " Amber " or "Amber – some progress"; else None."""
        return self._lookup.get(_fold(typed))

    def suggest(self, typed: str) -> str | None:
        """The status a mistyped one plausibly means ("ambre", "Gren", "Amber - slippage"),
        or None when none does, or when two do equally ("Red/Amber")."""
        if typed not in self._suggested:
            self._suggested[typed] = self._suggestion(typed)
        return self._suggested[typed]

    def _suggestion(self, typed: str) -> str | None:
        scores: dict[str, int] = {}
        for status in self.statuses:
            names = [status.name, status.label, *status.aliases]
            score = _closeness(typed, [name for name in names if len(_fold(name)) > 1])
            if score is not None:
                scores[status.name] = score
        if not scores:
            return None
        best = min(scores.values())
        winners = [name for name, score in scores.items() if score == best]
        return winners[0] if len(winners) == 1 else None

    def is_complete(self, name: str | None) -> bool:
        status = self.get(name)
        return bool(status and status.complete)

    def from_colour(self, rgb: str) -> str | None:
        """The status whose colour is nearest to ``rgb`` (RRGGBB), if any is reasonably close."""
        target = _rgb(rgb)
        if target is None:
            return None
        best: tuple[int, str] | None = None
        for status in self.statuses:
            candidate = _rgb(status.colour)
            if candidate is None:
                continue
            distance = sum((a - b) ** 2 for a, b in zip(target, candidate, strict=True))
            if best is None or distance < best[0]:
                best = (distance, status.name)
        # Beyond this distance the fill is some other colour (say grey banding), not a status.
        if best is not None and best[0] <= 3 * 90**2:
            return best[1]
        return None


def _rgb(text: str) -> tuple[int, int, int] | None:
    digits = text.strip().lstrip("#")
    if len(digits) == 8:  # ARGB as openpyxl gives it
        digits = digits[2:]
    if len(digits) != 6:
        return None
    try:
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
    except ValueError:
        return None
