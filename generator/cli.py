"""The command line: the only module that imports click.

It parses options, calls the core, prints, and exits. Domain errors become a one-line
message and exit code 2; nothing reaches the user as a traceback.
"""

from __future__ import annotations

import click

from generator import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="boardpack")
def main() -> None:
    """boardpack: improvement-plan workbooks to board reports.

    \b
    boardpack validate plan.xlsx            check a workbook against rules.yaml
    boardpack report plan.xlsx -o out.docx  write the committee report
    boardpack send out.docx --workbook plan.xlsx
    boardpack init new-plan.xlsx            start a new plan workbook
    """
