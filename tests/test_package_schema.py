"""Every part of the report is well formed against the schemas Word itself is held to.

The check is openxml-audit's port of the Open XML SDK validator (the schemas of ECMA-376
transitional with Office's own extensions, plus the SDK's semantic checks). The ECMA-376 XSDs
themselves are not shipped with the tests; where that schema and the SDK's differ (w:zoom's
percent attribute is required by ECMA-376 and optional to the SDK) a test here says so.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator
from template_makers import (
    chained_sections,
    libreoffice_template,
    numbered_headings,
    pandoc_reference,
)

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"
AS_OF = "2026-11-23"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def problems(path: Path) -> set[str]:
    """Each schema or semantic error, with element positions left out so that the same error
    in a template and in a report made from it compare equal."""
    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=1000).validate(
        str(path)
    )
    return {re.sub(r"\[\d+\]", "", str(error)) for error in result.errors}


def report(folder: Path, *args: str) -> Path:
    output = folder / "report.docx"
    result = CliRunner().invoke(main, ["report", *args, "-o", str(output), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return output


@pytest.mark.parametrize(
    "args",
    [
        ["example-plan.xlsx", "--previous", "example-plan-previous.xlsx"],
        ["example-with-problems.xlsx", "--allow-errors"],
    ],
    ids=["with-previous", "with-errors"],
)
def test_the_report_validates_in_every_part(tmp_path: Path, args: list[str]) -> None:
    resolved = [str(WORKBOOKS / arg) if arg.endswith(".xlsx") else arg for arg in args]
    output = report(tmp_path, *resolved)
    assert problems(output) == set()
    # ECMA-376 requires w:zoom's percent, which the SDK's schema leaves optional.
    with zipfile.ZipFile(output) as archive:
        settings = etree.fromstring(archive.read("word/settings.xml"))
    zoom = settings.find(f"{W}zoom")
    assert zoom is None or zoom.get(f"{W}percent")


def test_the_shipped_template_had_errors_the_report_does_not(tmp_path: Path) -> None:
    """The check can fail: python-docx's default parts gave two errors before boardpack
    dropped the stale Word 2010 copy of the styles."""
    source = ROOT / "templates" / "board-report.docx"
    assert problems(source), "the shipped template is expected to carry python-docx's leftovers"


@pytest.mark.parametrize(
    "maker",
    [libreoffice_template, pandoc_reference, chained_sections, numbered_headings],
    ids=["libreoffice", "pandoc", "chained-sections", "numbered-headings"],
)
def test_boardpack_adds_no_error_to_a_template(tmp_path: Path, maker) -> None:  # type: ignore[no-untyped-def]
    template = maker(tmp_path)
    output = report(tmp_path, str(WORKBOOKS / "example-plan.xlsx"), "--template", str(template))
    # numId 0 is how ECMA-376 (17.9.18) and Word switch a heading's own numbering off for an
    # unnumbered heading; the SDK's semantic check takes it for a missing definition.
    switched_off = {
        "[semantic] /word/document.xml: Numbering definition '0' referenced but not found"
    }
    assert problems(output) - switched_off <= problems(template)
