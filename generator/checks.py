"""Cerberus schemas applied row after row, without asking Cerberus the same question twice.

Cerberus is the meaning of every per-column and row rule in rules.yaml. Asking it about each
cell of a 20,000-row plan costs seconds, yet most answers repeat: a rule such as
``{nullable: false}`` cannot tell one piece of text from another, only text from nothing.
So each value is reduced to the class of values the schema can tell apart, and Cerberus is
asked once per class. A Hypothesis test holds this to Cerberus's own answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cerberus import Validator

# Rules whose verdict depends only on a value's type, nothing-ness and emptiness.
_SHAPE_ONLY = frozenset(("required", "nullable", "empty", "type", "meta"))
# Rules that also look at the length.
_LENGTH = frozenset(("minlength", "maxlength"))


def _value_class(value: Any, rules: Mapping[str, Any]) -> Any:
    """What of ``value`` the field's rules can see: the value itself unless that is less."""
    names = set(rules)
    if names <= _SHAPE_ONLY | _LENGTH:
        try:
            size = len(value) if names & _LENGTH or "empty" in names else None
        except TypeError:
            size = None
        return (type(value), value is None, size if names & _LENGTH else size == 0)
    try:
        hash(value)
    except TypeError:
        return (type(value), repr(value))
    return (type(value), value)


class SchemaCheck:
    """One Cerberus schema over a few fields, answering ``passes(row)`` with a cache."""

    def __init__(self, schema: Mapping[str, Mapping[str, Any]]) -> None:
        self.schema = {field: dict(rules) for field, rules in schema.items()}
        self.fields = tuple(self.schema)
        self._validator = Validator(self.schema, allow_unknown=True)
        self._answers: dict[tuple[Any, ...], bool] = {}

    def passes(self, row: Mapping[str, Any]) -> bool:
        """Whether ``row`` (missing fields count as empty) meets the schema."""
        key = tuple(_value_class(row.get(f), self.schema[f]) for f in self.fields)
        answer = self._answers.get(key)
        if answer is None:
            answer = self.ask_cerberus(row)
            self._answers[key] = answer
        return answer

    def ask_cerberus(self, row: Mapping[str, Any]) -> bool:
        """Cerberus's own verdict, uncached."""
        return bool(self._validator.validate({f: row.get(f) for f in self.fields}))
