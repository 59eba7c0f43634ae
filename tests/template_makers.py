"""Council templates made the way councils get them: by other programs, in the test.

Nothing here is committed as a binary. LibreOffice writes a .docx from a flat ODF text that
the test spells out (LibreOffice's own .docx writer, so the package is another program's);
pandoc prints its default reference.docx (pandoc is GPL-2.0-or-later; its data file is made
on the machine running the tests and never stored here); python-docx (MIT) builds the
shapes Word leaves behind: section chains, missing section properties, numbered headings.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from generator.render.output import find_soffice

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LETTERHEAD = "WESSEX COUNCIL LETTERHEAD"
RUNNING_HEADER = "Wessex Council: running header"
FOOTER = "Wessex Council: footer"
ADDRESS = "County Hall, Wessex"
CLOSING = "End of paper."


def _logo_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), (20, 60, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def libreoffice_template(folder: Path, *, placeholder: bool = True) -> Path:
    """A letterhead written by LibreOffice: a logo and the council's name in a first-page
    header, a running header and footer, French and American text styles, grey body text,
    the address above the report's place and a closing line below it."""
    logo = base64.b64encode(_logo_png()).decode()
    body = f'<text:p text:style-name="Standard">{ADDRESS}</text:p>'
    if placeholder:
        body += '<text:p text:style-name="Standard">{{ report }}</text:p>'
    body += f'<text:p text:style-name="Standard">{CLOSING}</text:p>'
    flat = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:text-properties fo:language="fr" fo:country="FR"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph">
   <style:text-properties fo:language="fr" fo:country="FR" fo:color="#999999"/>
  </style:style>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1"
   style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1">
   <style:text-properties fo:language="en" fo:country="US" fo:font-size="16pt"
    fo:font-weight="bold"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
    fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
   <style:header-style><style:header-footer-properties fo:min-height="0cm"
    fo:margin-bottom="0.3cm"/></style:header-style>
   <style:footer-style><style:header-footer-properties fo:min-height="0cm"
    fo:margin-top="0.3cm"/></style:footer-style>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p>{RUNNING_HEADER}</text:p></style:header>
   <style:header-first><text:p><draw:frame draw:name="Logo" text:anchor-type="as-char"
    svg:width="3cm" svg:height="1cm"><draw:image><office:binary-data>{logo}</office:binary-data>
    </draw:image></draw:frame>{LETTERHEAD}</text:p></style:header-first>
   <style:footer><text:p>{FOOTER}</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>{body}</office:text></office:body>
</office:document>"""
    source = folder / "wessex.fodt"
    source.write_text(flat, encoding="utf-8")
    return _libreoffice_convert(source, folder, "docx:MS Word 2007 XML")


def _libreoffice_convert(source: Path, folder: Path, target: str) -> Path:
    soffice = find_soffice()
    assert soffice is not None, "LibreOffice is needed (.ci/run installs it)"
    with tempfile.TemporaryDirectory(prefix="boardpack-lo-") as work:
        subprocess.run(
            [soffice, f"-env:UserInstallation={Path(work).as_uri()}", "--headless",
             "--norestore", "--convert-to", target, "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": work},
        )  # fmt: skip
    made = folder / f"{source.stem}.{target.split(':')[0]}"
    assert made.exists(), f"LibreOffice did not write {made.name}"
    return made


def saved_by_libreoffice(source: Path, target: str) -> Path:
    """``source`` opened and saved by LibreOffice as ``target`` ("ods", "docx:MS Word 2007
    XML" …), beside it: a file written by another program's own writer."""
    return _libreoffice_convert(source, source.parent, target)


def pandoc_reference(folder: Path) -> Path:
    """pandoc's default reference.docx: sample text in every style and no page size at all."""
    pandoc = shutil.which("pandoc")
    assert pandoc is not None, "pandoc is needed (.ci/run installs it)"
    path = folder / "reference.docx"
    subprocess.run(
        [pandoc, "-o", str(path), "--print-default-data-file", "reference.docx"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return path


def chained_sections(folder: Path) -> Path:
    """Two sections: the first holds the header and footer, the last links to it, as Word
    writes a template whose cover page was split off with a section break."""
    document = docx.Document()
    first = document.sections[0]
    first.header.paragraphs[0].text = RUNNING_HEADER
    first.footer.paragraphs[0].text = FOOTER
    document.add_paragraph("Cover page")
    document.add_section()
    assert document.sections[-1].header.is_linked_to_previous
    path = folder / "chained.docx"
    document.save(str(path))
    return path


def without_section_properties(folder: Path) -> Path:
    """A body with no w:sectPr at all: no page size, margins, header or footer."""
    document = docx.Document()
    body = document.element.body
    body.remove(body.sectPr)
    path = folder / "no-sectpr.docx"
    document.save(str(path))
    return path


def numbered_headings(folder: Path) -> Path:
    """Heading 1 and 2 styles that number themselves through a multilevel list."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:pStyle w:val="Heading1"/><w:lvlText w:val="%1"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:pStyle w:val="Heading2"/><w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, name in enumerate(("Heading 1", "Heading 2")):
        properties = document.styles[name].element.get_or_add_pPr()
        properties.insert(
            0,
            parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'),
        )
    path = folder / "numbered.docx"
    document.save(str(path))
    return path


def as_password_protected(folder: Path) -> Path:
    """What Word writes for a .docx with a password: an OLE2 container holding an
    EncryptedPackage stream (only the header and the stream's directory name matter here)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    entry = "EncryptedPackage".encode("utf-16-le").ljust(64, b"\0")
    path = folder / "locked.docx"
    path.write_bytes(header + entry + b"\0" * 448)
    return path


def as_macro_enabled(folder: Path) -> Path:
    """A .docm: a Word package whose main part is macro-enabled."""
    source = chained_sections(folder)
    import zipfile

    path = folder / "letterhead.docm"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(path, "w") as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml"
                    b".document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            out.writestr(info, data)
    return path


def header_texts(path: Path) -> list[str]:
    """The text of every header part in a .docx, for a quick look."""
    document = docx.Document(str(path))
    return [
        "".join(node.text or "" for node in rel.target_part.element.iter(qn("w:t")))
        for rel in document.part.rels.values()
        if rel.reltype.endswith("/header")
    ]
