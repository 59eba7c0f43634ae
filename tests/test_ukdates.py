"""UK dates, durations and numbers as a committee paper writes them."""

import datetime as dt

import pytest

from generator.common.ukdates import duration, number, percentages, uk_date


def test_uk_date() -> None:
    assert uk_date(dt.date(2020, 4, 23)) == "23 April 2020"
    assert uk_date(dt.date(2021, 1, 1)) == "1 January 2021"
    assert uk_date(None) == ""


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "0 days"),
        (1, "1 day"),
        (13, "13 days"),
        (14, "2 weeks"),
        (21, "3 weeks"),
        (62, "8 weeks"),
        (63, "2 months"),
        (365, "11 months"),
        (366, "12 months"),
        (731, "2 years"),
        (1100, "3 years"),
    ],
)
def test_duration(days: int, words: str) -> None:
    assert duration(days) == words


def test_numbers() -> None:
    assert number(20000) == "20,000"
    assert number(90.5) == "90.5"
    assert number(3.0) == "3"
    assert number("n/a") == "n/a"


def test_percentages_add_up_to_one_hundred() -> None:
    assert percentages([14, 22, 16, 10]) == [23, 35, 26, 16]
    assert sum(percentages([1, 1, 1])) == 100
    assert percentages([0, 0]) == [0, 0]
