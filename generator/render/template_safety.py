"""A council's Word template, unpacked with the workbook's caution and stripped of what could act.

The template is outside input like the workbook: it may come from anyone, and what it carries
goes into the paper sent to the whole board. So before python-docx sees it:

- the zip is unpacked part by part with the sizes measured while inflating (a directory that
  lies about a part's size cannot make it allocate gigabytes), every checksum proved, and an
  XML part declaring a DOCTYPE refused (Word never writes one; entity tricks need one);
- a macro-enabled file (.docm, .dotm) is refused, macros found in any other (a
  ``vbaProject.bin`` and its companions) are dropped, and a template's main part becomes an
  ordinary document's;
- external relationships are dropped (a remote ``attachedTemplate``, a UNC hyperlink that
  would send the reader's Windows credentials, a linked picture), with the references to
  them; web and mail hyperlinks stay;
- anything that would make Word fetch, embed or run something when the paper is opened
  (INCLUDETEXT, INCLUDEPICTURE, LINK and DDE fields, altChunk, OLE objects, ActiveX controls,
  subdocuments) is refused with a message naming the part, since dropping it could change
  the letterhead silently.

The result is a new package built from the measured bytes, so every size in it is true.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from generator.common.sizes import MB, format_size
from generator.common.zips import ZIP_ERRORS
from generator.errors import BadTemplate

# A letterhead is a few hundred KB; a template with every picture a council could want is
# tens of MB. Beyond these it is not a template.
MAX_TEMPLATE_BYTES = 200 * MB
MAX_TEMPLATE_PARTS = 1000
_CHUNK = 1 * MB

_OLE2 = b"\xd0\xcf\x11\xe0"
_CONTENT_TYPES = "[Content_Types].xml"
_MAIN = "word/document.xml"
_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_MACRO_ENABLED = "application/vnd.ms-word."  # .docm and .dotm main parts
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HYPERLINK = _R_NS + "/hyperlink"
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)

# Relationship types (their last path segment) that carry macros: dropped with their parts.
_MACRO_TYPES = frozenset(
    ("vbaProject", "wordVbaData", "keyMapCustomizations", "attachedToolbars", "vbaProjectSignature")
)
# Relationship types that embed or fetch something when the paper is opened: refused.
_ACTIVE_TYPES = {
    "aFChunk": "an altChunk (a whole other file pasted in when Word opens it)",
    "oleObject": "an embedded OLE object",
    "package": "an embedded file",
    "control": "an ActiveX control",
    "subDocument": "a subdocument",
}
_ACTIVE_ELEMENTS = {
    f"{{{_W_NS}}}altChunk": "an altChunk (a whole other file pasted in when Word opens it)",
    f"{{{_W_NS}}}object": "an embedded OLE object",
    f"{{{_W_NS}}}subDoc": "a subdocument",
}
# Fields that make Word read another file, or talk to another program, when it updates them.
_ACTIVE_FIELDS = ("INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO")
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


def safe_template_package(source: Path, data: bytes) -> bytes:
    """The template as a package python-docx can read safely: measured, checked, stripped.

    Raises ``BadTemplate`` with a one-line message for anything that is not a usable, safe
    Word template.
    """
    parts = _unpack(source, data)
    _sanitise(source, parts)
    return _repack(parts)


def _unpack(source: Path, data: bytes) -> dict[str, bytes]:
    """Every part's bytes, inflated in chunks with the total measured as it grows."""
    if data[:4] == _OLE2:
        # Word keeps a password-protected .docx in the same container as an old .doc;
        # only the encrypted one holds an EncryptedPackage stream.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise BadTemplate(
                f"{source}: a password-protected Word document; open it in Word, remove the "
                "password (File > Info > Protect Document > Encrypt with Password) and save it"
            )
        raise BadTemplate(f"{source}: an old .doc/.dot template; open it in Word and save as .docx")
    damaged = "is damaged ({}); open it in Word and save it again"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS:
        raise BadTemplate(f"{source}: not a Word .docx template (not a zip package)") from None
    parts: dict[str, bytes] = {}
    try:
        with archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            names = [info.filename for info in members]
            if _MAIN not in names or _CONTENT_TYPES not in names:
                raise BadTemplate(f"{source}: not a Word .docx template (no word/document.xml)")
            if len(members) > MAX_TEMPLATE_PARTS:
                raise BadTemplate(
                    f"{source}: has {len(members):,} parts, more than the "
                    f"{MAX_TEMPLATE_PARTS:,} any Word template needs; refusing it"
                )
            if len(set(names)) != len(names):
                raise BadTemplate(f"{source}: {damaged.format('a part appears twice')}")
            total = 0
            for info in members:
                if info.flag_bits & 0x1:
                    raise BadTemplate(
                        f"{source}: is an encrypted zip, not a Word template; save it from Word"
                    )
                pieces = []
                with archive.open(info) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_TEMPLATE_BYTES:
                            raise BadTemplate(
                                f"{source}: unpacks to more than "
                                f"{format_size(MAX_TEMPLATE_BYTES)}, which no Word template "
                                "does (a zip bomb?); refusing it"
                            )
                        pieces.append(chunk)
                body = b"".join(pieces)
                if _DOCTYPE.search(body[:65536]):
                    raise BadTemplate(
                        f"{source}: the part {info.filename} declares a DOCTYPE, which Word "
                        "never writes and XML entity attacks rely on; refusing it"
                    )
                parts[info.filename] = body
    except ZIP_ERRORS as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise BadTemplate(f"{source}: {damaged.format(detail)}") from None
    return parts


def _xml(source: Path, name: str, body: bytes) -> etree._Element:
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as error:
        raise BadTemplate(
            f"{source}: the part {name} is not well-formed XML ({error}); "
            "open the template in Word and save it again"
        ) from None


def _rels_owner(rels_name: str) -> str:
    """word/_rels/document.xml.rels -> word/document.xml; _rels/.rels -> "" (the package)."""
    folder, file = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), file.removesuffix(".rels")).lstrip("/")


def _target_name(owner: str, target: str) -> str:
    base = posixpath.dirname(owner)
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
    return posixpath.normpath(joined)


def _sanitise(source: Path, parts: dict[str, bytes]) -> None:
    """Drop macros and external links, refuse active content; ``parts`` is changed in place."""
    dropped_parts: set[str] = set()
    dropped_ids: dict[str, set[str]] = {}  # owner part -> relationship ids removed
    for rels_name in [name for name in parts if name.endswith(".rels")]:
        owner = _rels_owner(rels_name)
        root = _xml(source, rels_name, parts[rels_name])
        changed = False
        for rel in list(root):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            external = rel.get("TargetMode", "") == "External"
            if kind in _ACTIVE_TYPES:
                raise BadTemplate(
                    f"{source}: {owner or 'the package'} holds {_ACTIVE_TYPES[kind]}, which "
                    "boardpack will not send to the board; remove it from the template"
                )
            if kind in _MACRO_TYPES or (
                external
                and not (rel.get("Type") == _HYPERLINK and target.lower().startswith(_SAFE_SCHEMES))
            ):
                root.remove(rel)
                changed = True
                dropped_ids.setdefault(owner, set()).add(rel.get("Id", ""))
                if not external:
                    dropped_parts.add(_target_name(owner, target))
        if changed:
            parts[rels_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    for name in dropped_parts:
        parts.pop(name, None)
        parts.pop(
            posixpath.join(posixpath.dirname(name), "_rels", posixpath.basename(name) + ".rels"),
            None,
        )
    for name in [n for n in parts if n.startswith("word/") and n.endswith(".xml")]:
        _check_part(source, name, parts, dropped_ids.get(name, set()))
    parts[_CONTENT_TYPES] = _content_types(source, parts, dropped_parts)


def _check_part(source: Path, name: str, parts: dict[str, bytes], dropped: set[str]) -> None:
    """Refuse active elements and fields in one XML part; unhook dropped relationships."""
    body = parts[name]
    suspicious = dropped or any(
        marker in body for marker in (b"altChunk", b"object", b"subDoc", b"instr")
    )
    if not suspicious:
        return
    root = _xml(source, name, body)
    for element in root.iter(*_ACTIVE_ELEMENTS):
        raise BadTemplate(
            f"{source}: {name} holds {_ACTIVE_ELEMENTS[element.tag]}, which boardpack will not "
            "send to the board; remove it from the template"
        )
    for code in _field_codes(root):
        words = code.split()
        if words and words[0].upper() in _ACTIVE_FIELDS:
            raise BadTemplate(
                f"{source}: {name} has a {words[0].upper()} field, which makes Word fetch "
                "another file or program when the paper is opened; remove it from the template"
            )
    if not dropped:
        return
    for element in list(root.iter()):
        for attribute, value in list(element.attrib.items()):
            if attribute.startswith(f"{{{_R_NS}}}") and value in dropped:
                if element.tag == f"{{{_W_NS}}}attachedTemplate":
                    element.getparent().remove(element)
                    break
                del element.attrib[attribute]
    parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field_codes(root: etree._Element) -> list[str]:
    """Every field's instruction: simple fields' ``w:instr`` and complex fields' instrText runs."""
    codes = [element.get(f"{{{_W_NS}}}instr", "") for element in root.iter(f"{{{_W_NS}}}fldSimple")]
    current: list[str] = []
    for element in root.iter(f"{{{_W_NS}}}fldChar", f"{{{_W_NS}}}instrText"):
        if element.tag.endswith("}instrText"):
            current.append(element.text or "")
        elif element.get(f"{{{_W_NS}}}fldCharType") in ("separate", "end") and current:
            codes.append("".join(current))
            current = []
        elif element.get(f"{{{_W_NS}}}fldCharType") == "begin":
            if current:
                codes.append("".join(current))
            current = []
    if current:
        codes.append("".join(current))
    return codes


def _content_types(source: Path, parts: dict[str, bytes], dropped: set[str]) -> bytes:
    """The content types without the dropped parts, with the main part an ordinary document."""
    root = _xml(source, _CONTENT_TYPES, parts[_CONTENT_TYPES])
    for entry in list(root):
        part = entry.get("PartName", "").lstrip("/")
        if entry.tag == f"{{{_CT_NS}}}Override" and part in dropped:
            root.remove(entry)
        elif entry.get("ContentType", "").startswith(_MACRO_ENABLED) and part == _MAIN:
            raise BadTemplate(
                f"{source}: a macro-enabled Word file (.docm or .dotm); boardpack never runs "
                "macros: save it from Word as a Word Document (.docx) or Template (.dotx)"
            )
        elif entry.get("ContentType") == _TEMPLATE_MAIN:
            # A .dotx differs from a .docx only in its main part's content type.
            entry.set("ContentType", _DOCUMENT_MAIN)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _repack(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()
