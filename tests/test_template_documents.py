"""The council's template is the document: real templates through --template keep their
letterhead, headers, footers and page; the report stays British, legible and well formed."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from template_makers import (
    ADDRESS,
    CLOSING,
    FOOTER,
    LETTERHEAD,
    RUNNING_HEADER,
    as_macro_enabled,
    as_password_protected,
    chained_sections,
    libreoffice_template,
    numbered_headings,
    pandoc_reference,
    without_section_properties,
)

from generator.cli import main
from generator.render.legibility import legible_colour
from generator.render.output import convert_to_pdf
from generator.render.tables import contrast_ratio
from tests.contrast import illegible
from tests.report_reading import headings, open_report

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "workbooks" / "example-plan.xlsx"
AS_OF = "2026-11-23"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W_NS,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


def report_with(template: Path, folder: Path, *extra: str) -> Path:
    output = folder / "report.docx"
    result = CliRunner().invoke(
        main,
        ["report", str(PLAN), "-o", str(output), "--as-of", AS_OF, "--template", str(template),
         *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return output


def parts(docx_path: Path) -> dict[str, etree._Element]:
    """Every XML part of the package, parsed."""
    with zipfile.ZipFile(io.BytesIO(docx_path.read_bytes())) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".xml") or name.endswith(".rels")
        }


def pdf_pages(docx_path: Path) -> list[str]:
    """The text of each page as LibreOffice lays the report out."""
    pdf = docx_path.with_suffix(".pdf")
    convert_to_pdf(docx_path, pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def assert_every_shaded_run_is_legible(document_xml: etree._Element) -> None:
    """Each run in a shaded cell (or with its own shading) has its own colour at 4.5:1."""
    checked = 0
    for cell in document_xml.iter(f"{{{W_NS}}}tc"):
        fill = cell.xpath("string(w:tcPr/w:shd/@w:fill)", namespaces=NS)
        if not fill or fill == "auto":
            continue
        for run in cell.iter(f"{{{W_NS}}}r"):
            colour = run.xpath("string(w:rPr/w:color/@w:val)", namespaces=NS)
            assert colour, f"a run on {fill} has no colour of its own"
            assert contrast_ratio(colour, fill) >= 4.5, (colour, fill)
            checked += 1
    for run in document_xml.xpath("//w:r[w:rPr/w:shd]", namespaces=NS):
        fill = run.xpath("string(w:rPr/w:shd/@w:fill)", namespaces=NS)
        colour = run.xpath("string(w:rPr/w:color/@w:val)", namespaces=NS)
        assert contrast_ratio(colour, fill) >= 4.5, (colour, fill)
    assert checked > 50


def test_a_libreoffice_letterhead_is_the_document(tmp_path: Path) -> None:
    template = libreoffice_template(tmp_path)
    output = report_with(template, tmp_path)
    xml = parts(output)
    document = xml["word/document.xml"]
    # Drawing ids are unique across the body (the chart), headers and footers (the logo).
    ids = [
        doc_pr.get("id")
        for name, root in xml.items()
        if name.startswith("word/") and re.search(r"(document|header\d*|footer\d*)\.xml$", name)
        for doc_pr in root.iter(f"{{{NS['wp']}}}docPr")
    ]
    assert len(ids) >= 2 and len(ids) == len(set(ids)), ids
    # British English wherever the template set a language.
    languages = {
        lang.get(f"{{{W_NS}}}val")
        for root in xml.values()
        for lang in root.iter(f"{{{W_NS}}}lang")
        if lang.get(f"{{{W_NS}}}val")
    }
    assert languages == {"en-GB"}
    # The template's grey body text never reaches a shaded cell.
    assert_every_shaded_run_is_legible(document)
    # Its grey (999999, 2.85:1 on white) is darkened in the same hue wherever text shows it:
    # plain table cells, body, letterhead, headers and footers.
    assert {(shown.colour, shown.background) for shown in illegible(parts(template))} == {
        ("999999", "FFFFFF")
    }
    assert illegible(xml) == []
    # LibreOffice's heading styles carry an outline list that prints nothing: numbers typed.
    assert (1, "1. Summary") in headings(open_report(output.read_bytes()))
    body = "".join(document.itertext())
    assert "{{" not in body
    assert body.index(ADDRESS) < body.index("Eastbridge Borough Council") < body.index(CLOSING)

    pages = pdf_pages(output)
    # About 19 pages (the paper, the recommendations and their evidence, the appendix); a
    # template without a page size once gave 103.
    assert 8 <= len(pages) <= 24, len(pages)
    assert LETTERHEAD in pages[0] and ADDRESS in pages[0]
    # The letterhead is the first page's alone: not repeated on the landscape appendix.
    assert [i for i, page in enumerate(pages) if LETTERHEAD in page] == [0]
    assert all(RUNNING_HEADER in page for page in pages[1:])
    assert all(FOOTER in page for page in pages[1:])  # its first page has an empty footer
    appendix = next(i for i, page in enumerate(pages) if "Appendix A" in page)
    assert RUNNING_HEADER in pages[appendix]
    assert CLOSING in pages[-1]


def test_without_a_placeholder_the_report_follows_the_template_body(tmp_path: Path) -> None:
    output = report_with(libreoffice_template(tmp_path, placeholder=False), tmp_path)
    texts = [p.text for p in open_report(output.read_bytes()).paragraphs if p.text]
    assert texts[:3] == [ADDRESS, CLOSING, "Eastbridge Borough Council"]


def test_pandocs_reference_docx_has_no_page_size_and_gets_a4(tmp_path: Path) -> None:
    template = pandoc_reference(tmp_path)
    output = report_with(template, tmp_path)
    # Its headings' Word 2010 blue (4F81BD, 4.03:1 on white) is darkened to 4.5:1.
    assert illegible(parts(template)) and illegible(parts(output)) == []
    section = open_report(output.read_bytes()).sections[-1]
    # Landscape A4 for the appendix, from A4 portrait.
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
    pages = pdf_pages(output)
    # pandoc's two pages of sample styles, then the report (103 pages before A4 was assumed).
    assert 12 <= len(pages) <= 30, len(pages)


def test_a_header_linked_to_the_previous_section_survives(tmp_path: Path) -> None:
    output = report_with(chained_sections(tmp_path), tmp_path)
    assert illegible(parts(output)) == []  # python-docx's heading blue, darkened
    document = open_report(output.read_bytes())
    pages = pdf_pages(output)
    assert all(RUNNING_HEADER in page and FOOTER in page for page in pages)
    assert document.sections[0].header.paragraphs[0].text == RUNNING_HEADER


def test_a_template_with_no_section_properties_is_a4(tmp_path: Path) -> None:
    output = report_with(without_section_properties(tmp_path), tmp_path)
    first = open_report(output.read_bytes()).sections[0]
    assert (round(first.page_width.cm, 1), round(first.page_height.cm, 1)) == (21.0, 29.7)


def test_headings_that_number_themselves_get_no_typed_numbers(tmp_path: Path) -> None:
    output = report_with(numbered_headings(tmp_path), tmp_path)
    document = open_report(output.read_bytes())
    found = headings(document)
    assert (1, "Summary") in found and (1, "1. Summary") not in found
    assert not any(re.match(r"\d", text) for _, text in found)
    # The appendix heading is not numbered: its numbering is switched off.
    appendix = next(p for p in document.paragraphs if p.text.startswith("Appendix A"))
    assert appendix._p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)") == "0"
    pages = pdf_pages(output)
    assert not any(re.search(r"\b1\s+1\.\s+Summary", page) for page in pages)


@pytest.mark.parametrize(
    ("maker", "says"),
    [
        (as_password_protected, "a password-protected Word document; open it in Word, remove"),
        (as_macro_enabled, "a macro-enabled Word file (.docm or .dotm)"),
    ],
)
def test_refusals_say_what_the_file_is(tmp_path: Path, maker, says: str) -> None:  # type: ignore[no-untyped-def]
    template = maker(tmp_path)
    result = CliRunner().invoke(
        main,
        ["report", str(PLAN), "-o", str(tmp_path / "out.docx"), "--as-of", AS_OF,
         "--template", str(template)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert says in result.stderr
    assert "BytesIO" not in result.stderr and "old .doc" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_package_is_modern_and_truthful(tmp_path: Path) -> None:
    output = tmp_path / "report.docx"
    result = CliRunner().invoke(main, ["report", str(PLAN), "-o", str(output), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    xml = parts(output)
    settings = xml["word/settings.xml"]
    modes = settings.xpath("//w:compatSetting[@w:name='compatibilityMode']/@w:val", namespaces=NS)
    assert modes == ["15"]
    assert settings.xpath("string(//w:zoom/@w:percent)", namespaces=NS) == "100"
    app = xml["docProps/app.xml"]
    assert [e.text for e in app if e.tag.endswith("Application")] == ["boardpack"]
    assert not any(e.tag.endswith(("Pages", "Words", "Template")) for e in app)
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
    assert not any("thumbnail" in name or "stylesWithEffects" in name for name in names)
    assert "thumbnail" not in ET_text(xml["_rels/.rels"])


def ET_text(root: etree._Element) -> str:
    return etree.tostring(root).decode()


@pytest.mark.parametrize(
    "args",
    [
        ["example-plan.xlsx", "--previous", "example-plan-previous.xlsx"],
        ["example-with-problems.xlsx", "--allow-errors"],
    ],
    ids=["with-previous", "with-errors"],
)
def test_every_text_colour_in_the_default_report_is_legible(
    tmp_path: Path, args: list[str]
) -> None:
    """Every run with text, in body, tables, headers and footers, at 4.5:1 on what it sits on
    (its shading, its cell's, its table style's or the page), colours resolved through styles."""
    workbooks = ROOT / "workbooks"
    resolved = [str(workbooks / a) if a.endswith(".xlsx") else a for a in args]
    output = tmp_path / "report.docx"
    result = CliRunner().invoke(main, ["report", *resolved, "-o", str(output), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    xml = parts(output)
    assert illegible(xml) == []
    assert_every_shaded_run_is_legible(xml["word/document.xml"])


@pytest.mark.parametrize(
    ("colour", "background", "expected"),
    [
        ("999999", "FFFFFF", "767676"),  # grey: the lightest grey legible on white
        ("4F81BD", "FFFFFF", "4A79B1"),  # Word 2010's heading blue, same hue
        ("1F3864", "FFFFFF", "1F3864"),  # legible already: kept
        ("auto", "FFFFFF", "auto"),  # Word's automatic colour: kept
        ("333333", "1F3864", "A2A2A2"),  # dark grey on navy: lightened instead
    ],
)
def test_a_colour_below_aa_moves_just_far_enough(
    colour: str, background: str, expected: str
) -> None:
    assert legible_colour(colour, background) == expected
    if colour != "auto":
        assert contrast_ratio(expected, background) >= 4.5
