"""Templates: the shipped one, a council's own, and ones that cannot be used."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

from generator.errors import BadTemplate
from generator.render import build_report
from generator.render.house import default_template
from tests.report_plans import AS_OF, seed_004_plan
from tests.report_reading import headings, open_report

HEADER = "Borsetshire County Council – Children's Scrutiny Panel"
FOOTER = "Borsetshire CC: protect when printed"


def council_template(folder: Path, *, suffix: str = ".docx") -> Path:
    """A council's letterhead: Georgia, US Letter, its own header and footer, an address
    above the report's placeholder and a line below it, and no Table Grid, Caption or
    Heading 2 style."""
    document = docx.Document()
    for name in ("Table Grid", "Caption", "Heading 2"):
        element = document.styles[name].element
        element.getparent().remove(element)
    document.styles["Normal"].font.name = "Georgia"
    document.styles["Normal"].font.size = Pt(12)
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(1.25)
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = FOOTER
    document.add_paragraph("County Hall, Borsetshire BC1 1AA")  # the letterhead above
    document.add_paragraph("{{ report }}")
    document.add_paragraph("Printed on recycled paper.")  # fixed text below
    path = folder / f"council{suffix}"
    document.save(str(path))
    return path


def test_shipped_template_is_a4_with_page_x_of_y() -> None:
    document = docx.Document(str(default_template()))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    footer = section.footer._element
    fields = [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    tags = [t.get(qn("w:val")) for t in section.header._element.iter(qn("w:tag"))]
    assert tags == ["boardpack:classification"]
    names = {style.name for style in document.styles}
    assert {"Title", "Heading 1", "Heading 2", "Caption", "Table Text", "Table Grid"} <= names


def test_council_template_keeps_its_page_header_and_footer(tmp_path: Path) -> None:
    template = council_template(tmp_path)
    data = build_report(seed_004_plan(), AS_OF, template=template, chart=False).to_bytes()
    document = open_report(data)
    first = document.sections[0]
    assert (first.page_width, first.page_height) == (Inches(8.5), Inches(11))
    assert first.left_margin == Inches(1.25)
    assert first.header.paragraphs[0].text == HEADER
    assert first.footer.paragraphs[0].text == FOOTER
    # The landscape appendix carries the same header and footer on.
    assert document.sections[-1].header.is_linked_to_previous
    texts = [p.text for p in document.paragraphs if p.text]
    # The report took the placeholder's place, between the template's own lines.
    assert texts[0] == "County Hall, Borsetshire BC1 1AA"
    assert texts[1] == "Medway Council Children's Services"
    assert texts[-1] == "Printed on recycled paper."
    assert not any("{{" in text for text in texts)
    assert document.styles["Normal"].font.name == "Georgia"


def test_missing_styles_are_added_so_headings_stay_real(tmp_path: Path) -> None:
    data = build_report(seed_004_plan(), AS_OF, template=council_template(tmp_path)).to_bytes()
    document = open_report(data)
    levels = {level for level, _ in headings(document)}
    assert levels == {1, 2}
    heading_2 = document.styles["Heading 2"]
    outline = heading_2.element.pPr.find(qn("w:outlineLvl"))
    assert outline is not None and outline.get(qn("w:val")) == "1"
    assert document.styles["Table Grid"].type == WD_STYLE_TYPE.TABLE
    assert any(p.style.name == "Caption" for p in document.paragraphs)


def test_a_dotx_template_is_accepted(tmp_path: Path) -> None:
    source = council_template(tmp_path)
    dotx = tmp_path / "council.dotx"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(dotx, "w") as out:
        for info in archive.infolist():
            body = archive.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"document.main+xml", b"template.main+xml")
            out.writestr(info, body)
    data = build_report(seed_004_plan(), AS_OF, template=dotx, chart=False).to_bytes()
    assert open_report(data).sections[0].header.paragraphs[0].text == HEADER


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not a zip package"),
        (b"just some text", "not a zip package"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old .doc"),
        ("xlsx", "no word/document.xml"),
    ],
)
def test_unusable_templates_get_a_clear_message(
    tmp_path: Path, content: bytes | str, expected: str
) -> None:
    path = tmp_path / "bad.docx"
    if content == "xlsx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
        content = buffer.getvalue()
    assert isinstance(content, bytes)
    path.write_bytes(content)
    with pytest.raises(BadTemplate, match=expected):
        build_report(seed_004_plan(), AS_OF, template=path, chart=False)


def test_a_missing_template_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadTemplate, match="no such template"):
        build_report(seed_004_plan(), AS_OF, template=tmp_path / "nope.docx", chart=False)
