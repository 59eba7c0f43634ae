"""Every part of the report is valid against the schemas Word itself is held to.

Two checks. openxml-audit's port of the Open XML SDK validator (the schemas of ECMA-376
transitional with Office's own extensions, plus the SDK's semantic checks); and the literal
ECMA-376 Part 4 transitional XSDs with lxml (tests/ecma376.py, the schemas in
tests/files/ecma376), which are stricter where the SDK is lenient (w:zoom's percent is
required by ECMA-376 and optional to the SDK).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from ecma376 import error_kinds, schema_errors
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator
from template_makers import (
    chained_sections,
    libreoffice_template,
    numbered_headings,
    pandoc_reference,
    without_section_properties,
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
    assert schema_errors(output) == {}


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
    # The third-party templates break ECMA-376 themselves (pandoc's reference.docx puts
    # elements out of schema order; LibreOffice's numbering too): the report adds none.
    assert error_kinds(schema_errors(output)) <= error_kinds(schema_errors(template))


@pytest.mark.parametrize(
    "maker", [chained_sections, without_section_properties], ids=["chained", "no-sectPr"]
)
def test_a_report_from_a_clean_template_breaks_no_ecma_schema(tmp_path: Path, maker) -> None:  # type: ignore[no-untyped-def]
    template = maker(tmp_path)
    output = report(tmp_path, str(WORKBOOKS / "example-plan.xlsx"), "--template", str(template))
    assert schema_errors(output) == {}


def test_the_ecma_schemas_find_what_the_sdk_lets_pass() -> None:
    """python-docx's default settings carry w:zoom without w:percent, which the SDK accepts
    and ECMA-376 refuses; the report's settings are mended (see the tests above)."""
    errors = schema_errors(ROOT / "templates" / "board-report.docx")
    assert list(errors) == ["word/settings.xml"]
    assert "percent' is required but missing" in errors["word/settings.xml"][0]


def _with_document(tmp_path: Path, body: str) -> Path:
    """The shipped template with its body replaced by `body` (WordprocessingML)."""
    source = ROOT / "templates" / "board-report.docx"
    target = tmp_path / "edited.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                data = (
                    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
                    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
                    ' xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
                    ' xmlns:x="urn:example:unknown" mc:Ignorable="w14">'
                    f"<w:body>{body}</w:body></w:document>"
                ).encode()
            if item.filename == "word/settings.xml":
                root = etree.fromstring(data)
                for zoom in root.iter(f"{W}zoom"):
                    zoom.set(f"{W}percent", "100")
                data = etree.tostring(root)
            new.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ('<w:p w14:paraId="1A2B3C4D"><w:r><w:t>ignorable extension</w:t></w:r></w:p>', True),
        (
            '<mc:AlternateContent><mc:Choice Requires="x"><x:new/></mc:Choice>'
            "<mc:Fallback><w:p/></mc:Fallback></mc:AlternateContent>",
            True,
        ),
        ('<w:p x:unknown="1"/>', False),
        ("<w:p><w:r><w:t>out of order</w:t></w:r><w:pPr/></w:p>", False),
        ('<w:p mc:MustUnderstand="x"/>', False),
    ],
    ids=["ignorable", "fallback", "unknown-attribute", "order", "must-understand"],
)
def test_the_ecma_check_reads_markup_compatibility(tmp_path: Path, body: str, valid: bool) -> None:
    """What is marked ignorable or has a fallback is dropped as an ECMA-376 consumer drops it;
    anything else outside the schema is an error."""
    errors = schema_errors(_with_document(tmp_path, body))
    assert (errors == {}) is valid, errors
