"""Cell text as Word must hold it: literal, and free of characters XML forbids.

Text from the workbook is data. It is never interpreted: ``{{ x }}``, ``{% if %}`` and
``=SUM(A1)`` reach the page exactly as typed. Rendering only normalises: line endings become
Word's, and a character an XML document cannot contain at all (most control characters,
lone surrogates, U+FFFE/U+FFFF) is replaced. It never reports anything: validation has
already made its finding for each cell it read (rule ``illegal-characters``), and the plan
holds the text it cleaned.
"""

from __future__ import annotations

import re

from generator.common.xmltext import XML_ILLEGAL, xml_safe

# Word's own line and page breaks arrive in pasted text as vertical tab and form feed.
_LINE_BREAKS = re.compile("[\x0b\x0c]")
REPLACEMENT = "\ufffd"


def for_word(text: str | None) -> str:
    """``text`` with line endings normalised and XML-illegal characters replaced."""
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if XML_ILLEGAL.search(text) is None:
        return text
    return xml_safe(_LINE_BREAKS.sub("\n", text), REPLACEMENT)
