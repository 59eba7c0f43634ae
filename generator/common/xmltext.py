"""Text an XML document can hold: Word files, JUnit reports and workbooks are all XML 1.0.

XML 1.0 forbids most control characters (all below U+0020 but tab, line feed and carriage
return), lone surrogates, U+FFFE and U+FFFF; a document holding one will not open.
"""

from __future__ import annotations

import re

#: Every character outside XML 1.0's ``Char`` production.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The illegal characters an ASCII text can hold, as bytes for ``bytes.translate``.
_ASCII_ILLEGAL = bytes(range(0x20)).translate(None, b"\t\n\r")


def has_xml_illegal(text: str) -> bool:
    """Whether ``text`` holds a character XML 1.0 cannot: ``XML_ILLEGAL.search``, several
    times faster on ASCII text (most of a plan), where only control characters can be."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_ILLEGAL)) != len(data)
    return XML_ILLEGAL.search(text) is not None


def xml_safe(text: str, replacement: str = "") -> str:
    """``text`` with each character XML 1.0 cannot hold replaced by ``replacement``."""
    return XML_ILLEGAL.sub(replacement, text)
