"""The earlier boards a report looks back on: found, read once, put in order.

They come from earlier workbooks (files, or every workbook in a folder) or from the earlier
versions of the workbook in its git repository (``git:HEAD~3..``, ``git:5``). Each is read
once, and only for what the report's history needs: the actions' Ref, Section, Action,
Status and due dates, the sections' order, the Report sheet's Meeting date and the measures.
Nothing else in an earlier workbook is parsed or checked.

Order: by the Report sheet's Meeting date; when any earlier workbook has none, by file name
(git versions by commit). A board is a Meeting date: several workbooks with the same one
stand for one board, the last of them in that order. A workbook that cannot be read, or
whose Meeting date is not before this report's, is left out with a warning naming it. The
workbook being reported is never its own earlier board.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.check.validate import validate
from generator.common.plurals import word_for
from generator.common.progress import NO_PROGRESS, Progress
from generator.common.sizes import format_size
from generator.common.ukdates import uk_date
from generator.errors import BoardpackError, FileNotReadable
from generator.model.build import build_plan
from generator.model.history import Board
from generator.model.plan import Plan
from generator.pipeline import file_sha256
from generator.read import git_history
from generator.read.guard import DEFAULT_LIMITS, Limits, inspect_workbook
from generator.read.workbook import read_workbook
from generator.schema.fields import ACTIONS, MEASURES, REPORT, SECTIONS
from generator.schema.rules import Rules

#: The columns an earlier board is read for; nothing else in it is parsed.
NEEDED_COLUMNS = {
    ACTIONS.sheet: tuple(
        column.name
        for column in (
            ACTIONS.ref,
            ACTIONS.section,
            ACTIONS.action,
            ACTIONS.status,
            ACTIONS.due_date,
            ACTIONS.revised_due_date,
        )
    ),
    SECTIONS.sheet: (SECTIONS.name.name,),
    REPORT.sheet: (REPORT.field.name, REPORT.value.name),
    MEASURES.sheet: tuple(
        column.name
        for column in (
            MEASURES.name,
            MEASURES.section,
            MEASURES.unit,
            MEASURES.target,
            MEASURES.current,
            MEASURES.better,
        )
    ),
}
#: Files in a folder that are read as earlier workbooks (by suffix, in any case).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_DIGITS = re.compile(r"(\d+)")
_SHOWN_AT_MOST = 5


Source = Path | str


@dataclass
class EarlierBoards:
    """The earlier boards in order, oldest first, and what was left out and why."""

    boards: list[Board] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def last(self) -> Board | None:
        """The board of the last report: what "changes since the last report" compares with."""
        return self.boards[-1] if self.boards else None


@dataclass(frozen=True)
class _Candidate:
    """A workbook that may be an earlier board, before it is read."""

    label: str  # the file name, or name@commit
    where: str  # how messages name it: the path as given, or name@commit
    order: tuple  # its place when boards are put in order by name (or commit)
    path: Path | None = None  # a file on disk ...
    content: bytes | None = None  # ... or a version's bytes from git
    from_git: bool = False
    named: bool = False  # given by name, not found in a folder or in git
    refused: str = ""  # why it cannot be read at all, known before reading


@dataclass
class _Read:
    candidate: _Candidate
    plan: Plan

    @property
    def date(self) -> dt.date | None:
        return self.plan.report.meeting_date


def history_rules(rules: Rules) -> Rules:
    """The rules cut down to what an earlier board is read for: NEEDED_COLUMNS, no checks."""
    sheets = {}
    for name, wanted in NEEDED_COLUMNS.items():
        spec = rules.sheets.get(name)
        if spec is None:
            continue
        columns = {
            column: replace(spec.columns[column], checks=())
            for column in wanted
            if column in spec.columns
        }
        sheets[name] = replace(spec, columns=columns)
    return replace(rules, sheets=sheets, row_rules=[], table_rules=[])


def read_earlier_plan(
    path: Path, rules: Rules, *, label: str, limits: Limits = DEFAULT_LIMITS
) -> Plan:
    """An earlier board's plan, read for its history alone (``rules`` from history_rules).

    The workbook passes the same front door as any other; its cells are parsed as
    validation parses them, but no rule is checked. Raises if it cannot be read.
    """
    inspection = inspect_workbook(path, limits)
    workbook = read_workbook(path, rules, fmt=inspection.kind.value)
    # No row rule runs, so the as-of date plays no part.
    validated = validate(workbook, rules, dt.date.today(), file_label=label)
    plan = build_plan(validated, rules)
    plan.source_name = label
    return plan


def read_earlier_boards(
    sources: Sequence[Source],
    *,
    workbook: Path,
    current: Plan,
    rules: Rules,
    as_of: dt.date,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = NO_PROGRESS,
) -> EarlierBoards:
    """Every earlier board ``sources`` name, read and put in order (see the module notes).

    ``current`` is the plan being reported (from ``workbook``). Raises for a source that
    names nothing (no such file or folder) or git history that cannot be listed; a workbook
    that cannot be read is left out with a warning.
    """
    result = EarlierBoards()
    cut_down = history_rules(rules)
    current_sha = current.source_sha256 or file_sha256(workbook)
    seen: set[str] = {current_sha}
    read: list[_Read] = []
    candidates = list(_candidates(sources, workbook, limits, result))
    for number, candidate in enumerate(candidates, 1):
        progress.phase(f"Reading earlier board {number} of {len(candidates)}: {candidate.label}")
        if candidate.refused:
            result.warnings.append(
                f"earlier workbook left out: {candidate.where}: {candidate.refused}"
            )
            continue
        if candidate.path is not None:
            digest = file_sha256(candidate.path)
        else:
            digest = hashlib.sha256(candidate.content or b"").hexdigest()
        if digest in seen:
            if digest == current_sha and not candidate.from_git:
                _same_as_current(result, candidate, workbook)
            continue  # the same workbook met twice is one board
        seen.add(digest)
        plan = _read(candidate, cut_down, limits, result)
        if plan is not None:
            plan.source_sha256 = digest
            read.append(_Read(candidate, plan))
    result.boards = _in_order(read, current, as_of, result)
    return result


def _same_as_current(result: EarlierBoards, candidate: _Candidate, workbook: Path) -> None:
    """A copy of the workbook being reported is no earlier board; only a folder's own copy of
    the very file passes without a word."""
    if candidate.path is not None and not candidate.named:
        try:
            if candidate.path.samefile(workbook):
                return
        except OSError:
            pass
    result.warnings.append(
        f"earlier workbook left out: {candidate.where}: it is the same as {workbook.name}, "
        "the workbook being reported"
    )


def _read(
    candidate: _Candidate, rules: Rules, limits: Limits, result: EarlierBoards
) -> Plan | None:
    """The candidate's plan, or None with a warning saying why it was left out."""
    if candidate.path is not None:
        try:
            return read_earlier_plan(candidate.path, rules, label=candidate.label, limits=limits)
        except BoardpackError as error:
            result.warnings.append(f"earlier workbook left out: {_named(error, candidate)}")
            return None
    suffix = Path(candidate.label.partition("@")[0]).suffix
    with tempfile.TemporaryDirectory(prefix="boardpack-") as folder:
        path = Path(folder) / f"version{suffix}"
        path.write_bytes(candidate.content or b"")
        try:
            return read_earlier_plan(path, rules, label=candidate.label, limits=limits)
        except BoardpackError as error:
            reason = str(error).replace(str(path), candidate.where)
            result.warnings.append(f"earlier workbook left out: {reason}")
            return None


def _named(error: BoardpackError, candidate: _Candidate) -> str:
    """The error's message, which names the file, or the file's name and the message."""
    message = str(error)
    return message if message.startswith(candidate.where) else f"{candidate.where}: {message}"


def _candidates(
    sources: Sequence[Source], workbook: Path, limits: Limits, result: EarlierBoards
) -> Iterator[_Candidate]:
    """Every workbook the sources name; a source that names none is a warning."""
    for source in sources:
        text = str(source)
        if isinstance(source, str) and git_history.is_git_source(text):
            found = list(_git_candidates(text, workbook, limits))
            if not found:
                result.warnings.append(
                    f"{text}: git has no earlier version of {workbook.name} in that range"
                )
            yield from found
            continue
        path = Path(source)
        if path.is_dir():
            found = list(_folder_candidates(path))
            if not found:
                result.warnings.append(
                    f"{text}: the folder holds no workbooks "
                    f"({', '.join(WORKBOOK_SUFFIXES)}), so no earlier board was read from it"
                )
            yield from found
        elif path.exists():
            yield _Candidate(path.name, text, _name_order(path.name), path=path, named=True)
        else:
            raise FileNotReadable(f"{text}: no such earlier workbook or folder")


def _folder_candidates(folder: Path) -> Iterator[_Candidate]:
    """The workbooks in a folder (not in folders inside it); Excel's "~$" lock files and
    hidden files are passed over, as are files of other kinds (the reports themselves)."""
    try:
        entries = sorted(folder.iterdir(), key=lambda entry: _name_order(entry.name))
    except OSError as error:
        raise FileNotReadable(f"{folder}: the folder cannot be read ({error.strerror})") from None
    for entry in entries:
        name = entry.name
        if name.startswith(("~$", ".")) or entry.suffix.lower() not in WORKBOOK_SUFFIXES:
            continue
        if entry.is_file():
            yield _Candidate(name, str(entry), _name_order(name), path=entry)


def _git_candidates(source: str, workbook: Path, limits: Limits) -> Iterator[_Candidate]:
    found = git_history.versions(workbook, source, max_size=limits.max_size)
    for position, version in enumerate(found):
        label = f"{workbook.name}@{version.short}"
        where = f"{label} (committed {uk_date(version.date)})"
        refused = ""
        if version.content is None:
            refused = (
                f"at {format_size(version.size)} it is larger than the size limit "
                f"({format_size(limits.max_size)})"
            )
        elif version.is_lfs_pointer:
            refused = (
                "git holds a Git LFS pointer for it, not the workbook; earlier versions "
                "kept in Git LFS cannot be read from the history"
            )
        yield _Candidate(
            label, where, (1, position), content=version.content, from_git=True, refused=refused
        )


def _name_order(name: str) -> tuple:
    """Natural order of file names, so "board-2" comes before "board-10" and "oct" before
    "oct-v2"."""
    path = Path(name.casefold())
    parts = _DIGITS.split(path.stem)
    natural = tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts if part)
    return (0, natural, path.suffix)


def _in_order(
    read: list[_Read], current: Plan, as_of: dt.date, result: EarlierBoards
) -> list[Board]:
    """The boards in order; later-dated and same-board workbooks left out with warnings."""
    if not read:
        return []
    dated = all(item.date is not None for item in read)
    if dated:
        read.sort(key=lambda item: (item.date, item.candidate.order))
    else:
        read.sort(key=lambda item: item.candidate.order)
        if len(read) > 1:
            undated = [item.candidate.where for item in read if item.date is None]
            by = "commit" if all(item.candidate.from_git for item in read) else "file name"
            result.warnings.append(
                f"earlier workbooks put in order by {by}, as "
                f"{_listed(undated)} {word_for(len(undated), 'has', 'have')} no Meeting date "
                "on a Report sheet"
            )
    this_board = current.report.meeting_date
    later: list[str] = []
    kept: list[_Read] = []
    for item in read:
        date = item.date
        if date is not None and (date >= this_board if this_board is not None else date > as_of):
            if item.candidate.from_git and date == this_board:
                continue  # versions committed while this board's report was prepared
            later.append(f"{item.candidate.where} ({uk_date(date)})")
            continue
        kept.append(item)
    if later:
        limit = (
            f"this report's Meeting date, {uk_date(this_board)}"
            if this_board is not None
            else f"the as-of date, {uk_date(as_of)}"
        )
        result.warnings.append(
            f"earlier workbooks left out: {_listed(later)}: their Meeting date is not "
            f"before {limit}"
        )
    boards: list[Board] = []
    replaced: list[str] = []
    for item in kept:
        board = Board(item.plan, item.candidate.label, item.date)
        if boards and board.date is not None and boards[-1].date == board.date:
            left_out = boards.pop()
            if not item.candidate.from_git:
                replaced.append(f"{left_out.label} (by {board.label})")
        boards.append(board)
    if replaced:
        result.warnings.append(
            "earlier workbooks left out for another with the same Meeting date, later by "
            f"name: {_listed(replaced)}"
        )
    return boards


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_SHOWN_AT_MOST])
    more = len(names) - _SHOWN_AT_MOST
    return f"{shown} and {more} more" if more > 0 else shown
