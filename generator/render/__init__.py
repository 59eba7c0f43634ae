"""Rendering: the committee report as a Word document, built from a Plan (never from cells).

``build_report`` assembles it, ``write_report`` saves it atomically as deterministic bytes,
``convert_to_pdf`` makes a PDF through LibreOffice when it is installed.
"""

from generator.render.document import Report, build_report
from generator.render.output import convert_to_pdf, write_report

__all__ = ["Report", "build_report", "convert_to_pdf", "write_report"]
