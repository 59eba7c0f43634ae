"""Regular expressions from rules files, run by RE2 so that no cell can make them hang.

A rules file's ``regex`` (the shipped email check, or a team's own) meets cell text written by
anyone. Python's ``re`` backtracks: ``(a+)+$`` on 31 letters, or the email pattern on a cell of
32,000 dots, takes seconds to minutes per cell. RE2 (Google's engine, through the
``google-re2`` binding) matches in time linear in the text, whatever the pattern; patterns it
cannot run that way (backreferences, lookaround) are refused when the rules file is loaded,
with its line, rather than run slowly. The README's design notes give the measurements.

A pattern must match the whole value, as Cerberus documents for its ``regex`` rule (Cerberus
itself appends ``$``, which also lets a trailing newline through; here it does not).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

import re2
from cerberus import Validator, errors

# RE2's own default; a pattern whose automaton needs more is refused, not run.
_MAX_MEMORY = 8 << 20


class PatternError(ValueError):
    """A pattern RE2 cannot run; the message says why in the user's terms."""


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Any:
    """The pattern compiled by RE2, or ``PatternError`` saying why it cannot be used."""
    options = re2.Options()
    options.log_errors = False  # RE2 would otherwise write its own lines on stderr
    options.max_mem = _MAX_MEMORY
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        if "invalid escape sequence: \\" in str(reason) or "invalid perl operator" in str(reason):
            reason = (
                f"{reason}; boardpack runs patterns with RE2, which has no backreferences "
                "or lookaround, so that no cell can make a check hang"
            )
        raise PatternError(str(reason)) from None


def full_match(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches all of ``text`` (in time linear in the text)."""
    return compile_pattern(pattern).fullmatch(text) is not None


def patterns_in(schema: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every ``regex`` in a Cerberus snippet, however deeply nested, with its path."""
    if isinstance(schema, Mapping):
        for key, value in schema.items():
            if key == "regex" and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from patterns_in(value, (*path, key))
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from patterns_in(item, (*path, index))


class LinearValidator(Validator):
    """Cerberus, with its ``regex`` rule run by RE2 as a whole-value match."""

    def _validate_regex(self, pattern: str, field: str, value: object) -> None:
        """{'type': 'string'}"""
        if not isinstance(value, str):
            return
        try:
            matched = full_match(pattern, value)
        except PatternError:
            matched = False  # rules files are checked on loading; a schema made in code
        if not matched:
            self._error(field, errors.REGEX_MISMATCH)
