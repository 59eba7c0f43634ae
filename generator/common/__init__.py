"""Shared ground: atomic writes, UK dates, progress display, name matching, shipped files."""
