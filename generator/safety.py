"""Placeholder front door (replaced by the full guard): sniff the file before parsing."""

from __future__ import annotations

from pathlib import Path

from generator.errors import UnreadableWorkbook


def inspect_workbook_file(path: Path) -> str:
    """The kind of workbook by its first bytes, or UnreadableWorkbook."""
    if not path.exists():
        raise UnreadableWorkbook(f"{path}: no such file")
    if path.is_dir():
        raise UnreadableWorkbook(f"{path}: is a folder, not a workbook")
    head = path.read_bytes()[:8]
    if not head:
        raise UnreadableWorkbook(f"{path}: the file is empty (0 bytes)")
    if head.startswith(b"PK"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    raise UnreadableWorkbook(f"{path}: is not a workbook")
