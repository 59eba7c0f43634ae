"""The shared helpers: A1 columns, plurals, sizes, XML-safe text and reading a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string, get_column_letter

from generator.common.a1 import LAST_COLUMN, cell_column, column_letter, column_number
from generator.common.files import read_bytes_or_raise, read_text_or_raise
from generator.common.matching import ref_key, ref_keys
from generator.common.plurals import plural, word_for
from generator.common.sizes import GB, KB, MB, format_size, parse_size
from generator.common.xmltext import XML_ILLEGAL, has_xml_illegal, xml_safe
from generator.errors import BadRulesFile


def test_column_letters_and_numbers_agree_with_openpyxl_everywhere() -> None:
    for number in range(1, LAST_COLUMN + 1):
        letters = get_column_letter(number)
        assert column_letter(number) == letters
        assert column_number(letters) == column_index_from_string(letters) == number
    assert column_number(b"xfd") == 16_384
    assert [cell_column(cell) for cell in ("H14", "AB2", "")] == [8, 28, 0]


@pytest.mark.parametrize("bad", ["", "A1", "ABCD", "Ä"])
def test_a_column_name_that_is_not_one_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        column_number(bad)


@pytest.mark.parametrize("bad", [0, LAST_COLUMN + 1])
def test_a_column_number_out_of_range_is_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        column_letter(bad)


def test_plurals() -> None:
    assert plural(1, "action") == "1 action"
    assert plural(2000, "action") == "2,000 actions"
    assert plural(0, "entry", "entries") == "0 entries"
    assert [word_for(n, "is", "are") for n in (1, 2)] == ["is", "are"]


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("2GB", 2 * GB),
        ("500MB", 500 * MB),
        ("500 mb", 500 * MB),
        ("1.5G", 3 * GB // 2),
        ("64KiB", 64 * KB),
        ("750000", 750_000),
    ],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "big", "-1GB", "0", "2 GBs", "1e9"])
def test_parse_size_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


def test_format_size() -> None:
    sizes = (500 * MB, 3 * GB // 2, 12 * KB, 48 * KB + 10, 3_400_000, 812)
    assert [format_size(n) for n in sizes] == [
        "500 MB",
        "1.5 GB",
        "12 KB",
        "48 KB",
        "3.2 MB",
        "812 bytes",
    ]


def test_xml_safe_text_keeps_tabs_and_line_breaks_and_drops_the_rest() -> None:
    assert xml_safe("a\tb\nc\rd\x00e\x1ff\ud800g\ufffeh\uffff") == "a\tb\nc\rdefgh"
    assert xml_safe("a\x0bb", "\ufffd") == "a\ufffdb"
    # Exactly the characters outside XML 1.0's Char production.
    allowed = {0x9, 0xA, 0xD, *range(0x20, 0xD800), *range(0xE000, 0xFFFE)}
    for code in range(0x10000):
        assert (XML_ILLEGAL.fullmatch(chr(code)) is None) == (code in allowed), hex(code)


def test_reading_a_file_or_one_line_saying_why_not(tmp_path: Path) -> None:
    text = tmp_path / "rules.yaml"
    text.write_bytes(b"\xef\xbb\xbfstatus: []\n")
    assert read_text_or_raise(text, BadRulesFile) == "status: []\n"
    with pytest.raises(BadRulesFile, match=r"gone\.yaml: no such rules file$"):
        read_bytes_or_raise(tmp_path / "gone.yaml", BadRulesFile, "rules file")
    with pytest.raises(BadRulesFile, match=r": is a folder, not a file$"):
        read_bytes_or_raise(tmp_path, BadRulesFile)
    text.write_bytes(b"\xff\xfe not UTF-8")
    with pytest.raises(BadRulesFile, match="not UTF-8 text"):
        read_text_or_raise(text, BadRulesFile)


@given(st.text())
@example("plain ASCII text")
@example("tab\tline\nreturn\r")
@example("vertical\x0btab")
@example("\x7f delete is allowed")
@example("café \x01")
@example("lone \ud800 surrogate")
@example("\ufffe")
def test_has_xml_illegal_agrees_with_the_pattern(text: str) -> None:
    # The ASCII shortcut and the pattern must give one answer for every text.
    assert has_xml_illegal(text) == (XML_ILLEGAL.search(text) is not None)


@given(st.lists(st.text()))
@example(["QP-07", "qp 07", "-", " - ", "Straße", "ΣΑΣ", "a\nb", "__"])
@example(["Q1", "Q_1", "", "\n"])
def test_ref_keys_are_each_refs_own_key(refs: list[str]) -> None:
    # The column folded as one text gives exactly the key each Ref gets on its own.
    assert ref_keys(refs) == [ref_key(ref) for ref in refs]
