"""Lead names as file names that are safe everywhere and distinct from one another.

A lead is typed as people type: "J. O'Brien / Head of Service", "Siân Jones", "Con". The
file must open on Windows, macOS and Linux, survive being emailed as an attachment, and
never share a name with another lead's file on a disc that ignores case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

#: Names Windows keeps for devices, with or without an extension ("CON.xlsx" cannot exist).
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{device}{n}" for device in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]]
)
#: Long enough to tell leads apart, short enough for Windows paths and email clients.
MAX_STEM = 60
_APOSTROPHES = "'’‘`´"
_FALLBACK = "lead"


def _letter(char: str) -> str:
    """``char`` as a file-name letter: ASCII kept, accents dropped ("â" -> "a"),
    letters of other scripts kept, anything else a separator ("-")."""
    if char.isascii():
        return char if char.isalnum() else "-"
    base = "".join(
        part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
    )
    if base.isascii() and base.isalnum():
        return base
    return char if char.isalnum() else "-"


def safe_stem(name: str) -> str:
    """A file name (without extension) for ``name``: letters and digits joined by hyphens.

    "J. O'Brien / Head of Service" -> "J-OBrien-Head-of-Service"; "Siân" -> "Sian";
    "Con" -> "Con-lead" (a Windows device name); "" or "///" -> "lead".
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(char for char in text if char not in _APOSTROPHES)
    stem = "-".join(part for part in "".join(map(_letter, text)).split("-") if part)
    if len(stem) > MAX_STEM:
        cut = stem[:MAX_STEM]
        stem = cut.rsplit("-", 1)[0] if "-" in cut[MAX_STEM // 2 :] else cut
    stem = unicodedata.normalize("NFC", stem.strip("-")) or _FALLBACK
    if stem.upper() in WINDOWS_RESERVED:
        stem += "-" + _FALLBACK
    return stem


def distinct_stems(names: Iterable[str]) -> list[str]:
    """A safe stem for each name, in order; a stem already taken (ignoring case) gets
    "-2", "-3"... so no two leads' files can overwrite each other on any disc."""
    taken: set[str] = set()
    stems = []
    for name in names:
        base = safe_stem(name)
        stem, number = base, 1
        while stem.casefold() in taken:
            number += 1
            stem = f"{base}-{number}"
        taken.add(stem.casefold())
        stems.append(stem)
    return stems
