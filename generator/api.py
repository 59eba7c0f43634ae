"""boardpack as a Python library: each command's work, with paths in and results out.

``import generator`` offers every name in ``__all__`` (``generator.validate(...)``), loaded on
first use so that importing the package stays as quick as the command line needs. Each
function calls the same core the command line calls, and prints nothing. A problem that stops
a run (no such file, not a workbook, a bad rules file, an output that cannot be written) is
raised as one of the exceptions in ``generator.errors``, all subclasses of
``BoardpackError``, whose message is one line saying what is wrong and what to do; findings
about the workbook's cells are returned, never raised. See docs/python-api.md.

To offer another command here: write its function below (calling the core, as these do)
and add its name to ``__all__``; ``import generator`` then offers it, still lazily.

Everything else is imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import BoardpackError

if TYPE_CHECKING:
    import datetime as dt

    from generator.board_report import ReportRun
    from generator.pipeline import CheckedWorkbook
    from generator.schema.rules import Rules

__all__ = [
    "BoardpackError",
    "annotate",
    "init",
    "report",
    "validate",
]

#: A file name as text or as a path.
PathLike = str | os.PathLike[str]


def validate(
    workbook: PathLike,
    *,
    rules: PathLike | None = None,
    as_of: dt.date | None = None,
    max_size: int | None = None,
) -> CheckedWorkbook:
    """Check one plan workbook against the rules, as ``boardpack validate`` does.

    Args:
        workbook: the plan (.xlsx, .xlsm, .xls, .xlsb or .ods); it is never written.
        rules: a rules file to use instead of the shipped rules.yaml.
        as_of: the day overdue and stale are judged against (default: today in London).
        max_size: the largest unpacked workbook to read, in bytes (default 500 MB).

    Returns:
        The checked workbook: ``.result`` holds the findings (``.errors``, ``.warnings``,
        ``.exit_code()``, ``.summary()``), and ``.plan`` is the plan the report is made from,
        built the first time it is asked for.

    Raises:
        BoardpackError: the workbook or the rules cannot be read, or the workbook lacks the
            Actions sheet or one of its required columns.
    """
    from generator.model.asof import as_of_or_today
    from generator.pipeline import check_workbook
    from generator.read.guard import limits_for

    return check_workbook(
        Path(workbook), _rules(rules), as_of_or_today(as_of), limits=limits_for(max_size)
    )


def report(
    workbook: PathLike,
    output: PathLike,
    *,
    as_of: dt.date | None = None,
    previous: PathLike | None = None,
    template: PathLike | None = None,
    allow_errors: bool = False,
    pdf: bool = False,
    rules: PathLike | None = None,
    max_size: int | None = None,
) -> ReportRun:
    """Check the workbook and write its committee report, as ``boardpack report`` does.

    The report goes to ``output`` (.docx) through a temporary file, so a failure leaves an
    earlier report in place. Errors in the workbook stop the report unless ``allow_errors``,
    when the report carries a data-quality note listing them; warnings never stop it.

    Args:
        workbook: the plan workbook; it is never written.
        output: the Word report to write; it must end in .docx and not be an input.
        as_of: the day the report is written for (default: today in London).
        previous: last report's workbook, for a "Changes since the last report" section.
        template: a council's Word template (.docx or .dotx) for styles, page and headers.
        allow_errors: write the report despite errors, with a data-quality note.
        pdf: also write a PDF beside the report through LibreOffice.
        rules: a rules file to use instead of the shipped rules.yaml.
        max_size: the largest unpacked workbook to read, in bytes (default 500 MB).

    Returns:
        What happened: ``.blocked`` is true (and nothing was written) when errors stopped
        the report; ``.result`` holds the findings that bear on the report, ``.written``
        and ``.pdf`` the files written, ``.plan`` the plan reported on.

    Raises:
        BoardpackError: a file cannot be read or written, or LibreOffice is needed for
            ``pdf`` and not installed.
    """
    from generator.board_report import make_report
    from generator.model.asof import as_of_or_today
    from generator.read.guard import limits_for

    return make_report(
        Path(workbook),
        Path(output),
        rules=_rules(rules),
        as_of=as_of_or_today(as_of),
        template=_optional_path(template),
        previous=_optional_path(previous),
        allow_errors=allow_errors,
        pdf=pdf,
        limits=limits_for(max_size),
    )


def annotate(
    workbook: PathLike | CheckedWorkbook,
    output: PathLike,
    *,
    rules: PathLike | None = None,
    as_of: dt.date | None = None,
    max_size: int | None = None,
) -> int:
    """Write a copy of the workbook with each finding's cell highlighted and explained in a
    comment, and a "boardpack findings" sheet, as ``boardpack validate --annotate`` does.

    Args:
        workbook: the plan workbook (checked first, with ``rules``, ``as_of`` and
            ``max_size``), or what ``validate`` returned for it (not checked again).
        output: the copy to write (.xlsx); the workbook itself is never written.

    Returns:
        The number of cells highlighted.

    Raises:
        BoardpackError: the workbook cannot be read, or the copy cannot be written there.
    """
    from generator.check.annotate import annotate_workbook
    from generator.pipeline import CheckedWorkbook

    checked = (
        workbook
        if isinstance(workbook, CheckedWorkbook)
        else validate(workbook, rules=rules, as_of=as_of, max_size=max_size)
    )
    return annotate_workbook(checked.path, Path(output), checked.result.findings, checked.decrypted)


def init(output: PathLike, *, rules: PathLike | None = None) -> Path:
    """Write a new, blank plan workbook, as ``boardpack init`` does.

    Its sheets and headers follow the rules, with a Status dropdown, status colours, date
    checks and a Guide sheet.

    Args:
        output: the workbook to write (.xlsx); an existing file is never overwritten.
        rules: a rules file to use instead of the shipped rules.yaml.

    Returns:
        The path of the workbook written.

    Raises:
        BoardpackError: ``output`` exists, is not an .xlsx name, or cannot be written.
    """
    from generator.scaffold import write_blank_workbook

    path = Path(output)
    write_blank_workbook(path, _rules(rules))
    return path


def _rules(rules: PathLike | None) -> Rules:
    from generator.schema.rules import load_rules

    return load_rules(_optional_path(rules))


def _optional_path(path: PathLike | None) -> Path | None:
    return None if path is None else Path(path)
