"""The scans of a sheet's XML that calamine does not do (error cells, formulas without a
value, fills, the cells with values far out) cost time linear in the XML, whatever it holds.

Each hostile sheet here is a few kilobytes packed. Before the scans were bounded, the first
took about 8 minutes and the last over half an hour (each ~10 KB file was already 30-90 s at
a quarter of these sizes); bounded, each takes well under a second, so the timeout is a hang
detector, not a timing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import hostile

# Well-formed XML: a comment after the sheet data may hold anything.
HOSTILE_TAILS = {
    # Error cells opened and never closed: each search for "</c>" ran to the end.
    "unclosed error cells": "<!--" + '<c r="A9" t="e">' * 300_000 + "-->",
    # Error markers with no cell before them: each search back for "<c " ran to the start.
    "markers outside any cell": "<!--" + ' t="e"' * 300_000 + "-->",
    # Formula cells never closed.
    "unclosed formula cells": "<!--" + '<c r="A9"><f>1' * 300_000 + "-->",
}


@pytest.mark.parametrize("tail", HOSTILE_TAILS.values(), ids=HOSTILE_TAILS.keys())
def test_hostile_xml_outside_the_cells_is_scanned_in_linear_time(
    run_cli, tmp_path: Path, tail: str
) -> None:
    plan = hostile.write_plan_with_xml(tmp_path / "plan.xlsx", after=tail, lead_error=True)
    result = run_cli("validate", str(plan), timeout=60)
    # The real error cell is still found, and nothing in the comment is taken for a cell.
    assert result.returncode == 1, result.stderr
    assert "Actions!D4 (B1, Lead): the cell holds the spreadsheet error #REF!" in result.stdout
    assert "A9" not in result.stdout


def test_a_far_value_beside_a_run_of_unclosed_tags_is_refused_in_linear_time(
    run_cli, tmp_path: Path
) -> None:
    # A value at row 9,000,000 sends the sheet to the slower count of cells with values;
    # "<c" 300,000 times with no ">" made that count quadratic in each megabyte read.
    far = '<row r="9000000"><c r="A9000000" t="inlineStr"><is><t>x</t></is></c></row>'
    plan = hostile.write_plan_with_xml(
        tmp_path / "plan.xlsx", rows=far, after="<!--" + "<c" * 300_000 + "-->"
    )
    result = run_cli("validate", str(plan), timeout=60)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "has values as far out as F9000000" in line
