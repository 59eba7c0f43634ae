"""Office Open XML packages edited as bytes: tags, relationships, content types, stored parts.

A workbook is a zip of XML parts that point at each other through relationship parts
(``_rels/*.rels``) and are typed by ``[Content_Types].xml``. Writing a changed copy through
openpyxl loads everything into its model and drops what it does not model (pivot tables,
slicers, charts, newer extensions); editing the few parts that change as bytes, and copying
every other part as it is stored, keeps the rest of the package exactly as it was.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/content-types"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_START_TAG = re.compile(rb"<[^>]*>")


@cache
def _attribute_pattern(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"\s" + re.escape(name) + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def attribute(tag: bytes, name: bytes) -> bytes | None:
    """The value of attribute ``name`` in the start tag ``tag`` (as written), or None."""
    found = _attribute_pattern(name).search(tag)
    if found is None:
        return None
    return found[1] if found[1] is not None else found[2]


def with_attribute(tag: bytes, name: bytes, value: bytes) -> bytes:
    """The start tag ``tag`` with attribute ``name`` set to ``value`` (no quotes in it)."""
    found = _attribute_pattern(name).search(tag)
    if found is not None:
        return tag[: found.start()] + b" " + name + b'="' + value + b'"' + tag[found.end() :]
    end = -2 if tag.endswith(b"/>") else -1
    return tag[:end].rstrip() + b" " + name + b'="' + value + b'"' + tag[end:]


def without_attribute(tag: bytes, name: bytes) -> bytes:
    """The start tag ``tag`` without attribute ``name``."""
    return _attribute_pattern(name).sub(b"", tag, count=1)


def start_tag(element: bytes) -> bytes:
    """The start tag that ``element`` begins with."""
    found = _START_TAG.match(element)
    if found is None:
        raise ValueError("not an element")
    return found[0]


def insert_before_close(xml: bytes, tag: bytes, element: bytes) -> bytes | None:
    """``xml`` with ``element`` just before its last ``</tag>``; None if it has none."""
    at = xml.rfind(b"</" + tag + b">")
    if at < 0:
        return None
    return xml[:at] + element + xml[at:]


def with_sheet(
    workbook: bytes, name: str, rid: str, sheet_id: int, relationships_namespace: str
) -> bytes:
    """workbook.xml with a sheet ``name`` (relationship ``rid``) listed last.

    Raises ValueError when the workbook part lists no sheets.
    """
    closing = re.search(rb"</(\w+:)?sheets>", workbook)
    if closing is None:
        raise ValueError("the workbook part lists no sheets")
    prefix = closing[1] or b""
    # The relationships namespace is declared on the element itself, as openpyxl does for
    # every sheet: valid wherever (and whether) the workbook declares it.
    element = (
        b"<" + prefix + b'sheet xmlns:r="' + relationships_namespace.encode() + b'" name='
        + xml_attribute(name) + b' sheetId="' + str(sheet_id).encode() + b'" r:id="'
        + rid.encode() + b'"/>'
    )  # fmt: skip
    result = insert_before_close(workbook, prefix + b"sheets", element)
    if result is None:
        raise ValueError("the workbook part lists no sheets")
    return result


def unused_sheet_name(stem: str, taken: Iterable[str]) -> str:
    """``stem``, else ``stem 2``, ``stem 3``...: the first name no sheet in ``taken`` has
    (sheet names are the same whatever their case)."""
    folded = {name.casefold() for name in taken}
    name = stem
    number = 1
    while name.casefold() in folded:
        number += 1
        name = f"{stem} {number}"
    return name


def xml_text(text: str) -> bytes:
    """``text`` escaped for an element's content, as UTF-8."""
    return escape(text).encode("utf-8")


def xml_attribute(text: str) -> bytes:
    """``text`` as a quoted attribute value, as UTF-8."""
    return quoteattr(text).encode("utf-8")


def resolve(folder: str, target: str) -> str:
    """A relationship's target as a part name: targets are relative to the source's folder."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


def relative(part: str, folder: str) -> str:
    """``part`` as a relationship target from a part in ``folder``."""
    return posixpath.relpath(part, folder or ".")


def relationships_part(part: str) -> str:
    """Where ``part``'s relationships are: "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


@dataclass(frozen=True)
class Relationship:
    """One relationship of a part: its id, type (the URI) and target part (or address)."""

    id: str
    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        """The type's last segment: "worksheet", "styles", "vbaProject"..."""
        return self.type.rstrip("/").rpartition("/")[2]


def read_relationships(xml: bytes, source_part: str) -> list[Relationship]:
    """The relationships in ``xml``, the relationships part of ``source_part``.

    Raises ``ElementTree.ParseError`` (or defusedxml's refusals) for a part that is not XML.
    """
    folder = posixpath.dirname(source_part)
    found = []
    for element in ElementTree.fromstring(xml):
        if not element.tag.endswith("Relationship"):
            continue
        external = element.get("TargetMode", "").lower() == "external"
        target = element.get("Target", "")
        found.append(
            Relationship(
                element.get("Id", ""),
                element.get("Type", ""),
                target if external else resolve(folder, target),
                external,
            )
        )
    return found


def unused_id(taken: set[str], stem: str = "rIdBoardpack") -> str:
    """A relationship id like ``stem`` that is not in ``taken``."""
    number = 1
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"


def relationship_element(rid: str, kind: str, target: str) -> bytes:
    """A ``<Relationship>`` element (``kind``: the full type URI; ``target``: relative)."""
    return (
        b"<Relationship Id="
        + xml_attribute(rid)
        + b" Type="
        + xml_attribute(kind)
        + b" Target="
        + xml_attribute(target)
        + b"/>"
    )


def new_relationships(*elements: bytes) -> bytes:
    """A relationships part holding ``elements``."""
    return (
        DECLARATION
        + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'.encode()
        + b"".join(elements)
        + b"</Relationships>"
    )


@dataclass
class ContentTypes:
    """``[Content_Types].xml``: read once, edited by adding and removing elements."""

    xml: bytes

    def __post_init__(self) -> None:
        root = ElementTree.fromstring(self.xml)
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}
        for element in root:
            kind = element.get("ContentType", "")
            if element.tag.endswith("Default"):
                self.defaults[element.get("Extension", "").lower()] = kind
            elif element.tag.endswith("Override"):
                self.overrides[element.get("PartName", "").lstrip("/").lower()] = kind

    def of(self, part: str) -> str:
        """The content type of ``part`` (by its name, else by its extension), or ""."""
        lower = part.lower()
        return self.overrides.get(lower) or self.defaults.get(lower.rpartition(".")[2], "")

    def override(self, part: str, kind: str) -> None:
        """Give ``part`` the content type ``kind``, replacing any it had by name."""
        self.remove(part)
        element = b"<Override PartName=" + xml_attribute("/" + part)
        element += b" ContentType=" + xml_attribute(kind) + b"/>"
        self._insert(element)
        self.overrides[part.lower()] = kind

    def default(self, extension: str, kind: str) -> None:
        """Give parts ending ``.extension`` the content type ``kind`` unless one is set."""
        if extension.lower() in self.defaults:
            return
        element = b"<Default Extension=" + xml_attribute(extension)
        element += b" ContentType=" + xml_attribute(kind) + b"/>"
        self._insert(element)
        self.defaults[extension.lower()] = kind

    def remove(self, part: str) -> None:
        """Remove the Override naming ``part``, if there is one."""
        self._remove(b"Override", b"PartName", "/" + part)
        self.overrides.pop(part.lower(), None)

    def remove_default(self, extension: str) -> None:
        """Remove the Default for ``extension``, if there is one."""
        self._remove(b"Default", b"Extension", extension)
        self.defaults.pop(extension.lower(), None)

    def _remove(self, tag: bytes, name: bytes, value: str) -> None:
        pattern = (
            rb"<(?:\w+:)?" + tag + rb"\b[^>]*?" + name + rb"\s*=\s*\""
            + re.escape(value.encode()) + rb"\"[^>]*?/>"
        )  # fmt: skip
        self.xml = re.sub(pattern, b"", self.xml, flags=re.IGNORECASE)

    def _insert(self, element: bytes) -> None:
        closing = re.search(rb"</(\w+:)?Types>", self.xml)
        if closing is None:
            raise ValueError("[Content_Types].xml has no </Types>")
        prefix = closing[1] or b""
        self.xml = (
            self.xml[: closing.start()]
            + element.replace(b"<", b"<" + prefix, 1)
            + (self.xml[closing.start() :])
        )


# --- Parts copied as they are stored -------------------------------------------------------

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_DATA_DESCRIPTOR_FLAG = 0x08
_COPY_CHUNK = 1 << 20


def copy_stored(source: zipfile.ZipFile, info: zipfile.ZipInfo, target: zipfile.ZipFile) -> None:
    """Copy the part ``info`` of ``source`` into ``target`` as stored: its compressed bytes,
    checksum and sizes unchanged, never inflated. Costs the part's packed size, whatever it
    would unpack to, and gives back exactly the bytes it had.

    zipfile has no public way to add compressed bytes, so this does what its own ``mkdir``
    does for a directory entry: write the local header, then the data, and list the entry.
    """
    if source.fp is None or target.fp is None:
        raise ValueError("the zip file is closed")
    source.fp.seek(info.header_offset)
    header = source.fp.read(_LOCAL_HEADER.size)
    fields = _LOCAL_HEADER.unpack(header) if len(header) == _LOCAL_HEADER.size else None
    if fields is None or fields[0] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    source.fp.seek(info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11])

    entry = zipfile.ZipInfo(info.filename, info.date_time)
    entry.compress_type = info.compress_type
    entry.flag_bits = info.flag_bits & ~_DATA_DESCRIPTOR_FLAG  # sizes go in the header
    entry.CRC, entry.compress_size, entry.file_size = (
        info.CRC,
        info.compress_size,
        info.file_size,
    )
    entry.external_attr, entry.create_system = info.external_attr, info.create_system
    with target._lock:  # type: ignore[attr-defined]
        if target._seekable:  # type: ignore[attr-defined]
            target.fp.seek(target.start_dir)
        entry.header_offset = target.fp.tell()
        target._writecheck(entry)  # type: ignore[attr-defined]
        target._didModify = True  # type: ignore[attr-defined]
        target.fp.write(entry.FileHeader(None))
        remaining = info.compress_size
        while remaining:
            chunk = source.fp.read(min(remaining, _COPY_CHUNK))
            if not chunk:
                raise zipfile.BadZipFile(f"{info.filename} is cut short")
            target.fp.write(chunk)
            remaining -= len(chunk)
        target.filelist.append(entry)
        target.NameToInfo[entry.filename] = entry
        target.start_dir = target.fp.tell()


def copied_entry(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A fresh entry for new contents of ``info``'s part: its name, time, compression and
    attributes."""
    entry = zipfile.ZipInfo(info.filename, info.date_time)
    entry.compress_type = info.compress_type
    entry.external_attr = info.external_attr
    entry.create_system = info.create_system
    return entry
