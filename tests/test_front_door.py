"""The front door's answers for files from every program: each says what the file is and
what will help, or says nothing (the file is read). Files are made here, byte by byte."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from generator.errors import DamagedWorkbook, UnreadableWorkbook
from generator.read.guard import inspect_workbook_file

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FREE, END_OF_CHAIN, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def refusal(path: Path) -> UnreadableWorkbook:
    """The one-line error inspecting ``path`` raises."""
    with pytest.raises(UnreadableWorkbook) as caught:
        inspect_workbook_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return caught.value


def ole2_header(
    *,
    fat_sectors: int,
    first_directory: int,
    first_difat: int,
    difat_sectors: int,
    difat: list[int],
) -> bytes:
    """A version 3 compound file header (512-byte sectors) with the given tables."""
    header = bytearray(512)
    header[:8] = OLE2_MAGIC
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 32, 6)
    struct.pack_into("<II", header, 44, fat_sectors, first_directory)
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<IIII", header, 60, END_OF_CHAIN, 0, first_difat, difat_sectors)
    for index in range(109):
        struct.pack_into("<I", header, 76 + 4 * index, difat[index] if index < len(difat) else FREE)
    return bytes(header)


def test_a_compound_file_whose_fat_table_list_loops_is_damaged(tmp_path: Path) -> None:
    """A DIFAT sector pointing at itself, claiming 134 million FAT sectors: refused at once."""
    body = bytearray(512 * 200)
    struct.pack_into("<128I", body, 512, *([0] * 127 + [1]))
    path = tmp_path / "plan.xls"
    path.write_bytes(
        ole2_header(
            fat_sectors=0x7FFFFFF,
            first_directory=0,
            first_difat=1,
            difat_sectors=0x7FFFFF,
            difat=[0] * 109,
        )
        + bytes(body)
    )
    assert type(refusal(path)) is DamagedWorkbook


def test_a_compound_file_whose_directory_chain_loops_is_not_a_workbook(tmp_path: Path) -> None:
    """The directory's sector chain runs 1 -> 2 -> 2 ...: no Workbook stream is found."""
    body = bytearray(512 * 20)
    struct.pack_into("<128I", body, 0, *([FAT_SECTOR, 2, 2] + [FREE] * 125))
    path = tmp_path / "plan.xls"
    path.write_bytes(
        ole2_header(
            fat_sectors=1, first_directory=1, first_difat=END_OF_CHAIN, difat_sectors=0, difat=[0]
        )
        + bytes(body)
    )
    assert isinstance(refusal(path), UnreadableWorkbook)


def test_a_truncated_compound_file_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "plan.xls"
    path.write_bytes(
        ole2_header(
            fat_sectors=1, first_directory=0, first_difat=END_OF_CHAIN, difat_sectors=0, difat=[3]
        )
    )
    assert type(refusal(path)) is DamagedWorkbook
