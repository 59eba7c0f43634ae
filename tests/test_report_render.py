"""The committee report, built from hand-made plans and read back with python-docx."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from docx.oxml.ns import qn

from generator.findings import Finding, Severity
from generator.model.changes import compare_plans
from generator.render import build_report
from generator.render.chart import chart_png
from tests.report_plans import AS_OF, KEY, SEED_004, seed_004_plan, with_actions
from tests.report_reading import (
    column,
    fill_of,
    headings,
    open_report,
    paragraph_texts,
    part_text,
    rows_of,
    table_captioned,
)

RAG = "RAG ratings for actions in each section of the plan"
PROVENANCE = {
    "Workbook SHA-256": "ab" * 32,
    "Rules SHA-256": "cd" * 32,
    "As-of date": AS_OF.isoformat(),
}


@pytest.fixture(scope="module")
def seed_report() -> bytes:
    return build_report(seed_004_plan(), AS_OF, provenance=PROVENANCE).to_bytes()


def test_headings_are_real_styles_in_order(seed_report: bytes) -> None:
    found = headings(open_report(seed_report))
    top = [text for level, text in found if level == 1]
    assert top == [
        "1. Summary",
        "2. Recommendations",
        "3. Progress summary",
        "4. Overdue actions",
        "5. Re-dated actions",
        "6. Performance measures",
        "7. Next steps",
        "8. Appendices",
        "Appendix A: the improvement plan in full",
    ]
    assert found[0][0] == 1
    # No level is skipped on the way down (a Heading 2 always follows a Heading 1 or 2).
    for (before, _), (after, _) in itertools.pairwise(found):
        assert after <= before + 1


def test_title_and_front_sheet(seed_report: bytes) -> None:
    document = open_report(seed_report)
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert titles == ["Improvement Plan Progress Update"]
    front = table_captioned(document, "Report details")
    assert rows_of(front)[0] == ["Meeting", "Children's Improvement Board"]
    details = dict(tuple(row) for row in rows_of(front)[1:])
    assert details["Date of meeting"] == "23 April 2020"
    assert details["Position as at"] == "23 April 2020"
    assert details["Classification"] == "OFFICIAL"


def test_recommendations_are_numbered_for_the_board(seed_report: bytes) -> None:
    texts = paragraph_texts(open_report(seed_report))
    start = texts.index("The Board is asked to:")
    assert [t.split("\t")[0] for t in texts[start + 1 : start + 4]] == ["1)", "2)", "3)"]
    assert texts[start + 1].endswith("since the Plan was agreed")


def test_rag_table_has_seed_004_numbers_and_totals(seed_report: bytes) -> None:
    table = table_captioned(open_report(seed_report), RAG)
    rows = rows_of(table)
    assert rows[0] == [
        "Section of plan",
        "Total number of actions",
        "Blue – completed",
        "Green – on track",
        "Amber – some progress but slippage",
        "Red – not progressed as planned",
    ]
    expected = [[name, str(sum(counts)), *map(str, counts)] for name, _, counts in SEED_004]
    totals = [sum(counts[i] for _, _, counts in SEED_004) for i in range(4)]
    expected.append(["Total", str(sum(totals)), *map(str, totals)])
    assert rows[1:] == expected
    # Status columns are labelled in words and shaded in the key's colours.
    header = table.rows[0].cells
    assert [fill_of(cell) for cell in header[2:]] == [s.colour for s in KEY.statuses]


def test_every_table_repeats_its_header_row(seed_report: bytes) -> None:
    document = open_report(seed_report)
    assert len(document.tables) >= 10
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        assert table._tbl.tblPr.find(qn("w:tblCaption")) is not None


def test_status_cells_are_shaded_and_named(seed_report: bytes) -> None:
    document = open_report(seed_report)
    checked = 0
    for table in document.tables:
        headers = [cell.text for cell in table.rows[0].cells]
        if "Status" not in headers:
            continue
        index = headers.index("Status")
        for row in table.rows[1:]:
            cell = row.cells[index]
            status = KEY.get(cell.text)
            assert status is not None, cell.text
            assert fill_of(cell) == status.colour
            checked += 1
    assert checked >= 62 + 13  # the appendix and the overdue tables at least


def test_overdue_actions_grouped_by_section_most_overdue_first(seed_report: bytes) -> None:
    plan = seed_004_plan()
    document = open_report(seed_report)
    late = plan.overdue(AS_OF)
    assert late
    for name in plan.section_names():
        expected = [a.ref for a in late if a.section == name]
        if not expected:
            continue
        table = table_captioned(document, f"Overdue actions: {name}")
        assert column(table, "Ref") == expected
        days = [a.days_overdue(AS_OF) for a in late if a.section == name]
        assert days == sorted(days, reverse=True)
    qp = table_captioned(document, "Overdue actions: Quality of Practice")
    first = rows_of(qp)[1]
    action = next(a for a in late if a.ref == first[0])
    # How long overdue sits under the due date, leaving the width to the update.
    due, late_by = first[3].split("\n")
    assert due == f"{action.effective_due_date.day} {action.effective_due_date:%B %Y}"
    assert late_by.endswith(("weeks overdue", "months overdue", "days overdue"))
    assert first[5] == action.progress_update


def test_next_steps_list_actions_due_before_the_next_meeting(seed_report: bytes) -> None:
    plan = seed_004_plan()
    document = open_report(seed_report)
    table = table_captioned(document, "Actions due before the next meeting")
    assert column(table, "Ref") == [a.ref for a in plan.due_soon(AS_OF)]
    texts = paragraph_texts(document)
    assert "A refreshed plan will come to the May Improvement Board." in texts


def test_slippage_lists_re_dated_actions_by_how_far(seed_report: bytes) -> None:
    plan = seed_004_plan()
    table = table_captioned(open_report(seed_report), "Actions re-dated later than first planned")
    assert column(table, "Ref") == [a.ref for a in plan.slipped()]
    moved = [cell.split("\n")[1] for cell in column(table, "Revised due date")]
    assert set(moved) <= {"2 weeks later", "4 weeks later", "6 weeks later", "8 weeks later"}


def test_measures_table(seed_report: bytes) -> None:
    table = table_captioned(open_report(seed_report), "Performance measures")
    rows = rows_of(table)[1:]
    # Each section is a full-width band above its measures, in the order they first appear.
    assert rows == [
        ["Quality of Practice"],
        [*rows[1][:1], "18", "34", "20", "Improving", "No", ""],
        [*rows[2][:1], "95%", "88%", "90.5%", "Improving", "No", ""],
        ["Capacity and capability of workforce"],
        [*rows[4][:1], "15%", "22%", "22%", "No change", "No", ""],
    ]
    assert [rows[i][0] for i in (1, 2, 4)] == [m.name for m in seed_004_plan().measures]
    band = table._tbl.tr_lst[1].tc_lst[0]
    assert band.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "7"


def test_appendix_has_the_whole_plan_on_landscape_pages(seed_report: bytes) -> None:
    document = open_report(seed_report)
    plan = seed_004_plan()
    refs = []
    for name in plan.section_names():
        refs += column(table_captioned(document, f"Actions in the section {name}"), "Ref")
    assert refs == [a.ref for a in plan.actions]
    first, last = document.sections[0], document.sections[-1]
    assert first.page_width < first.page_height
    assert last.page_width > last.page_height


def test_chart_has_alt_text_with_the_numbers(seed_report: bytes) -> None:
    document = open_report(seed_report)
    shapes = document.inline_shapes
    # The progress chart, then the measures' trend chart (their previous figures exist).
    assert len(shapes) == 2
    alt = shapes[0]._inline.docPr.get("descr")
    assert alt.startswith("Bar chart of action status by section.")
    assert "Quality of Practice: 22 actions with a status: 1 Blue, 7 Green, 10 Amber, 4 Red." in alt
    trend = shapes[1]._inline.docPr.get("descr")
    assert "Visits to children in care within timescale: 88% to 90.5%, target 95%." in trend


def test_properties_record_title_language_and_provenance(seed_report: bytes) -> None:
    core = open_report(seed_report).core_properties
    assert core.title == "Improvement Plan Progress Update"
    assert core.subject == "Children's Improvement Board: progress report"
    assert core.language == "en-GB"
    assert core.created is not None and core.created.date() == AS_OF
    custom = part_text(seed_report, "docProps/custom.xml")
    for name, value in PROVENANCE.items():
        assert f'name="{name}"><vt:lpwstr>{value}</vt:lpwstr>' in custom
    assert 'w:val="en-GB"' in part_text(seed_report, "word/styles.xml")


def test_header_carries_the_classification(seed_report: bytes) -> None:
    header = open_report(seed_report).sections[0].header
    assert "OFFICIAL" in "".join(t.text or "" for t in header._element.iter(qn("w:t")))


def test_same_inputs_give_the_same_bytes(seed_report: bytes) -> None:
    again = build_report(seed_004_plan(), AS_OF, provenance=PROVENANCE).to_bytes()
    assert again == seed_report


def test_chart_png_is_deterministic() -> None:
    rows = [(name, dict(zip(KEY.names, counts, strict=True))) for name, _, counts in SEED_004]
    assert chart_png(rows, KEY) == chart_png(rows, KEY)


def test_headline_percentages_add_up() -> None:
    data = build_report(seed_004_plan(), AS_OF, chart=False).to_bytes()
    texts = paragraph_texts(open_report(data))
    assert (
        "Of the 62 actions in the plan, 14 (23%) Blue – completed, 22 (35%) Green – on track, "
        "16 (26%) Amber – some progress but slippage and 10 (16%) Red – not progressed as "
        "planned." in texts
    )


HOSTILE = {
    "template": "{{ x }} and {% if %}",
    "formula": "=SUM(A1)",
    "emoji": "Done ✅ 🎉",
    "arabic": "تم الإنجاز بنجاح",
    "long": "x" * 30_000,
}


def test_cell_text_is_data_and_comes_through_literally() -> None:
    plan = seed_004_plan()
    actions = list(plan.actions)
    texts = list(HOSTILE.values())
    for i, text in enumerate(texts):
        actions[i] = replace(actions[i], progress_update=text)
    actions[5] = replace(actions[5], action="Bell\x07 and <tag> & \x0bnew line")
    report = build_report(with_actions(plan, actions), AS_OF, chart=False)
    document = open_report(report.to_bytes())
    table = table_captioned(document, "Actions in the section Quality of Practice")
    updates = column(table, "Progress update and evidence of impact")
    assert updates[:5] == texts
    # Rendering only normalises: validation is where a control character is reported.
    assert column(table, "Action")[5] == "Bell\ufffd and <tag> & \nnew line"


def test_changes_since_the_last_report() -> None:
    current = seed_004_plan()
    previous_actions = list(current.actions)
    previous_actions[0] = replace(previous_actions[0], status="Green")  # QP-01 now Blue
    previous_actions[1] = replace(previous_actions[1], status="Amber")  # QP-02 now Green
    removed = replace(previous_actions[2], ref="QP-99")
    previous_actions.append(removed)
    new = current.actions[-1]
    previous_actions.remove(new)
    previous = with_actions(current, previous_actions)
    changes = compare_plans(previous, current)
    data = build_report(current, AS_OF, changes=changes, chart=False).to_bytes()
    document = open_report(data)
    assert "4. Changes since the last report" in [text for _, text in headings(document)]
    moved = rows_of(
        table_captioned(document, "Actions whose status has changed since the last report")
    )
    assert [row[0] for row in moved[1:]] == ["QP-01", "QP-02"]
    assert [row[3:] for row in moved[1:]] == [
        ["Green", "Blue", "Improved"],
        ["Amber", "Green", "Improved"],
    ]
    added = table_captioned(document, "Actions added since the last report")
    assert column(added, "Ref") == [new.ref]
    gone = table_captioned(document, "Actions in the last report that are no longer in the plan")
    assert column(gone, "Ref") == ["QP-99"]
    trends = table_captioned(document, "Direction of travel by section")
    assert column(trends, "Section") == current.section_names()
    assert column(trends, "Direction of travel")[0] == "Improving"


def test_allowed_errors_add_a_data_quality_note_and_appendix() -> None:
    error = Finding(
        "plan.xlsx", "Actions", "H14", 14, "Due date", "QP-07", "date-real",
        Severity.ERROR, '"31/02/2020" is not a real date', "31/02/2020",
    )  # fmt: skip
    warning = replace(error, severity=Severity.WARNING, rule="stale", message="stale")
    data = build_report(seed_004_plan(), AS_OF, findings=[error, warning], chart=False).to_bytes()
    document = open_report(data)
    top = [text for level, text in headings(document) if level == 1]
    assert "3. Data quality" in top
    assert top[-1] == "Appendix B: data-quality errors"
    rows = rows_of(table_captioned(document, "Data-quality errors"))
    assert rows[1:] == [["Actions!H14", "QP-07", "Due date", '"31/02/2020" is not a real date']]


def test_an_empty_plan_still_makes_a_report() -> None:
    plan = with_actions(seed_004_plan(), [])
    document = open_report(build_report(plan, AS_OF).to_bytes())
    texts = paragraph_texts(document)
    assert "The plan has no actions yet." in texts
    assert "No actions are overdue at 23 April 2020." in texts
    # No progress chart of nothing; the measures (which have figures) keep their trend chart.
    pictures = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert len(pictures) == 1 and pictures[0].startswith("Small charts of each measure")
