"""The report's cost grows with its sections, not their square: writing a section never
searches the whole document body.

python-docx's ``add_paragraph`` finds the body's end, and ``Document.sections`` lists every
section break, by searching the body on every call; a plan of 10,000 sections took minutes.
Here the body's searches are counted while two reports are built, one with four times the
sections of the other: the count must not grow. (Times are for bench/sections.py.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, cast

import docx
import pytest
from docx.oxml.document import CT_Body, CT_Document
from docx.oxml.ns import nsdecls
from docx.oxml.parser import parse_xml
from docx.text.paragraph import Paragraph
from lxml import etree
from report_plans import AS_OF, seed_004_plan

from generator.model.plan import Plan, Section
from generator.render import build_report
from generator.render.context import Context, _keep_with_next, _shows_text
from generator.render.house import House
from generator.render.tables import Column, table_xml

#: The element methods that look at a body's (or the document's) children.
_SEARCHES = ("find", "findall", "iterfind", "xpath", "iter", "iterchildren", "__iter__")


def many_sections(count: int) -> Plan:
    """Seed 004's 62 actions spread over ``count`` sections, each with a lead and commentary,
    so every per-section part of the report (overdue, progress by section, the appendix) is
    written ``count`` times."""
    plan = seed_004_plan()
    names = [f"Section {n:03d}" for n in range(count)]
    actions = [
        dataclasses.replace(action, section=names[index % count])
        for index, action in enumerate(plan.actions)
    ]
    sections = [
        Section(name, "Head of Service", f"Progress in {name} is steady.") for name in names
    ]
    return dataclasses.replace(plan, actions=actions, sections=sections)


def count_body_searches(monkeypatch: pytest.MonkeyPatch, build: Callable[[], Any]) -> int:
    """How many times ``build`` searches w:body's or w:document's children."""
    calls = 0
    with monkeypatch.context() as patched:
        for element_class in (CT_Body, CT_Document):
            for name in _SEARCHES:
                original = getattr(element_class, name)

                def counted(self: Any, *args: Any, _original: Any = original, **kw: Any) -> Any:
                    nonlocal calls
                    calls += 1
                    return _original(self, *args, **kw)

                patched.setattr(element_class, name, counted)
        build()
    return calls


def test_more_sections_never_mean_more_searches_of_the_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small, large = many_sections(10), many_sections(40)
    as_of: dt.date = AS_OF

    def report(plan: Plan) -> Callable[[], Any]:
        return lambda: build_report(plan, as_of, chart=False).to_bytes()

    few = count_body_searches(monkeypatch, report(small))
    many = count_body_searches(monkeypatch, report(large))
    assert few > 0, "the counting reaches the body (opening the template searches it)"
    assert many == few, f"{few} searches for 10 sections, {many} for 40"


def test_the_counting_sees_a_search_per_paragraph_made_the_python_docx_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test above could pass by counting nothing: python-docx's own add_paragraph,
    called once per section, shows up as a search per section."""

    def paragraphs(count: int) -> Callable[[], None]:
        def build() -> None:
            report = build_report(many_sections(2), AS_OF, chart=False)
            for _ in range(count):
                report.document.add_paragraph("more")

        return build

    assert count_body_searches(monkeypatch, paragraphs(40)) > count_body_searches(
        monkeypatch, paragraphs(10)
    )


# The paths that replace python-docx's own must write what python-docx writes.

_TEXTS = [
    "plain",
    " leading and trailing ",
    "3.1\tnumbered",
    "line one\nline two\r\nthree\rfour",
    "\t",
    "\u00a0no-break space\u2003",
    "",
    "tab at the end\t",
]


@pytest.mark.parametrize("text", _TEXTS)
def test_a_paragraph_holds_the_runs_python_docx_would_write(text: str) -> None:
    ours = docx.Document()
    theirs = docx.Document()
    context = Context(ours, seed_004_plan(), AS_OF, House(ours))
    style = context.house.heading(2)
    written = context.paragraph(text, style, keep_with_next=True)
    expected = theirs.add_paragraph(text)
    expected._p.style = style.style_id
    expected.paragraph_format.keep_with_next = True
    assert etree.tostring(written._p) == etree.tostring(expected._p)


def _paragraph(inner: str) -> Any:
    return parse_xml(f"<w:p {nsdecls('w')}>{inner}</w:p>")


@pytest.mark.parametrize(
    "inner",
    [
        "",
        "<w:r><w:t> </w:t><w:tab/><w:br/></w:r>",
        "<w:r><w:t>Words</w:t></w:r>",
        "<w:r><w:noBreakHyphen/></w:r>",
        "<w:hyperlink><w:r><w:t>linked</w:t></w:r></w:hyperlink>",
        "<w:hyperlink><w:r><w:t>  </w:t></w:r></w:hyperlink>",
        "<w:sdt><w:sdtContent><w:r><w:t>in a control</w:t></w:r></w:sdtContent></w:sdt>",
        "<w:ins><w:r><w:t>inserted</w:t></w:r></w:ins>",
        "<w:r><w:ptab/><w:cr/></w:r><w:r><w:t/></w:r>",
    ],
)
def test_whether_a_paragraph_shows_text_is_judged_as_python_docx_judges_it(inner: str) -> None:
    element = _paragraph(inner)
    assert _shows_text(element) == bool(Paragraph(element, cast(Any, None)).text.strip())


@pytest.mark.parametrize(
    "inner",
    [
        "",
        "<w:pPr/>",
        '<w:pPr><w:pStyle w:val="Heading2"/></w:pPr>',
        '<w:pPr><w:keepNext w:val="0"/><w:jc w:val="center"/></w:pPr>',
        "<w:pPr><w:keepNext/></w:pPr>",
        '<w:pPr><w:pStyle w:val="Normal"/><w:ind w:left="709"/><w:rPr><w:b/></w:rPr></w:pPr>',
        # Out of schema order, as a template may have it: python-docx looks for keepLines
        # first, then the rest in order, and goes before the first it finds.
        '<w:pPr><w:jc w:val="left"/><w:keepLines/><w:pStyle w:val="Normal"/></w:pPr>',
        '<w:pPr><w:rPr><w:i/></w:rPr><w:spacing w:after="0"/></w:pPr><w:r><w:t>x</w:t></w:r>',
    ],
)
def test_keeping_with_the_next_writes_what_python_docx_writes(inner: str) -> None:
    ours, theirs = _paragraph(inner), _paragraph(inner)
    _keep_with_next(ours)
    Paragraph(theirs, cast(Any, None)).paragraph_format.keep_with_next = True
    assert etree.tostring(ours) == etree.tostring(theirs)


def test_tables_of_one_kind_share_their_header_and_differ_in_caption_and_rows() -> None:
    """The tables of 10,000 sections hold one header between them, not one each."""
    columns = [Column("Ref", 0, minimum_cm=1.4), Column("Action", 1.0, minimum_cm=2.7)]

    def table(rows: list[list[str]], caption: str, width: int = 9000) -> list[str]:
        return table_xml(
            list(columns),
            rows,
            width_twips=width,
            paragraph_style="TableText",
            table_style="TableGrid",
            caption=caption,
        )

    first, second = table([["QP-01", "Audit"]], "One"), table([["WF-02", "Train"]], "Two")
    assert first[0] is second[0] and first[2] is second[2]  # up to and after the caption
    assert first[1] != second[1] and first[3] != second[3]
    wider = table([["QP-01", "Audit"]], "One", width=12000)
    assert wider[0] != first[0] and wider[2] != first[2]  # another kind: its own widths
