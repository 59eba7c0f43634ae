"""A complete committee paper: every Report-sheet field where a committee expects it, numbered
paragraphs, a list of appendices, and everything the Actions and Sections sheets say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import action_row, write_plan

from generator.cli import main
from tests.report_reading import (
    column,
    headings,
    open_report,
    paragraph_numbers,
    paragraph_texts,
    rows_of,
    table_captioned,
)

AS_OF = "2026-11-23"
SECTION = "Quality of Practice"

EVERY_FIELD = [
    ("Organisation", "Wessex Council"),
    ("Meeting", "Children and Education Scrutiny Committee"),
    ("Agenda item", "7"),
    ("Meeting date", dt.date(2026, 11, 30)),
    ("Title", "Review of progress against the Ofsted action plan"),
    ("Report of", "Corporate Director for People"),
    ("Portfolio holder", "Cllr Ann Jones, Cabinet Member for Children's Services"),
    ("Author", "Lou Williams"),
    ("Contact officer", "Lou Williams, Tel: 864139"),
    ("Public or exempt", "Exempt"),
    ("Exempt paragraph", "3"),
    ("Key decision", "No"),
    ("Wards affected", "All"),
    ("Purpose", "This report provides an update on progress against the action plan."),
    ("Summary", "Good progress overall; two areas remain behind plan."),
    ("Recommendations", "note the progress made\nask for a further report in 12 months"),
    ("Background", "Ofsted inspected in 2025.\nThe plan was agreed in May 2026."),
    ("Key issues", "Recruitment of team managers remains a challenge."),
    ("Options considered", "The Committee could wait for the next inspection instead."),
    ("Consultation", "Shared with Legal, Finance and HR."),
    ("Financial implications", "None beyond existing budgets."),
    ("Finance officer consulted", "Louise Hoten"),
    ("Financial implications date", dt.date(2026, 10, 7)),
    ("Legal implications", "The duties under the Children Act 1989 continue."),
    ("Lawyer consulted", "Natasha Watson"),
    ("Legal implications date", dt.date(2026, 11, 11)),
    ("Equalities implications", "Vulnerable children benefit most."),
    ("Risk implications", "Slippage on permanence is the main risk."),
    ("Risk officer", "Head of Risk"),
    ("Next steps", "Outstanding actions move into service plans."),
    ("Background papers", "Ofsted inspection report, published September 2025"),
    ("Appendices", "Ofsted monitoring letter, October 2026"),
    ("Finacial implication", "a typo"),
]


def plan_with_report(path: Path, fields: list[tuple[str, object]]) -> Path:
    write_plan(
        path,
        [
            action_row(
                {"Ref": "QP-01", "Partners": "Police; Health", "Status": "Blue",
                 "Completed date": dt.date(2026, 10, 3),
                 "Evidence of impact": "Audits up from 31% to 58% good"}
            ),
            action_row({"Ref": "QP-02", "Due date": "TBC", "Status": "Amber",
                        "Progress update": "Waiting for the partnership"}),
            action_row({"Ref": "QP-03", "Due date": "Ongoing", "Status": "Blue",
                        "Completed date": dt.date(2026, 9, 1)}),
        ],
    )  # fmt: skip
    book = openpyxl.load_workbook(path)
    book["Sections"]["C1"] = "Commentary"
    book["Sections"]["C2"] = "Timeliness improved.\nPermanence remains the concern."
    report = book.create_sheet("Report")
    report.append(["Field", "Value"])
    for row in fields:
        report.append(list(row))
    book.save(path)
    return path


def report(tmp_path: Path, fields: list[tuple[str, object]]) -> tuple[str, Path]:
    plan = plan_with_report(tmp_path / "plan.xlsx", fields)
    output = tmp_path / "paper.docx"
    result = CliRunner().invoke(main, ["report", str(plan), "-o", str(output), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return result.stderr, output


def test_every_field_in_committee_order(tmp_path: Path) -> None:
    stderr, output = report(tmp_path, EVERY_FIELD)
    document = open_report(output.read_bytes())
    top = [text for level, text in headings(document) if level == 1]
    assert top == [
        "1. Purpose of the report",
        "2. Summary",
        "3. Recommendations",
        "4. Background",
        "5. Progress summary",
        "6. Progress by section",
        "7. Overdue actions",
        "8. Re-dated actions",
        "9. Actions without a target date",
        "10. Key issues",
        "11. Options considered",
        "12. Consultation",
        "13. Implications",
        "14. Next steps",
        "15. Background papers",
        "16. Appendices",
        "Appendix A: the improvement plan in full",
    ]
    details = dict(tuple(row) for row in rows_of(table_captioned(document, "Report details")))
    assert details["Agenda item"] == "7"
    assert details["Portfolio holder"].startswith("Cllr Ann Jones")
    assert details["Public or exempt"] == "Exempt"
    assert details["Key decision"] == "No"
    texts = paragraph_texts(document)
    assert (
        "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local "
        "Government Act 1972." in texts
    )
    assert "Finance officer consulted: Louise Hoten\tDate: 7 October 2026" in texts
    assert "Lawyer consulted: Natasha Watson\tDate: 11 November 2026" in texts
    assert "Risk officer consulted: Head of Risk" in texts
    implications = [text for level, text in headings(document) if level == 2]
    assert [h for h in implications if h.endswith("implications")] == [
        "Financial implications",
        "Legal implications",
        "Equalities implications",
        "Risk implications",
    ]
    start = texts.index(
        "Used to prepare this report, in accordance with the Local Government (Access to "
        "Information) Act 1985:"
    )
    assert texts[start + 1] == "Ofsted inspection report, published September 2025"
    listed = texts.index("16. Appendices")
    assert texts[listed + 1 : listed + 3] == [
        "Appendix A: the improvement plan in full",
        "Appendix B: Ofsted monitoring letter, October 2026",
    ]
    assert "warning" in stderr  # the misspelt field (see the validate test below)


def test_paragraphs_are_numbered_under_each_section(tmp_path: Path) -> None:
    _, output = report(tmp_path, EVERY_FIELD)
    numbers = paragraph_numbers(open_report(output.read_bytes()))
    assert numbers[:4] == ["1.1", "2.1", "3.1", "4.1"]
    # Within a section they count up from 1, with no gap and no repeat.
    by_section: dict[str, list[int]] = {}
    for number in numbers:
        section, paragraph = number.split(".")
        by_section.setdefault(section, []).append(int(paragraph))
    for paragraphs in by_section.values():
        assert paragraphs == list(range(1, len(paragraphs) + 1))
    assert [int(s) for s in by_section] == sorted(int(s) for s in by_section)


def test_without_the_fields_the_paper_stays_short(tmp_path: Path) -> None:
    _, output = report(tmp_path, [("Meeting", "Improvement Board")])
    document = open_report(output.read_bytes())
    top = [text for level, text in headings(document) if level == 1]
    for absent in ("Purpose", "Background", "Key issues", "Options", "Consultation",
                   "Implications", "Background papers"):  # fmt: skip
        assert not any(absent in heading for heading in top), top
    details = [row[0] for row in rows_of(table_captioned(document, "Report details"))]
    assert not {"Agenda item", "Portfolio holder", "Key decision", "Public or exempt"} & set(
        details
    )
    assert not any("Schedule 12A" in text for text in paragraph_texts(document))


def test_everything_the_workbook_says_reaches_the_paper(tmp_path: Path) -> None:
    _, output = report(tmp_path, [("Meeting", "Improvement Board")])
    document = open_report(output.read_bytes())
    texts = paragraph_texts(document)
    # The section's commentary is in the body, under Progress by section.
    assert "Timeliness improved." in texts and "Permanence remains the concern." in texts
    assert "3 actions: 2 Blue, 0 Green, 1 Amber and 0 Red. Section lead: Director." in texts
    # The open undated action is listed with the date as the plan wrote it; the Blue one is not.
    undated = table_captioned(document, "Actions without a target date")
    assert column(undated, "Ref") == ["QP-02"]
    assert column(undated, "Due date as written") == ["TBC"]
    # Partners, completed dates and evidence of impact are in the appendix.
    plan = table_captioned(document, f"Actions in the section {SECTION}")
    assert column(plan, "Lead and partners")[0] == "Head of Service\nPartners: Police; Health"
    assert column(plan, "Completed")[:3] == ["3 October 2026", "", "1 September 2026"]
    assert column(plan, "Progress update and evidence of impact")[0] == (
        "Evidence of impact: Audits up from 31% to 58% good"
    )
    assert column(plan, "Due date")[1:] == ["TBC", "Ongoing"]


def test_an_unknown_report_field_is_a_warning_naming_it(tmp_path: Path) -> None:
    plan = plan_with_report(tmp_path / "plan.xlsx", [("Finacial implications", "None")])
    result = CliRunner().invoke(main, ["validate", str(plan), "--as-of", AS_OF])
    assert result.exit_code == 0
    assert (
        'Report!A2 (Field): "Finacial implications" is not a Report field boardpack knows, '
        'so it is not in the report (did you mean "Financial implications"?)'
    ) in result.stdout
