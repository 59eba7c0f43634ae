"""Reading cell values the way a UK programme manager typed them."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.common.matching import fold
from generator.read.cells import parse_date, parse_number, parse_text

NO_DATE = frozenset(fold(word) for word in ("Ongoing", "TBC", "n/a"))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("23/04/2020", dt.date(2020, 4, 23)),
        ("3/4/20", dt.date(2020, 4, 3)),  # day first, always
        ("23 April 2020", dt.date(2020, 4, 23)),
        ("23rd April 2020", dt.date(2020, 4, 23)),
        ("23-Apr-20", dt.date(2020, 4, 23)),
        ("2020-04-23", dt.date(2020, 4, 23)),
        ("23.04.2020", dt.date(2020, 4, 23)),
        ("March 2021", dt.date(2021, 3, 31)),
        ("Mar-21", dt.date(2021, 3, 31)),
        ("Feb 2024", dt.date(2024, 2, 29)),
        ("Q1 2020/21", dt.date(2020, 6, 30)),
        ("Q2 2020/21", dt.date(2020, 9, 30)),
        ("Q3 2020-21", dt.date(2020, 12, 31)),
        ("Q4 2020/21", dt.date(2021, 3, 31)),
    ],
)
def test_text_dates_are_read_day_first_with_a_warning(typed: str, expected: dt.date) -> None:
    parsed = parse_date(typed, NO_DATE)
    assert (parsed.value, parsed.rule) == (expected, "date-as-text")


@pytest.mark.parametrize("typed", ["31/02/2020", "30 February 2021", "29/02/2023"])
def test_impossible_dates_are_errors(typed: str) -> None:
    assert parse_date(typed, NO_DATE).rule == "impossible-date"


@pytest.mark.parametrize("typed", ["Ongoing", "TBC", "n/a", " ongoing "])
def test_no_date_words_are_warnings_and_no_date(typed: str) -> None:
    assert (parse_date(typed, NO_DATE).value, parse_date(typed, NO_DATE).rule) == (None, "no-date")


def test_real_dates_read_cleanly() -> None:
    assert parse_date(dt.datetime(2020, 4, 23, 0, 0), NO_DATE).value == dt.date(2020, 4, 23)
    assert parse_date(dt.date(2020, 4, 23), NO_DATE).rule == ""


@pytest.mark.parametrize("typed", ["soon", "next year", "#REF!"])
def test_unreadable_dates(typed: str) -> None:
    assert parse_date(typed, NO_DATE).rule in ("not-a-date", "error-value")


def test_text_is_stripped_and_control_characters_removed() -> None:
    assert parse_text("  Do it \n").value == "Do it"
    cleaned = parse_text("bad\x07bell")
    assert (cleaned.value, cleaned.rule) == ("badbell", "illegal-characters")
    assert parse_text(12.0).value == "12"
    assert parse_text("{{ 7*7 }}").value == "{{ 7*7 }}"


def test_numbers() -> None:
    assert parse_number("85%").value == 85.0
    assert parse_number("1,234").value == 1234.0
    assert parse_number("lots").rule == "not-a-number"
