"""The cached Cerberus path gives exactly Cerberus's answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check.schema_classes import SchemaCheck

values = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["Blue", "Green", "Amber", "Red", "", "x@y.org"]),
    st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.integers(-5, 5),
)
field_rules = st.fixed_dictionaries(
    {},
    optional={
        "required": st.booleans(),
        "nullable": st.booleans(),
        "empty": st.booleans(),
        "type": st.sampled_from(["string", "date", "number", "integer"]),
        "allowed": st.lists(st.sampled_from(["Blue", "Green", "Amber", "Red", ""]), max_size=3),
        "forbidden": st.lists(st.sampled_from(["Blue", "Red"]), max_size=2),
        "regex": st.sampled_from([r"[A-Z]+-\d+", r".*@.*", r"\w*"]),
        "minlength": st.integers(0, 4),
        "maxlength": st.integers(0, 8),
    },
)


@settings(max_examples=300, deadline=None)
@given(
    schema=st.dictionaries(
        st.sampled_from(["Status", "Ref", "Due"]), field_rules, min_size=1, max_size=2
    ),
    rows=st.lists(
        st.fixed_dictionaries({"Status": values, "Ref": values, "Due": values}),
        min_size=1,
        max_size=12,
    ),
)
def test_cached_answers_equal_cerberus(schema: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    check = SchemaCheck(schema)
    for row in rows:
        assert check.passes(row) == check.ask_cerberus(row), (schema, row)


@settings(max_examples=200, deadline=None)
@given(
    schema=st.dictionaries(
        st.sampled_from(["Status", "Ref", "Due"]), field_rules, min_size=1, max_size=2
    ),
    rows=st.lists(
        st.fixed_dictionaries({"Status": values, "Ref": values, "Due": values}),
        min_size=1,
        max_size=12,
    ),
)
def test_column_verdicts_equal_cerberus_row_by_row(
    schema: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    check = SchemaCheck(schema)
    columns = {name: [row[name] for row in rows] for name in ("Status", "Ref", "Due")}
    assert check.verdicts(columns) == [SchemaCheck(schema).ask_cerberus(row) for row in rows]
