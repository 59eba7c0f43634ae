"""Validation of a package's XML parts against the ECMA-376 transitional XSDs, with lxml.

The schemas are the electronic insert of ECMA-376 Part 4 (ISO/IEC 29500-4:2008), transitional
conformance, kept in tests/files/ecma376 (origin and licences in tests/files/SOURCES.md).
They know nothing of Office's later extensions (w14, w15, wp14 …), which a package may carry
only under Markup Compatibility (ECMA-376 Part 3): a consumer that understands only the
ECMA-376 namespaces drops what is marked ignorable, takes the first AlternateContent choice it
can read (else the fallback), and must refuse an element that demands an unknown namespace.
That is done here before the schema sees each part, as an ECMA-376 consumer would.
"""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "files" / "ecma376"
XS = "http://www.w3.org/2001/XMLSchema"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Loaded first so that a schema importing these namespaces without a location finds them.
FIRST = ("xml.xsd", "dc.xsd", "dcmitype.xsd", "dcterms.xsd")


@cache
def _schema() -> tuple[etree.XMLSchema, frozenset[str]]:
    """One schema importing every namespace (cross-namespace references resolve in it) and
    the set of namespaces it understands."""
    names = list(FIRST) + sorted(p.name for p in SCHEMAS.glob("*.xsd") if p.name not in FIRST)
    driver = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS})
    understood = {RELATIONSHIPS}
    for name in names:
        path = SCHEMAS / name
        namespace = etree.parse(str(path)).getroot().get("targetNamespace")
        understood.add(namespace)
        etree.SubElement(
            driver, f"{{{XS}}}import", namespace=namespace, schemaLocation=path.as_uri()
        )
    return etree.XMLSchema(driver), frozenset(understood)


def _declared(element: etree._Element, attribute: str) -> set[str]:
    value = element.get(f"{{{MC}}}{attribute}") or ""
    return {element.nsmap[prefix] for prefix in value.split() if prefix in element.nsmap}


def _choice(alternate: etree._Element, understood: frozenset[str]) -> etree._Element | None:
    for branch in alternate:
        if not isinstance(branch.tag, str):
            continue
        if etree.QName(branch).localname == "Fallback":
            return branch
        required = {branch.nsmap.get(prefix) for prefix in (branch.get("Requires") or "").split()}
        if required <= understood:
            return branch
    return None


def _compatible(root: etree._Element, understood: frozenset[str]) -> list[str]:
    """Apply Markup Compatibility to ``root`` in place; return what a consumer must refuse.

    Done with lxml's own searches and strips (a report's body has some 200,000 elements)."""
    mc = {"mc": MC}
    refusals = [
        f"{etree.QName(element).localname} must understand {namespace}"
        for element in root.xpath("descendant-or-self::*[@mc:MustUnderstand]", namespaces=mc)
        for namespace in sorted(_declared(element, "MustUnderstand") - understood)
    ]
    for alternate in root.xpath("descendant-or-self::mc:AlternateContent", namespaces=mc):
        parent = alternate.getparent()
        if parent is None:
            continue
        chosen = _choice(alternate, understood)
        position = parent.index(alternate)
        parent.remove(alternate)
        for offset, kept in enumerate(list(chosen) if chosen is not None else []):
            parent.insert(position + offset, kept)
    for holder in root.xpath("descendant-or-self::*[@mc:Ignorable]", namespaces=mc):
        for namespace in _declared(holder, "Ignorable") - understood:
            etree.strip_elements(holder, f"{{{namespace}}}*", with_tail=False)
            etree.strip_attributes(holder, f"{{{namespace}}}*")
    etree.strip_attributes(root, f"{{{MC}}}*")
    return refusals


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each part's content type, by the package's [Content_Types].xml (OPC, ECMA-376 Part 2)."""
    root = etree.fromstring(archive.read("[Content_Types].xml"))
    defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in root}
    overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType", "") for o in root}
    types = {"[Content_Types].xml": "application/xml+content-types"}
    for name in archive.namelist():
        extension = name.rsplit(".", 1)[-1].lower()
        types.setdefault(name, overrides.get(name) or defaults.get(extension, ""))
    return types


def schema_errors(path: Path) -> dict[str, list[str]]:
    """Every XML part of the package whose content breaks ECMA-376 transitional, with its
    errors; an empty dict when every part validates. Custom XML data parts (content type
    application/xml) hold whatever XML their owner chose and have no schema to meet."""
    schema, understood = _schema()
    errors: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as archive:
        for name, content_type in _content_types(archive).items():
            if not content_type.endswith("xml") or content_type == "application/xml":
                continue
            root = etree.fromstring(archive.read(name))
            found = _compatible(root, understood)
            if not schema.validate(root):
                found += [f"line {e.line}: {e.message}" for e in schema.error_log]
            if found:
                errors[name] = found
    return errors


def error_kinds(errors: dict[str, list[str]]) -> set[str]:
    """The errors with their line and the schema's list of what it expected left out, so the
    same fault in a template and in a report made from it compare equal."""
    kinds = set()
    for part, messages in errors.items():
        for message in messages:
            kind = re.sub(r"^line \d+: ", "", message).split(" Expected is")[0]
            kinds.add(f"{part}: {kind}")
    return kinds
