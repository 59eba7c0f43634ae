"""Page layout a board member would notice: column widths, group bands, headings that keep
with what they introduce. Widths are read back from the document, in twips."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from generator.render import build_report
from generator.render.tables import DATE_CM, REF_CM, STATUS_CM, Column, column_widths
from tests.report_plans import AS_OF, seed_004_plan
from tests.report_reading import open_report, rows_of, table_captioned
from tests.test_report_template import council_template

TWIPS_PER_CM = 567


def widths(table: Table) -> list[int]:
    return [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]


def text_width(document: Document, section: int = 0) -> int:
    page = document.sections[section]
    return int((page.page_width - page.left_margin - page.right_margin) / 635)


@pytest.fixture(scope="module", params=["shipped", "council"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Document:
    template = None
    if request.param == "council":
        template = council_template(tmp_path_factory.mktemp("council"))
    return open_report(build_report(seed_004_plan(), AS_OF, template=template).to_bytes())


def test_portrait_tables_fill_the_text_width_of_the_template(report: Document) -> None:
    full = text_width(report)
    captions = [
        "Overdue actions: Quality of Practice",
        "Actions re-dated later than first planned",
        "Actions due before the next meeting",
        "Performance measures",
    ]
    for caption in captions:
        columns = widths(table_captioned(report, caption))
        assert full - len(columns) <= sum(columns) <= full


def test_appendix_tables_fill_the_landscape_width(report: Document) -> None:
    """The appendix's pages are turned: its tables are as wide as the landscape text, not
    the portrait width worked out for the tables before it."""
    landscape, portrait = text_width(report, len(report.sections) - 1), text_width(report)
    assert landscape > portrait
    columns = widths(table_captioned(report, "Actions in the section Quality of Practice"))
    assert landscape - len(columns) <= sum(columns) <= landscape


def test_dates_refs_and_statuses_get_room_for_one_line(report: Document) -> None:
    table = table_captioned(report, "Overdue actions: Quality of Practice")
    header = rows_of(table)[0]
    assert header == ["Ref", "Action", "Lead", "Due", "Status", "Latest update"]
    width = dict(zip(header, widths(table), strict=True))
    assert width["Due"] >= DATE_CM * TWIPS_PER_CM - 1
    assert width["Ref"] >= REF_CM * TWIPS_PER_CM - 1
    assert width["Status"] >= STATUS_CM * TWIPS_PER_CM - 1
    # The long text columns share what is left, the update getting the most.
    assert width["Latest update"] > width["Action"] > width["Lead"]


def test_measures_have_no_section_column_but_a_band_per_section(report: Document) -> None:
    table = table_captioned(report, "Performance measures")
    header = rows_of(table)[0]
    assert "Section" not in header
    bands = [row for row in rows_of(table)[1:] if len(row) == 1]
    assert bands == [["Quality of Practice"], ["Capacity and capability of workforce"]]


def test_a_heading_never_ends_a_page_alone(report: Document) -> None:
    """The introduction before a subsection heading keeps with it, and the heading's style
    keeps it with what follows."""
    body = list(report.element.body.iterchildren())
    introductions = 0
    for index, element in enumerate(body):
        if element.tag != qn("w:p"):
            continue
        paragraph = Paragraph(element, report._body)
        if paragraph.style is None or paragraph.style.name != "Heading 2" or index == 0:
            continue
        before = body[index - 1]
        if before.tag != qn("w:p"):
            continue
        previous = Paragraph(before, report._body)
        if previous.text.strip():
            assert previous.paragraph_format.keep_with_next, previous.text
            introductions += 1
    assert introductions >= 1, "no subsection heading with an introduction: nothing was checked"


def test_column_widths_give_fixed_columns_their_minimum_and_share_the_rest() -> None:
    columns = [
        Column("Ref", 0, minimum_cm=1.0),
        Column("Action", 3.0, minimum_cm=2.0),
        Column("Lead", 1.0, minimum_cm=2.0),
        Column("Due", 0, minimum_cm=3.0),
    ]
    assert column_widths(columns, 10 * TWIPS_PER_CM) == [567, 2268, 1134, 1701]
    # Lead's share (1 cm) is below its minimum, so it keeps 2 cm and Action takes the rest.
    assert column_widths(columns, 8 * TWIPS_PER_CM) == [567, 1134, 1134, 1701]
    # Larger table text grows the minimums.
    assert column_widths(columns, 10 * TWIPS_PER_CM, scale=1.2)[0] == int(1.2 * 567)
    # A page too narrow for every minimum scales them all down to fit.
    assert sum(column_widths(columns, 6 * TWIPS_PER_CM)) <= 6 * TWIPS_PER_CM


def test_larger_table_text_widens_the_date_columns(tmp_path: Path) -> None:
    template = council_template(tmp_path)

    def due_width(template: Path) -> int:
        data = build_report(seed_004_plan(), AS_OF, template=template, chart=False).to_bytes()
        document = open_report(data)
        return widths(table_captioned(document, "Overdue actions: Quality of Practice"))[3]

    bigger = docx.Document(str(template))
    bigger.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH).font.size = Pt(11)
    bigger.save(str(tmp_path / "bigger.docx"))
    assert due_width(tmp_path / "bigger.docx") > due_width(template)
