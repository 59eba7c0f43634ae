"""A plan with a great many sections: the chart is capped, the tables still list every one."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import docx
from click.testing import CliRunner
from conftest import action_row, write_plan

from generator.cli import main
from generator.render.chart import MAX_CHART_SECTIONS


def test_two_hundred_sections_chart_as_thirty_bars_with_the_rest_summed(tmp_path: Path) -> None:
    sections = [f"Section {n:03}" for n in range(200)]
    rows = [
        action_row(Ref=f"S-{n:03}", Section=name, Status="Red" if n % 2 else "Green",
                   **{"Progress update": "Behind"})
        for n, name in enumerate(sections)
    ]  # fmt: skip
    plan = write_plan(tmp_path / "plan.xlsx", rows, sections=sections)
    output = tmp_path / "report.docx"
    result = CliRunner().invoke(
        main, ["report", str(plan), "-o", str(output), "--as-of", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as archive:
        (png,) = [archive.read(n) for n in archive.namelist() if n.endswith(".png")]
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) < (1100, 3000), (width, height)  # a page's worth, not metres
    document = docx.Document(str(output))
    (alt,) = [
        element.get("descr")
        for element in document.element.body.iter()
        if element.tag.endswith("}docPr") and element.get("descr", "").startswith("Bar chart")
    ]
    others = 200 - (MAX_CHART_SECTIONS - 1)
    assert alt.count(": 1 action with a status:") == MAX_CHART_SECTIONS - 1
    assert f"{others} other sections: {others} actions with a status: 0 Blue, 85 Green" in alt
    text = "\n".join(cell.text for table in document.tables for row in table.rows
                     for cell in row.cells)  # fmt: skip
    assert all(name in text for name in sections)  # the table keeps every section
