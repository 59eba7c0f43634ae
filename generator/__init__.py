"""boardpack: validate improvement-plan workbooks and turn them into board reports."""

__version__ = "0.1.0"
