"""Checking: where every finding is made, and how findings are shown or annotated."""
