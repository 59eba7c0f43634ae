"""Counting things in words: "1 action", "2,000 actions", "1 has", "3 have"."""

from __future__ import annotations


def word_for(count: int, one: str, many: str | None = None) -> str:
    """``one`` for a count of 1, else ``many`` (``one`` + "s" unless given): "is"/"are"."""
    return one if count == 1 else (many if many is not None else f"{one}s")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 action", "2,000 actions": the count with thousands separators, and its noun."""
    return f"{count:,} {word_for(count, noun, nouns)}"
