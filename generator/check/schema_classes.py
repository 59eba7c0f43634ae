"""Cerberus schemas applied row after row, without asking Cerberus the same question twice.

Cerberus is the meaning of every per-column and row rule in rules.yaml. Asking it about each
cell of a 20,000-row plan costs seconds, yet most answers repeat: a rule such as
``{nullable: false}`` cannot tell one piece of text from another, only text from nothing.
So each value is reduced to the class of values the schema can tell apart, and Cerberus is
asked once per class. A Hypothesis test holds this to Cerberus's own answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from generator.schema.linear_regex import LinearValidator

# Rules whose verdict depends only on a value's type, nothing-ness and emptiness.
_SHAPE_ONLY = frozenset(("required", "nullable", "empty", "type", "meta"))
# Rules that also look at the length.
_LENGTH = frozenset(("minlength", "maxlength"))
# The types whose values can be equal across types (True == 1 == 1.0).
_EQUAL_ACROSS_TYPES = frozenset((bool, int, float))


def _shape(value: Any) -> tuple[type, bool]:
    return (type(value), value == "")


def _shape_and_length(value: Any) -> tuple[type, int | None]:
    try:
        return (type(value), len(value))
    except TypeError:
        return (type(value), None)


def _whole(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return (type(value), repr(value))
    return (type(value), value)


def classifier(rules: Mapping[str, Any]) -> Callable[[Any], Any]:
    """How much of a value the field's rules can see: its type and emptiness, or all of it.

    Two values with the same class get the same verdict from Cerberus for these rules. The
    type is always part of the class, so True and 1 or "" and None never share an answer.
    """
    names = set(rules)
    if names <= _SHAPE_ONLY:
        return _shape
    if names <= _SHAPE_ONLY | _LENGTH:
        return _shape_and_length
    return _whole


def _classify_column(classify: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """Every value's class, computed without a Python call per value where that is safe.

    The shortcuts give classes in another form than ``classify`` would (a bare type, or a
    (type, value) pair), but one that tells values apart exactly as it does; forms never
    compare equal to each other, so answers cached under either stay right.
    """
    if classify is _shape:
        types = list(map(type, values))
        if str not in set(types) or "" not in values:
            # With no empty string present, a value's shape is told by its type alone.
            return types
    if classify is _whole:
        if len(set(map(type, values)) & _EQUAL_ACROSS_TYPES) <= 1:
            # No two values of different types can be equal (True == 1 == 1.0 cannot
            # happen), so a value is its own class: no (type, value) pair is needed.
            try:
                set(values)
            except TypeError:  # an unhashable value: take the careful road
                return list(map(classify, values))
            return list(values)
        keys = list(zip(map(type, values), values))
        try:
            set(keys)
        except TypeError:  # an unhashable value: take the careful road
            return list(map(classify, values))
        return keys
    return list(map(classify, values))


class SchemaCheck:
    """One Cerberus schema over a few fields, answering ``passes(row)`` with a cache."""

    def __init__(self, schema: Mapping[str, Mapping[str, Any]]) -> None:
        self.schema = {field: dict(rules) for field, rules in schema.items()}
        self.fields = tuple(self.schema)
        self._validator = LinearValidator(self.schema, allow_unknown=True)
        self._classes = tuple((f, classifier(self.schema[f])) for f in self.fields)
        self._answers: dict[Any, bool] = {}

    def passes(self, row: Mapping[str, Any]) -> bool:
        """Whether ``row`` (missing fields count as empty) meets the schema."""
        if len(self._classes) == 1:
            name, classify = self._classes[0]
            key: Any = classify(row.get(name))
        else:
            key = tuple(classify(row.get(name)) for name, classify in self._classes)
        answer = self._answers.get(key)
        if answer is None:
            answer = self.ask_cerberus(row)
            self._answers[key] = answer
        return answer

    def verdicts(self, columns: Mapping[str, Sequence[Any]]) -> list[bool]:
        """``passes`` for every row at once, given the values by column (same lengths).

        Each row is reduced to its class; Cerberus is asked once per distinct class.
        """
        length = max((len(values) for values in columns.values()), default=0)
        classified = [
            _classify_column(classify, columns.get(name) or [None] * length)
            for name, classify in self._classes
        ]
        keys: list[Any] = classified[0] if len(classified) == 1 else list(zip(*classified))
        answers = self._answers
        # The first row of each class stands for it (reversed, so earlier rows win).
        first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
        for key, index in first.items():
            if key not in answers:
                row = {name: (columns.get(name) or [None] * length)[index] for name in self.fields}
                answers[key] = self.ask_cerberus(row)
        return list(map(answers.__getitem__, keys))

    def ask_cerberus(self, row: Mapping[str, Any]) -> bool:
        """Cerberus's own verdict, uncached."""
        return bool(self._validator.validate({f: row.get(f) for f in self.fields}))
