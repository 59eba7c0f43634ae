"""Saving the report: the same bytes for the same inputs, written atomically; PDF by LibreOffice.

python-docx stamps every zip entry with the current time, and a template may carry any
creation date. Here the core properties are set from the as-of date, provenance goes into
custom document properties (docProps/custom.xml), and the package is re-zipped with fixed
timestamps and a fixed entry order, so two runs on the same workbook, rules and as-of date
give byte-identical files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Protocol
from xml.sax.saxutils import escape, quoteattr

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from generator.common.atomic import atomic_path, write_bytes_atomically
from generator.errors import OutputError
from generator.render.context import PLACEHOLDER_NS

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_LIMIT = 255
_BATCH_CHARACTERS = 1 << 18  # table XML joined before it is compressed: a bounded buffer
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PLACEHOLDER = re.compile(
    rb'<bp:table xmlns:bp="' + re.escape(PLACEHOLDER_NS.encode()) + rb'" id="(\d+)"/>'
)
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


class _HasBytes(Protocol):
    def to_bytes(self) -> bytes: ...


PDF_TIMEOUT_SECONDS = 180
INSTALL_HINT = (
    "making a PDF needs LibreOffice: install it (apt-get install libreoffice-writer, or from "
    "libreoffice.org) or convert the .docx in Word"
)
#: What to say when the .docx was written but no PDF could be made.
NO_PDF = (
    "no PDF was written: making one needs LibreOffice; install it (apt-get install "
    "libreoffice-writer, or from libreoffice.org) and run the command again, or open the "
    ".docx in Word and save it as PDF (File > Save As, PDF)"
)
# An accessible PDF: tagged (PDF/UA where LibreOffice supports it), bookmarks from the
# headings, the document's title in the window bar; the language comes from the document.
_PDF_FILTER = (
    "pdf:writer_pdf_Export:{"
    '"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"},'
    '"ExportBookmarks":{"type":"boolean","value":"true"},'
    '"DisplayPDFDocumentTitle":{"type":"boolean","value":"true"}}'
)


def set_properties(
    document: Document,
    *,
    title: str,
    subject: str,
    author: str,
    as_of: dt.date,
    provenance: dict[str, str],
) -> None:
    """Core properties (title, subject, dates from the as-of day) and the provenance record."""
    core = document.core_properties
    midnight = dt.datetime(as_of.year, as_of.month, as_of.day)
    core.title = _fit(title)
    core.subject = _fit(subject)
    core.author = _fit(author)
    core.last_modified_by = "boardpack"
    core.created = midnight
    core.modified = midnight
    core.last_printed = midnight
    core.revision = 1
    core.keywords = "improvement plan; board report"
    core.comments = (
        f"Made by boardpack for {as_of.isoformat()}; the workbook's and rules' SHA-256 "
        "are in the custom properties."
    )
    set_custom_properties(document, provenance)


def _fit(text: str) -> str:
    """Core properties hold at most 255 characters (the full title stays on the page)."""
    return text if len(text) <= _CORE_LIMIT else text[: _CORE_LIMIT - 1] + "…"


def set_custom_properties(document: Document, values: dict[str, str]) -> None:
    """Add text properties to docProps/custom.xml (keeping any the template already has)."""
    package = document.part.package
    existing = next(
        (rel.target_part for rel in package.rels.values() if rel.reltype == RT.CUSTOM_PROPERTIES),
        None,
    )
    kept: list[tuple[str, str]] = []
    if existing is not None:
        root = etree.fromstring(existing.blob)
        for prop in root.findall(f"{{{_CUSTOM_NS}}}property"):
            name = prop.get("name", "")
            if name not in values:
                kept.append((name, b"".join(etree.tostring(child) for child in prop).decode()))
    props = [
        f'<property fmtid={quoteattr(_CUSTOM_FMTID)} pid="{pid}" name={quoteattr(name)}>'
        f"{inner}</property>"
        for pid, (name, inner) in enumerate(
            [
                *kept,
                *((n, f"<vt:lpwstr>{escape(v)}</vt:lpwstr>") for n, v in values.items()),
            ],
            start=2,
        )
    ]
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{"".join(props)}</Properties>'
    ).encode()
    if existing is not None:
        existing._blob = xml
        return
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, xml, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def document_bytes(document: Document, tables: Sequence[Sequence[str]] = ()) -> bytes:
    """The .docx as bytes that depend only on the content: fixed zip times and entry order.

    ``tables`` are the tables' XML, in pieces, whose placeholders the document holds; they
    are streamed into word/document.xml as it is compressed, never parsed into the tree nor
    joined into one string (which is what keeps a 100,000-row appendix fast and small).
    """
    raw = io.BytesIO()
    document.save(raw)
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target,
    ):
        # [Content_Types].xml first, as Office writes it and some readers expect.
        names = sorted(source.namelist(), key=lambda name: name != "[Content_Types].xml")
        for name in names:
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            data = source.read(name)
            if tables and name == document.part.partname.membername:
                with target.open(entry, "w") as stream:
                    _splice_tables(data, tables, stream)
            else:
                target.writestr(entry, data, compresslevel=6)
    return fixed.getvalue()


def _splice_tables(xml: bytes, tables: Sequence[Sequence[str]], stream: IO[bytes]) -> None:
    """Write ``xml`` with each table where its placeholder stands (the ``w`` prefix is
    checked, not assumed)."""
    if b'xmlns:w="' + _W_NS.encode() + b'"' not in xml[:4000]:
        raise OutputError("the Word template uses an unusual XML prefix; save it again from Word")
    position = 0
    for match in _PLACEHOLDER.finditer(xml):
        stream.write(xml[position : match.start()])
        # Rows are written a batch at a time: each write to the zip stream checksums and
        # compresses, which costs more per call than a row costs to join.
        batch: list[str] = []
        size = 0
        for piece in tables[int(match.group(1))]:
            batch.append(piece)
            size += len(piece)
            if size >= _BATCH_CHARACTERS:
                stream.write("".join(batch).encode())
                batch, size = [], 0
        stream.write("".join(batch).encode())
        position = match.end()
    stream.write(xml[position:])


def write_report(report: _HasBytes | bytes, output: Path) -> None:
    """Write the report to ``output`` through a temporary file (nothing half-written is left)."""
    write_bytes_atomically(output, report if isinstance(report, bytes) else report.to_bytes())


def find_soffice() -> str | None:
    """LibreOffice's command, if installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    mac = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
    return str(mac) if mac.exists() else None


def _run_to_the_end(command: list[str], timeout: int, env: dict[str, str]) -> None:
    """Run LibreOffice in its own process group, and never leave it behind.

    Its own group, so a Ctrl+C at the terminal reaches boardpack alone; then whatever stops
    the wait (a timeout, Ctrl+C, a termination signal) ends LibreOffice and all it started
    before its private profile folder is removed.
    """
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        process.wait(timeout=timeout)
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def convert_to_pdf(docx_path: Path, pdf_path: Path, *, timeout: int = PDF_TIMEOUT_SECONDS) -> None:
    """Convert with LibreOffice headless, in a private profile, then move the PDF into place."""
    soffice = find_soffice()
    if soffice is None:
        raise OutputError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="boardpack-pdf-") as work:
        folder = Path(work)
        profile = (folder / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            _PDF_FILTER,
            "--outdir",
            str(folder),
            str(docx_path.resolve()),
        ]
        try:
            # Its temporary files too go in the private folder, removed whatever happens.
            private = {"HOME": str(folder), "TMPDIR": str(folder), "TMP": str(folder)}
            _run_to_the_end(command, timeout, {**os.environ, **private})
        except subprocess.TimeoutExpired:
            raise OutputError(
                f"{pdf_path}: LibreOffice did not finish converting within {timeout} seconds"
            ) from None
        except OSError as error:
            raise OutputError(f"{pdf_path}: could not start LibreOffice ({error})") from None
        produced = folder / f"{docx_path.stem}.pdf"
        if not produced.exists():
            raise OutputError(
                f"{pdf_path}: LibreOffice could not convert {docx_path.name} to PDF; "
                "open the .docx in Word and save it as PDF instead"
            )
        with atomic_path(pdf_path) as temp:
            shutil.copyfile(produced, temp)
