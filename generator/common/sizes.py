"""Sizes as people write and read them: "2GB" in an option, "1.5 MB" in a message.

Units are binary (1 MB = 1,048,576 bytes), as Windows Explorer counts them.
"""

from __future__ import annotations

import re

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

_SIZE_PATTERN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)
_UNIT = {"": 1, "k": KB, "m": MB, "g": GB, "t": 1024 * GB}


def parse_size(text: str) -> int:
    """Read a size such as "2GB", "500 MB", "1.5G" or "750000" (bytes) as a number of bytes.

    Raises ValueError with a message fit for a user when the text is not a size.
    """
    match = _SIZE_PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(f'"{text}" is not a size; write it like 500MB or 2GB')
    size = int(float(match.group(1)) * _UNIT[match.group(2).lower()])
    if size <= 0:
        raise ValueError(f'"{text}" is not a size greater than zero')
    return size


def format_size(size: int) -> str:
    """A size for a message: "500 MB", "1.5 GB", "12 KB", "812 bytes"."""
    for unit, name in ((GB, "GB"), (MB, "MB"), (KB, "KB")):
        if size >= unit:
            return f"{size / unit:.1f}".removesuffix(".0") + f" {name}"
    return f"{size} bytes"
