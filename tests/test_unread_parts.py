"""Validation costs what the plan costs: parts nothing reads are not inflated.

A pivot table's cache can hold tens of megabytes of records that neither boardpack nor its
reader ever opens. The front door still caps every part's declared size and checks every
XML part's head, but inflates only what a reader will parse; the annotated copy copies the
rest as stored. Proved here with a cache that would fail if it were inflated: damaged bytes
that a full inflation refuses as a damaged file.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import action_row, write_plan

from bench.packages import PIVOT_PARTS, add_pivot_table

RECORDS = PIVOT_PARTS[1]


def data_span(path: Path, part: str) -> tuple[int, int]:
    """Where ``part``'s compressed bytes start in the file, and how many there are."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    with path.open("rb") as file:
        file.seek(info.header_offset)
        header = file.read(30)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def packed(path: Path, part: str) -> bytes:
    start, size = data_span(path, part)
    return path.read_bytes()[start : start + size]


def damage(path: Path, part: str) -> None:
    """Flip bytes in the middle of ``part``'s compressed data."""
    start, size = data_span(path, part)
    data = bytearray(path.read_bytes())
    middle = start + size // 2
    data[middle : middle + 16] = bytes(byte ^ 0xFF for byte in data[middle : middle + 16])
    path.write_bytes(bytes(data))


def plan_with_pivot(folder: Path) -> Path:
    plan = write_plan(folder / "base.xlsx", [action_row({"Status": "Purple"})])
    return add_pivot_table(plan, folder / "plan.xlsx", records=5_000)


def test_a_pivot_cache_is_never_inflated_by_validate_or_annotate(tmp_path: Path, run_cli) -> None:
    plan = plan_with_pivot(tmp_path)
    damage(plan, RECORDS)
    with zipfile.ZipFile(plan) as archive, pytest.raises((zipfile.BadZipFile, zlib.error)):
        archive.read(RECORDS)  # inflating it fails, as the front door would say

    copy = tmp_path / "checked.xlsx"
    result = run_cli(
        "validate", str(plan), "--as-of", "2026-11-23", "--format", "json", "--annotate", str(copy)
    )
    assert result.returncode == 1, result.stderr  # the unknown status, nothing about damage
    assert [finding["rule"] for finding in json.loads(result.stdout)] == ["unknown-status"]
    assert packed(copy, RECORDS) == packed(plan, RECORDS)  # copied as stored, damage and all


@pytest.mark.parametrize(
    ("kind", "part"),
    [
        ("image", "xl/worksheets/sheet1.xml"),  # a sheet, also listed as a picture
        ("pivotCacheRecords", "xl/styles.xml"),  # read by name, not by relationship
    ],
)
def test_a_damaged_part_a_reader_opens_is_still_refused(
    tmp_path: Path, run_cli, kind: str, part: str
) -> None:
    """A part a reader opens is inflated, whatever else a hostile file calls it."""
    plan = plan_with_pivot(tmp_path)
    odd = tmp_path / "odd.xlsx"
    target = "../" + part.removeprefix("xl/")
    with zipfile.ZipFile(plan) as original, zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as new:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/pivotTables/_rels/pivotTable1.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
                    + f'officeDocument/2006/relationships/{kind}" Target="{target}"/>'.encode()
                    + b"</Relationships>",
                )
            if info.filename == "xl/_rels/workbook.xml.rels" and part == "xl/styles.xml":
                # Only the hostile relationship names it now; readers open it by name.
                data = re.sub(rb"<Relationship [^>]*/styles\"[^>]*/>", b"", data)
                assert b"/styles" not in data
            if info.filename == part:  # long enough for damage in the middle to tell
                data += b" " * 4000
            new.writestr(info, data)
    damage(odd, part)
    result = run_cli("validate", str(odd), "--as-of", "2026-11-23")
    assert result.returncode == 2
    assert "is damaged" in result.stderr
