"""Text an XML document can hold: Word files, JUnit reports and workbooks are all XML 1.0.

XML 1.0 forbids most control characters (all below U+0020 but tab, line feed and carriage
return), lone surrogates, U+FFFE and U+FFFF; a document holding one will not open.
"""

from __future__ import annotations

import re

#: Every character outside XML 1.0's ``Char`` production.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str, replacement: str = "") -> str:
    """``text`` with each character XML 1.0 cannot hold replaced by ``replacement``."""
    return XML_ILLEGAL.sub(replacement, text)
