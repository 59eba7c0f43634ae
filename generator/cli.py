"""The command line: the only module that imports click.

It parses options, calls the core, prints, and exits. Domain errors become a one-line
message and exit code 2; nothing reaches the user as a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import re
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from generator.check.formats import FORMATS, render, write_step_summary
from generator.common.files import read_text_or_raise
from generator.common.plurals import plural
from generator.common.progress import NO_PROGRESS, Progress, TerminalProgress, wants_progress
from generator.common.sizes import format_size, parse_size
from generator.errors import AnnotationRefused, BoardpackError, SendError
from generator.findings import (
    EXIT_COULD_NOT_RUN,
    EXIT_FINDINGS,
    EXIT_OUTPUT_CLOSED,
    Finding,
    Severity,
    ValidationResult,
)
from generator.model.asof import as_of_or_today, parse_as_of, today_in_london
from generator.read.guard import Limits, limits_for
from generator.schema.rules import load_rules
from generator.version import __version__

if TYPE_CHECKING:
    from generator.deliver.mailer import Outgoing, SmtpSettings
    from generator.model.plan import Recipient, ReportFields

F = TypeVar("F", bound=Callable[..., Any])


class AsOfDate(click.ParamType):
    """A date option: 2026-11-23, 23/11/2026 or 23 November 2026."""

    name = "date"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_as_of(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(message: str) -> str:
    """``message`` on one line: a newline in a sheet or file name is shown as \\n."""
    return _CONTROL.sub(lambda match: repr(match[0])[1:-1], message)


def fail(message: str) -> NoReturn:
    """Print a one-line message and stop with exit code 2."""
    try:
        click.echo(f"boardpack: {one_line(message)}", err=True)
    except BrokenPipeError:
        _stop_for_closed_output()
    sys.exit(EXIT_COULD_NOT_RUN)


def output_closed() -> bool:
    """Whether stdout or stderr is a pipe whose reader has gone (``| head -1`` has its line).

    A pipe's writing end reports an error condition to poll() once nothing can read it.
    Where poll() is missing (Windows), a broken pipe is taken to be the reader's going.
    """
    if not hasattr(select, "poll"):
        return True
    poller = select.poll()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            poller.register(stream.fileno(), select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def _silence_output() -> None:
    """Point stdout and stderr at the null device, so that nothing left in their buffers
    fails again as Python flushes them on the way out ("Exception ignored ... BrokenPipe")."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                os.dup2(null, stream.fileno())


@contextlib.contextmanager
def _whole_writes() -> Iterator[None]:
    """stdout and stderr that write all they are given or raise, even unbuffered.

    Unbuffered (``python -u`` or PYTHONUNBUFFERED, as many CI images set it), Python hands a
    write straight to the file descriptor and ignores how much of it went: when the reader
    of a pipe goes mid-write, the rest is dropped in silence and the command ends as if
    all was read. Through a buffer, a short write is retried, and fails with
    BrokenPipeError once the reader has gone. Each echo is still flushed at once.
    """
    replaced = []
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        raw = getattr(stream, "buffer", None)
        if isinstance(raw, io.FileIO):
            # A handle of its own on the descriptor (closefd=False): closing or collecting
            # it never closes the stream it stands in for.
            own = io.FileIO(raw.fileno(), "wb", closefd=False)
            whole = io.TextIOWrapper(
                io.BufferedWriter(own),
                encoding=stream.encoding,
                errors=stream.errors,
                line_buffering=True,
                write_through=True,
            )
            replaced.append((name, stream, whole))
            setattr(sys, name, whole)
    try:
        yield
    finally:
        for name, stream, _ in replaced:
            setattr(sys, name, stream)
        for _, _, whole in replaced:
            whole.flush()  # a reader gone: BrokenPipeError, for friendly_errors to end on


def _stop_for_closed_output() -> NoReturn:
    """Stop quietly, as cat or grep do when the reader has what it wanted: no message (no
    one would read it), nothing more written, exit code 141 (see ``EXIT_OUTPUT_CLOSED``)."""
    _silence_output()
    sys.exit(EXIT_OUTPUT_CLOSED)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (a CI job cancelled, a service stopped) as Ctrl+C while a command runs.

    Python ends on SIGTERM without unwinding, leaving temporary files behind; as
    KeyboardInterrupt it unwinds, so every half-written output is removed as on Ctrl+C.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


#: Where each of the core's settings is given on this command line (``BoardpackError.settings``).
_OPTIONS = {
    "host": "--smtp-host",
    "port": "--smtp-port",
    "user": "--smtp-user",
    "security": "--security",
    "cafile": "--cafile",
    "timeout": "--timeout",
    "sender": "--from",
    "to": "--to",
    "cc": "--cc",
    "bcc": "--bcc",
    "distribution": "--workbook",
    "out": "--out",
}
#: Settings that can come from the environment instead: BOARDPACK_SMTP_<NAME>.
SMTP_ENVIRONMENT = {
    "host": "HOST",
    "port": "PORT",
    "user": "USER",
    "security": "SECURITY",
    "cafile": "CAFILE",
    "timeout": "TIMEOUT",
    "sender": "FROM",
}
SMTP_PREFIX = "BOARDPACK_SMTP_"
PASSWORD_VARIABLE = SMTP_PREFIX + "PASSWORD"


#: Where a team's own aliases go: every "add it to the aliases" message ends with this.
RULES_ADVICE = (
    "boardpack rules my-rules.yaml writes a copy of the rules to edit, used with "
    "--rules my-rules.yaml; boardpack inspect shows how the workbook was read"
)


def with_options(error: BoardpackError) -> str:
    """The core's message, with the options (and variables) that set what it is about."""
    message = str(error)
    if "max_size" in error.settings:
        return f"{message}; if the workbook is genuine, raise the limit with --max-size"
    if "rules" in error.settings:
        return f"{message} ({RULES_ADVICE})"
    if len(error.settings) == 1:  # one setting: its option and its variable
        (setting,) = error.settings
        variable = SMTP_PREFIX + SMTP_ENVIRONMENT[setting] if setting in SMTP_ENVIRONMENT else ""
        places = [_OPTIONS.get(setting, ""), variable]
    else:  # several: their options, which --help ties to their variables
        places = [_OPTIONS.get(setting, "") for setting in error.settings]
    places += [PASSWORD_VARIABLE] if "password" in error.settings else []
    named = [place for place in places if place]
    joiner = " or " if len(error.settings) == 1 else ", "
    return f"{message} ({joiner.join(named)})" if named else message


def friendly_errors(command: F) -> F:
    """Turn the core's errors, and anything unforeseen, into one line and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _terminate_as_interrupt(), _whole_writes():
                return command(*args, **kwargs)
        except BoardpackError as error:
            fail(with_options(error))
        except KeyboardInterrupt:
            fail("interrupted; nothing was written")
        except MemoryError:
            fail("ran out of memory; the workbook is too large to handle on this machine")
        except Exception as error:  # last resort: a bug must still not show a traceback
            if isinstance(error, BrokenPipeError) and output_closed():
                _stop_for_closed_output()  # the reader has gone: not a bug, nothing to say
            if os.environ.get("BOARDPACK_DEBUG"):
                raise
            fail(
                f"unexpected {type(error).__name__}: {error}. This is a bug in boardpack; "
                "set BOARDPACK_DEBUG=1 to see the details and please report it"
            )

    return wrapper  # type: ignore[return-value]


rules_option = click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Rules file to use instead of the shipped rules.yaml.",
)
as_of_option = click.option(
    "--as-of",
    type=AsOfDate(),
    help="The date to judge overdue and stale against (default: today in London).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="boardpack")
def main() -> None:
    """boardpack: improvement-plan workbooks to board reports.

    \b
    boardpack validate plan.xlsx            check a workbook against rules.yaml
    boardpack report plan.xlsx -o out.docx  write the committee report
    boardpack send out.docx --workbook plan.xlsx
    boardpack init new-plan.xlsx            start a new plan workbook
    boardpack inspect plan.xlsx             show how a workbook is read
    boardpack rules my-rules.yaml           a copy of the rules to edit
    """


class PreviousSource(click.ParamType):
    """An earlier board: a workbook or folder (a Path), or "git:..." kept as text."""

    name = "workbook|folder|git:RANGE"

    def convert(self, value: Any, param: Any, ctx: Any) -> Path | str:
        if isinstance(value, Path):
            return value
        from generator.read.git_history import is_git_source

        text = str(value)
        return text if is_git_source(text) else Path(text)


class Size(click.ParamType):
    """A size such as 2GB or 500MB."""

    name = "size"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


max_size_option = click.option(
    "--max-size",
    type=Size(),
    help="Largest unpacked workbook to read (default 500MB); raise it for very large plans.",
)


@main.command()
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@rules_option
@as_of_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people; json, github (workflow annotations) or junit for CI.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings as well as errors.")
@click.option(
    "--annotate",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a copy of the workbook with each problem cell highlighted and explained.",
)
@max_size_option
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress display and no notes on stderr; findings are still printed.",
)
@friendly_errors
def validate(
    workbooks: tuple[Path, ...],
    rules_path: Path | None,
    as_of: dt.date | None,
    output_format: str,
    strict: bool,
    annotate: Path | None,
    max_size: int | None,
    quiet: bool,
) -> None:
    """Check plan workbooks against the rules and list every problem by cell.

    Exit code 0: no errors (warnings allowed unless --strict); 1: errors found;
    2: could not run (no such file, not a workbook, bad rules file).

    \b
    Examples:
      boardpack validate plan.xlsx
      boardpack validate workbooks/*.xlsx --format github
      boardpack validate plan.xlsx --as-of 2026-11-30 --annotate plan-checked.xlsx
    """
    from generator.pipeline import check_workbooks

    if annotate is not None and len(workbooks) != 1:
        raise click.UsageError("--annotate works on one workbook at a time")
    if annotate is not None and rules_path is not None:
        from generator.common.atomic import refuse_overwriting_input

        refuse_overwriting_input(annotate, rules_path)
    rules = load_rules(rules_path)
    paths = _without_lock_files(list(workbooks), quiet)
    progress = _progress(paths, quiet)
    try:
        checked, result, problems = check_workbooks(
            paths, rules, as_of_or_today(as_of), limits_for(max_size), progress
        )
    finally:
        progress.done()
    for problem in problems:
        click.echo(f"boardpack: {one_line(with_options(problem))}", err=True)
    if output_format != "text":  # CI reads why a workbook could not be checked here too
        click.echo(render(result, output_format, strict=strict), nl=False)
    elif checked:
        click.echo(render(result.checked_only(), "text", colour=_colour_wanted()), nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if output_format == "github" and summary_file:
        write_step_summary(result, Path(summary_file))
    if annotate is not None and checked:
        from generator.check.annotate import MAX_COMMENTS, annotate_workbook

        try:
            progress.phase(f"Writing {annotate.name}")
            count = annotate_workbook(
                checked[0].path, annotate, result.findings, checked[0].decrypted
            )
        except AnnotationRefused as refused:
            # Validation has answered; the copy is extra, so its refusal is a note on
            # stderr and the exit code stays validation's.
            click.echo(f"boardpack: {one_line(str(refused))}", err=True)
            count = None
        finally:
            progress.done()
        if count is not None and not quiet:
            macros = checked[0].path.suffix.lower() == ".xlsm"
            capped = (
                f" (comments on the first {MAX_COMMENTS:,}; the findings sheet lists them all)"
                if count > MAX_COMMENTS
                else ""
            )
            click.echo(
                f"Annotated copy with {count:,} highlighted cells written to {annotate}"
                + capped
                + ("; the workbook's macros are not copied" if macros else ""),
                err=True,
            )
    sys.exit(EXIT_COULD_NOT_RUN if problems else result.exit_code(strict=strict))


def _without_lock_files(paths: list[Path], quiet: bool) -> list[Path]:
    """The paths without Office's lock files ("~$plan.xlsx"), which a glob picks up while a
    workbook is open, with a one-line note; named alone, one is read and explained."""
    from generator.common.files import is_lock_file

    kept = [path for path in paths if not is_lock_file(path)]
    if not kept or len(kept) == len(paths):
        return paths
    if not quiet:
        skipped = [path.name for path in paths if is_lock_file(path)]
        click.echo(
            f"boardpack: skipped {', '.join(one_line(name) for name in skipped)}: "
            f"{'an Office lock file' if len(skipped) == 1 else 'Office lock files'} "
            "(made while a workbook is open), not a workbook",
            err=True,
        )
    return kept


def _progress(paths: list[Path], quiet: bool) -> Progress:
    """A progress line on stderr for a long run at a terminal; nothing in pipes, CI or --quiet."""
    if wants_progress(sys.stderr, paths, quiet=quiet):
        return TerminalProgress(sys.stderr)
    return NO_PROGRESS


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The Word report to write (.docx); it is replaced only once complete.",
)
@as_of_option
@click.option(
    "--template",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your council's Word template (.docx or .dotx): its styles, page, header and footer.",
)
@click.option(
    "--previous",
    type=PreviousSource(),
    multiple=True,
    help="Earlier boards' workbooks: a workbook, a folder of them, or git:HEAD~3.. / git:5 "
    "for earlier versions in git (repeatable). The latest gives 'Changes since the last "
    "report'; two or more add the plan over time.",
)
@click.option(
    "--allow-errors",
    is_flag=True,
    help="Write the report despite errors, with a data-quality note listing them.",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF beside the .docx (needs LibreOffice).")
@click.option(
    "--send",
    "send_after",
    is_flag=True,
    help="Then email it to the workbook's Distribution sheet, with the BOARDPACK_SMTP_* "
    "settings (as boardpack send REPORT --workbook PLAN does).",
)
@rules_option
@max_size_option
@friendly_errors
def report(
    workbook: Path,
    output: Path,
    as_of: dt.date | None,
    template: Path | None,
    previous: tuple[Path | str, ...],
    allow_errors: bool,
    pdf: bool,
    send_after: bool,
    rules_path: Path | None,
    max_size: int | None,
) -> None:
    """Write the committee report for a plan workbook.

    The workbook is checked first: errors stop the report (exit 1, each error listed)
    unless --allow-errors; warnings never do. Exit code 0: report written; 1: errors in the
    workbook; 2: could not run.

    \b
    Examples:
      boardpack report plan.xlsx -o board-report.docx
      boardpack report plan.xlsx -o board-report.docx --as-of 2026-11-30 --pdf
      boardpack report plan.xlsx -o board-report.docx --previous october-plan.xlsx
      boardpack report plan.xlsx -o board-report.docx --previous earlier-boards/
      boardpack report plan.xlsx -o board-report.docx --previous git:HEAD~6..
      boardpack report plan.xlsx -o board-report.docx --template council.dotx
      boardpack report plan.xlsx -o board-report.docx --pdf --send
    """
    from generator.board_report import make_report

    rules = load_rules(rules_path)
    progress = _progress([workbook], quiet=False)
    try:
        run = make_report(
            workbook,
            output,
            rules=rules,
            as_of=as_of_or_today(as_of),
            template=template,
            previous=previous,
            allow_errors=allow_errors,
            pdf=pdf,
            limits=limits_for(max_size),
            progress=progress,
        )
    finally:
        progress.done()
    result = run.result
    if run.blocked:
        click.echo(render(result, "text", colour=_colour_wanted()), nl=False, err=True)
        click.echo(
            f"boardpack: no report written: {workbook} has "
            f"{plural(len(result.errors), 'error')}; "
            "fix them, or use --allow-errors to report with a data-quality note",
            err=True,
        )
        sys.exit(result.exit_code())
    if result.errors:
        click.echo(render(result, "text", colour=_colour_wanted()), nl=False, err=True)
    elif result.warnings:
        click.echo(f"{result.summary()}; see them with: boardpack validate {workbook}", err=True)
    for line in run.earlier_warnings:
        click.echo(f"warning: {one_line(line)}", err=True)
    if run.sending:
        click.echo(
            f"note: the Distribution sheet has {_problems(run.sending)}; they do not affect "
            f"the report, but will stop sending it; see them with: boardpack validate {workbook}",
            err=True,
        )
    written = f"Report written to {run.written}"
    if run.pdf is not None:
        written += f" and {run.pdf}"
    click.echo(written)
    if run.no_pdf:
        click.echo(f"warning: {run.no_pdf}", err=True)
    if send_after and run.written is not None and run.plan is not None:
        # The plan already read and checked (with --max-size): never read a second time.
        _send_report(
            run.written,
            _smtp_settings(),
            fields=run.plan.report,
            distribution=run.plan.distribution,
            problems=run.sending,
            workbook=workbook,
        )


def _problems(findings: list[Finding]) -> str:
    """ "1 error and 2 warnings", leaving out a kind there is none of."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    counts = ((errors, "error"), (len(findings) - errors, "warning"))
    return " and ".join(plural(count, noun) for count, noun in counts if count)


def _colour_wanted() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@rules_option
@friendly_errors
def init(workbook: Path, rules_path: Path | None) -> None:
    """Start a new, empty plan workbook with dropdowns and colours.

    The sheets and headers follow the rules file, with a Status dropdown, status colours,
    date checks and a Guide sheet. An existing file is never overwritten.

    \b
    Examples:
      boardpack init plan.xlsx
      boardpack init plan.xlsx --rules our-rules.yaml
    """
    from generator.scaffold import write_blank_workbook

    write_blank_workbook(workbook, load_rules(rules_path))
    click.echo(
        f"New plan workbook written to {workbook}; check it with: boardpack validate {workbook}"
    )


@main.command("inspect")
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@rules_option
@click.option(
    "--write-rules",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a copy of the rules with the aliases this workbook needs, to use with "
    "--rules, so the next run says explicitly how the workbook is read.",
)
@as_of_option
@max_size_option
@friendly_errors
def inspect_command(
    workbook: Path,
    rules_path: Path | None,
    write_rules: Path | None,
    as_of: dt.date | None,
    max_size: int | None,
) -> None:
    """Show, in one screen, how boardpack reads a workbook.

    The plan's sheet and why, each header and the column it became, the sections and their
    actions, every status spelling and date wording and what it became, and the rules
    skipped for want of a column. Exit code 0: the plan was read; 2: it could not be.

    \b
    Examples:
      boardpack inspect plan.xlsx
      boardpack inspect plan.xlsx --write-rules my-rules.yaml
      boardpack validate plan.xlsx --rules my-rules.yaml
    """
    from generator.common.atomic import refuse_overwriting_input
    from generator.explain import aliases_needed, explain_workbook
    from generator.rules_copy import write_rules_copy

    rules = load_rules(rules_path)
    if write_rules is not None:
        refuse_overwriting_input(write_rules, workbook, *(p for p in (rules_path,) if p))
    explanation = explain_workbook(
        workbook, rules, as_of_or_today(as_of), limits=limits_for(max_size)
    )
    click.echo("\n".join(one_line(line) for line in explanation.lines))
    if explanation.checked is not None:
        result = explanation.checked.result
        click.echo(
            f"Findings: {result.summary()}"
            + (f"; list them with: boardpack validate {workbook}" if result.findings else "")
        )
    if write_rules is not None:
        aliases = aliases_needed(explanation)
        write_rules_copy(
            write_rules,
            rules.path,
            aliases,
            note=f"Written by boardpack inspect for {workbook.name}"
            + (": aliases added for " + "; ".join(aliases.described()) if aliases else ""),
        )
        count = len(aliases.described())
        added = f"with {plural(count, 'alias', 'aliases')} added" if aliases else "(none needed)"
        click.echo(
            f"Rules {added} written to {write_rules}; use them with: "
            f"boardpack validate {workbook} --rules {write_rules}"
        )
    if not explanation.read:
        fail(f"{explanation.problem} ({RULES_ADVICE})")


@main.command("rules")
@click.argument("destination", type=click.Path(path_type=Path, dir_okay=False))
@friendly_errors
def rules_command(destination: Path) -> None:
    """Write the default rules to a file of your own, for your team to edit.

    Add the headers and status spellings your plans use as aliases, switch rules off or
    change their severity, then use the file with --rules. An existing file is never
    overwritten.

    \b
    Examples:
      boardpack rules my-rules.yaml
      boardpack validate plan.xlsx --rules my-rules.yaml
    """
    from generator.rules_copy import write_rules_copy

    write_rules_copy(destination)
    click.echo(
        f"Rules written to {destination}; edit it, then use it with: "
        f"boardpack validate plan.xlsx --rules {destination}"
    )


def smtp_options(command: F) -> F:
    """The mail server options, each also settable by its BOARDPACK_SMTP_* variable, handed
    to the command together as ``smtp`` (setting name → the option's value, or None)."""

    @functools.wraps(command)
    def gathered(*args: Any, **kwargs: Any) -> Any:
        smtp = {setting: kwargs.pop(option) for option, setting in _SMTP_SETTINGS.items()}
        return command(*args, smtp=smtp, **kwargs)

    for option in reversed(_SMTP_OPTIONS):
        gathered = option(gathered)
    return cast(F, gathered)


#: Each mail server option's parameter name and the setting it gives (see SMTP_ENVIRONMENT).
_SMTP_SETTINGS = {
    "sender": "sender",
    "smtp_host": "host",
    "smtp_port": "port",
    "smtp_user": "user",
    "security": "security",
    "cafile": "cafile",
    "timeout": "timeout",
}


_SMTP_OPTIONS = [
    click.option("--from", "sender", metavar="ADDRESS", help="Sender [env BOARDPACK_SMTP_FROM]."),
    click.option("--smtp-host", metavar="HOST", help="Mail server [env BOARDPACK_SMTP_HOST]."),
    click.option(
        "--smtp-port",
        metavar="PORT",
        help="Port: 587 for starttls, 465 for ssl by default [env BOARDPACK_SMTP_PORT].",
    ),
    click.option(
        "--smtp-user",
        metavar="USER",
        help="Login [env BOARDPACK_SMTP_USER]. The password is read from "
        "BOARDPACK_SMTP_PASSWORD, or asked for on a terminal.",
    ),
    click.option(
        "--security",
        metavar="starttls|ssl|none",
        help="starttls (default), ssl (TLS from the start) or none (localhost only) "
        "[env BOARDPACK_SMTP_SECURITY].",
    ),
    click.option(
        "--cafile",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Trust this certificate authority (PEM) for the server's certificate "
        "[env BOARDPACK_SMTP_CAFILE].",
    ),
    click.option(
        "--timeout",
        metavar="SECONDS",
        help="Give up on a silent server after this long (default 30) "
        "[env BOARDPACK_SMTP_TIMEOUT].",
    ),
]


@main.command()
@click.argument("report", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--to",
    multiple=True,
    metavar="ADDRESS",
    help="A recipient (repeat for more). Replaces the workbook's Distribution list.",
)
@click.option("--cc", multiple=True, metavar="ADDRESS", help="A copy recipient (repeatable).")
@click.option(
    "--bcc",
    multiple=True,
    metavar="ADDRESS",
    help="A blind-copy recipient (repeatable); never shown in the message.",
)
@click.option(
    "--workbook",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Plan workbook: recipients from its Distribution sheet, subject and body "
    "from its Report sheet.",
)
@rules_option
@max_size_option
@click.option("--subject", help="Subject line (default: meeting, date and title).")
@click.option(
    "--body-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="UTF-8 text file with the message body (default: a short covering note).",
)
@click.option(
    "--pdf",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Attach this PDF too (default: the report's PDF, if one sits beside it).",
)
@smtp_options
@click.option(
    "--eml",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write an unsent draft .eml to check and send from Outlook or Thunderbird, "
    "instead of sending.",
)
@click.option(
    "--dry-run", is_flag=True, help="Show the recipients, subject and attachments; send nothing."
)
@friendly_errors
def send(
    report: Path,
    to: tuple[str, ...],
    cc: tuple[str, ...],
    bcc: tuple[str, ...],
    workbook: Path | None,
    rules_path: Path | None,
    max_size: int | None,
    subject: str | None,
    body_file: Path | None,
    pdf: Path | None,
    smtp: dict[str, str | Path | None],
    eml: Path | None,
    dry_run: bool,
) -> None:
    """Email the report to the board, or write it as a draft to send from your mail client.

    \b
    boardpack send board-report.docx --workbook plan.xlsx --dry-run
    boardpack send board-report.docx --workbook plan.xlsx --eml draft.eml
    boardpack send board-report.docx --to clerk@council.gov.uk \\
        --smtp-host smtp.council.gov.uk --smtp-user pmo@council.gov.uk --from pmo@council.gov.uk

    The PDF beside the report (board-report.pdf) is attached too. The password comes only
    from BOARDPACK_SMTP_PASSWORD or a prompt; it is never printed.
    """
    settings = _smtp_settings(**smtp)
    fields, distribution, problems = _send_inputs(
        workbook, rules_path, limits_for(max_size), replaced=bool(to)
    )
    _send_report(
        report,
        settings,
        fields=fields,
        distribution=distribution,
        problems=problems,
        workbook=workbook,
        to=to,
        cc=cc,
        bcc=bcc,
        pdf=pdf,
        subject=subject,
        body_file=body_file,
        eml=eml,
        dry_run=dry_run,
        inputs=[p for p in (pdf, workbook, body_file, rules_path) if p],
    )


def _send_report(
    report: Path,
    settings: SmtpSettings,
    *,
    fields: ReportFields | None,
    distribution: list[Recipient],
    problems: list[Finding],
    workbook: Path | None,
    to: tuple[str, ...] = (),
    cc: tuple[str, ...] = (),
    bcc: tuple[str, ...] = (),
    pdf: Path | None = None,
    subject: str | None = None,
    body_file: Path | None = None,
    eml: Path | None = None,
    dry_run: bool = False,
    inputs: list[Path] | None = None,
) -> None:
    """Email (or draft) the report: for ``send``, and for ``report --send`` with the plan it
    has already read and checked."""
    from generator.deliver.mailer import compose, send_message, write_eml

    if problems:
        # The Distribution sheet's problems are sending's to report: each located to its cell.
        click.echo(render(ValidationResult(problems, [str(workbook)]), "text"), nl=False, err=True)
        if any(f.severity is Severity.ERROR for f in problems):
            click.echo(
                f"boardpack: nothing sent: the Distribution sheet in {workbook} has "
                f"{_problems(problems)}; correct them, or give the recipients with --to",
                err=True,
            )
            sys.exit(EXIT_FINDINGS)
    outgoing = compose(
        report,
        pdf=pdf,
        to=to,
        cc=cc,
        bcc=bcc,
        distribution=distribution,
        report=fields,
        subject=subject,
        body=read_text_or_raise(body_file, SendError) if body_file else None,
        sender=settings.sender,
        draft=eml is not None and not dry_run,
    )
    if outgoing.stale_pdf is not None:
        click.echo(
            f"Warning: {outgoing.stale_pdf.name} is older than {report.name}, so it is not "
            f"attached; give --pdf {outgoing.stale_pdf} to attach it anyway",
            err=True,
        )
    for warning in outgoing.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if dry_run:
        _show_outgoing(outgoing, settings)
    elif eml is not None:
        from generator.common.atomic import refuse_overwriting_input

        refuse_overwriting_input(eml, report, *(inputs or []))
        write_eml(outgoing.message, eml, outgoing.bcc)
        click.echo(
            f"Wrote {eml}: an unsent draft to {plural(len(outgoing.envelope), 'recipient')}; "
            "open it in your mail client to check and send it."
        )
    else:
        if settings.user and not settings.password:
            settings = replace(settings, password=_ask_password(settings.user))
        sent = send_message(outgoing.message, settings, outgoing.envelope)
        click.echo(f"Sent to {plural(len(sent.accepted), 'recipient')} via {sent.server}.")


def _send_inputs(
    workbook: Path | None, rules_path: Path | None, limits: Limits, *, replaced: bool
) -> tuple[ReportFields | None, list[Recipient], list[Finding]]:
    """The Report sheet's fields, the Distribution list and its problems, when a workbook is
    given (the problems only when the list is used, not ``replaced`` by --to)."""
    if workbook is None:
        return None, [], []
    from generator.pipeline import check_workbook

    checked = check_workbook(workbook, load_rules(rules_path), today_in_london(), limits=limits)
    plan = checked.plan
    return plan.report, plan.distribution, [] if replaced else checked.sending_findings()


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask_password(user: str) -> str:
    """A hidden prompt on a terminal; in CI, a message saying where the password goes."""
    if not _interactive():
        raise SendError(
            f"no password for {user}: set {PASSWORD_VARIABLE} "
            "(it is never taken as an option, so it cannot leak into shell history)"
        )
    return str(click.prompt(f"Password for {user}", hide_input=True))


def _show_outgoing(outgoing: Outgoing, settings: SmtpSettings) -> None:
    """What --dry-run prints: who, what and how, with sizes people can read."""
    from generator.deliver.mailer import message_size

    lines = ["Dry run: nothing sent."]
    if outgoing.message["From"]:
        lines.append(f"From:    {outgoing.message['From']}")
    for label, addresses in (("To", outgoing.to), ("Cc", outgoing.cc), ("Bcc", outgoing.bcc)):
        lines += [
            f"{label + ':' if index == 0 else '':<8} {address}"
            for index, address in enumerate(addresses)
        ]
    lines.append(f"Subject: {outgoing.subject}")
    lines.append("Attachments:")
    lines += [f"  {a.filename} ({format_size(a.size)})" for a in outgoing.attachments]
    lines.append(f"Message size: {format_size(message_size(outgoing.message))}")
    if settings.host:
        login = f", as {settings.user}" if settings.user else ""
        lines.append(f"Server:  {settings.server} ({settings.security}{login})")
    click.echo("\n".join(lines))


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "folder",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for each lead's workbook and draft email (made if missing).",
)
@as_of_option
@click.option(
    "--reply-days",
    type=click.IntRange(min=1, max=366),
    default=7,
    show_default=True,
    help="Days from the as-of date to the reply-by date given to leads.",
)
@click.option(
    "--send",
    "send_now",
    is_flag=True,
    help="Also email each draft to its lead, through the mail server below.",
)
@smtp_options
@rules_option
@max_size_option
@friendly_errors
def chase(
    workbook: Path,
    folder: Path,
    as_of: dt.date | None,
    reply_days: int,
    send_now: bool,
    smtp: dict[str, str | Path | None],
    rules_path: Path | None,
    max_size: int | None,
) -> None:
    """Ask each lead for an update: a workbook of their open actions and a draft email.

    For every lead with an open (not complete) action, DIR/<lead>.xlsx holds those actions
    with the columns a lead may change unlocked and highlighted, and DIR/<lead>.eml is an
    unsent draft to the lead (address from the Distribution sheet) with it attached.
    Nothing is sent without --send. Then: boardpack collect plan.xlsx DIR -o updated.xlsx.

    \b
    Examples:
      boardpack chase plan.xlsx --out chase-november
      boardpack chase plan.xlsx --out chase-november --as-of 2026-11-23 --reply-days 10
      boardpack chase plan.xlsx --out chase-november --send \\
          --smtp-host smtp.council.gov.uk --smtp-user pmo@council.gov.uk
    """
    from generator.cycle.chase import chase as run_chase
    from generator.cycle.chase import send_requests, summary_lines

    settings = _smtp_settings(**smtp)
    progress = _progress([workbook], quiet=False)
    try:
        run = run_chase(
            workbook,
            folder,
            rules=load_rules(rules_path),
            as_of=as_of_or_today(as_of),
            reply_days=reply_days,
            sender=settings.sender,
            limits=limits_for(max_size),
            progress=progress,
        )
    finally:
        progress.done()
    for line in summary_lines(run):
        click.echo(one_line(line))  # leads' names are workbook text: a line break is shown
    if not send_now:
        if run.written:
            click.echo(
                "Nothing was sent: check the drafts and send them from your mail client, "
                "or run again with --send."
            )
        return
    if settings.user and not settings.password:
        settings = replace(settings, password=_ask_password(settings.user))
    delivery = send_requests(run, settings)
    for item, report in delivery.sent:
        click.echo(f"Sent to {item.request.address} via {report.server}.")
    for item in delivery.unaddressed:
        click.echo(one_line(f"Not sent to {item.request.lead}: no email address."), err=True)
    for item, error in delivery.failed:
        click.echo(
            one_line(f"boardpack: not sent to {item.request.lead}: {with_options(error)}"),
            err=True,
        )
    for item, uncertain in delivery.unconfirmed:
        # Only the server's answer to the message decides "not sent"; after silence it is
        # unknown, and the message says so rather than inviting a second copy.
        click.echo(
            one_line(f"boardpack: sending to {item.request.lead}: {with_options(uncertain)}"),
            err=True,
        )
    if delivery.not_tried:
        leads = ", ".join(item.request.lead for item in delivery.not_tried)
        click.echo(
            one_line(
                f"boardpack: sending stopped there, so {plural(len(delivery.not_tried), 'lead')} "
                f"{'was' if len(delivery.not_tried) == 1 else 'were'} not sent their drafts "
                f"({leads}); the drafts are in {folder}"
            ),
            err=True,
        )
    if delivery.failed or delivery.unconfirmed:
        sys.exit(EXIT_COULD_NOT_RUN)


def _smtp_settings(**options: str | Path | None) -> SmtpSettings:
    """Each setting from its option when given, else from its BOARDPACK_SMTP_* variable.

    The password comes only from BOARDPACK_SMTP_PASSWORD (or, later, a prompt): never an
    option, so it cannot leak into shell history.
    """
    from generator.deliver.mailer import smtp_settings

    chosen = {
        name: str(options[name])
        if options.get(name) is not None
        else os.environ.get(SMTP_PREFIX + variable)
        for name, variable in SMTP_ENVIRONMENT.items()
    }
    return smtp_settings(**chosen, password=os.environ.get(PASSWORD_VARIABLE, ""))


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The updated plan to write (a new file; the plan itself is never written).",
)
@as_of_option
@rules_option
@max_size_option
@friendly_errors
def collect(
    workbook: Path,
    folder: Path,
    output: Path,
    as_of: dt.date | None,
    rules_path: Path | None,
    max_size: int | None,
) -> None:
    """Apply the leads' returned workbooks to the plan, writing an updated copy.

    Only the columns a lead may change are taken, only on that lead's own actions (matched
    by Ref), and only values the rules accept; everything else in the plan is kept exactly.
    A "Changes" sheet lists every cell changed. Each refused cell is listed, and the exit
    code is 1; 0 when everything returned was applied; 2 when it could not run.

    \b
    Examples:
      boardpack collect plan.xlsx chase-november -o plan-updated.xlsx
      boardpack validate plan-updated.xlsx
    """
    from generator.cycle.collect import collect as run_collect
    from generator.cycle.collect import summary_line

    progress = _progress([workbook], quiet=False)
    try:
        run = run_collect(
            workbook,
            folder,
            output,
            rules=load_rules(rules_path),
            as_of=as_of_or_today(as_of),
            limits=limits_for(max_size),
            progress=progress,
        )
    finally:
        progress.done()
    for finding in run.refusals:
        click.echo(f"refused: {one_line(finding.describe())}")
    click.echo(summary_line(run))
    sys.exit(EXIT_FINDINGS if run.refusals else 0)
