"""Earlier versions of a workbook from the git repository it is kept in.

git itself does the work, through ``git rev-list`` (which commits changed the file) and
``git cat-file --batch`` (the file as each of those commits holds it), so the versions are
read straight from the repository: no checkout, no change to the working tree or the index.
Nothing here parses git's objects.

Two forms are understood after ``git:``:

- a number, ``git:5``: the last five committed versions of the file, not counting one that
  is the same as the file being reported;
- anything else is a revision range as ``git rev-list`` reads it: ``git:HEAD~3..`` (the
  commits since HEAD~3), ``git:v2026-06..main``, ``git:main`` (every version up to main).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.errors import BoardpackError

PREFIX = "git:"
_LONDON = ZoneInfo("Europe/London")
# Revision ranges are names, hashes and operators; nothing that could be read as an option
# or split into two arguments.
_RANGE = re.compile(r"[A-Za-z0-9_./~^@{}:+\-]+")
_LFS_POINTER = b"version https://git-lfs."


class GitHistoryError(BoardpackError):
    """The earlier versions cannot be taken from git (no git, no repository, a bad range)."""


@dataclass(frozen=True)
class Version:
    """The workbook as one commit holds it."""

    commit: str  # the full hash
    date: dt.date  # the commit's date in London
    content: bytes | None  # None when the version was too large to read
    size: int

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def is_lfs_pointer(self) -> bool:
        """A Git LFS pointer stands in the history where the workbook's bytes would be."""
        return self.content is not None and self.content.startswith(_LFS_POINTER)


def is_git_source(text: str) -> bool:
    return text.startswith(PREFIX)


def versions(workbook: Path, source: str, *, max_size: int) -> list[Version]:
    """The committed versions ``source`` names of ``workbook``, oldest first.

    ``source`` is "git:N" or "git:RANGE" (see the module notes). A version larger than
    ``max_size`` bytes is listed without its content. Raises GitHistoryError when git is
    missing, the workbook is not in a repository, or git does not know the range.
    """
    spec = source[len(PREFIX) :].strip()
    if not spec:
        raise GitHistoryError(
            f"{source}: say which versions, e.g. git:HEAD~3.. (the commits since HEAD~3) "
            "or git:5 (the last five versions)"
        )
    folder = workbook.resolve().parent
    top = Path(_git(folder, source, "rev-parse", "--show-toplevel").strip()).resolve()
    path = workbook.resolve().relative_to(top).as_posix()
    folder = top  # paths given to git below are from the top of the repository
    if spec.isdigit():
        count = int(spec)
        if count < 1:
            raise GitHistoryError(f"{source}: ask for at least one version, e.g. git:3")
        # One more than asked for, in case the newest is the file being reported.
        listed = _rev_list(folder, source, ["HEAD"], path, limit=count + 1)
        found = _read_versions(folder, source, listed, path, max_size)
        current = workbook.read_bytes() if workbook.is_file() else None
        if found and found[-1].content is not None and found[-1].content == current:
            found.pop()
        return found[-count:]
    if not _RANGE.fullmatch(spec) or spec.startswith("-"):
        raise GitHistoryError(
            f"{source}: not a revision range git can read; use a form such as git:HEAD~3.. "
            "or git:v2026-06..main"
        )
    listed = _rev_list(folder, source, [spec], path)
    return _read_versions(folder, source, listed, path, max_size)


def _rev_list(
    folder: Path, source: str, revisions: list[str], path: str, limit: int = 0
) -> list[tuple[str, int]]:
    """(commit, timestamp) of each commit in ``revisions`` that changed ``path``, oldest
    first; the newest ``limit`` only, when given."""
    output = _git(
        folder,
        source,
        "rev-list",
        "--timestamp",
        *([f"--max-count={limit}"] if limit else []),
        "--end-of-options",
        *revisions,
        "--",
        path,
    )
    listed = []
    for line in output.splitlines():
        stamp, _, commit = line.partition(" ")
        if stamp.isdigit() and commit:
            listed.append((commit, int(stamp)))
    listed.reverse()
    return listed


def _read_versions(
    folder: Path, source: str, listed: list[tuple[str, int]], path: str, max_size: int
) -> list[Version]:
    """Each commit's copy of ``path``, through one ``git cat-file --batch`` process.

    Sizes are asked for first (``--batch-check``), so an oversized version is never read; a
    commit that deleted the file has no copy and is passed over.
    """
    if not listed:
        return []
    names = "".join(f"{commit}:{path}\n" for commit, _ in listed).encode()
    checked = _run(folder, source, ["cat-file", "--batch-check"], names).decode().splitlines()
    wanted: list[tuple[str, int, int]] = []  # commit, timestamp, size
    for (commit, stamp), line in zip(listed, checked, strict=True):
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            wanted.append((commit, stamp, int(parts[2])))
    readable = [(commit, size) for commit, _, size in wanted if size <= max_size]
    contents = _batch_contents(folder, source, [f"{commit}:{path}" for commit, _ in readable])
    found = []
    for commit, stamp, size in wanted:
        content = contents.pop(0) if size <= max_size else None
        day = dt.datetime.fromtimestamp(stamp, _LONDON).date()
        found.append(Version(commit=commit, date=day, content=content, size=size))
    return found


def _batch_contents(folder: Path, source: str, names: list[str]) -> list[bytes]:
    """The objects named, as ``git cat-file --batch`` gives them: a header line, the bytes."""
    if not names:
        return []
    output = _run(
        folder, source, ["cat-file", "--batch"], "".join(f"{n}\n" for n in names).encode()
    )
    contents = []
    position = 0
    for _ in names:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        if len(header) != 3 or not header[2].isdigit():
            raise GitHistoryError(f"{source}: git did not give the version asked for")
        size = int(header[2])
        contents.append(output[end + 1 : end + 1 + size])
        position = end + 1 + size + 1  # the object, then the newline git ends it with
    return contents


def _git(folder: Path, source: str, *arguments: str) -> str:
    return _run(folder, source, list(arguments), b"").decode("utf-8", "replace")


def _run(folder: Path, source: str, arguments: list[str], given: bytes) -> bytes:
    """Run git in ``folder``; its failures become one-line messages about ``source``."""
    environment = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",  # never wait for a password
        "GIT_OPTIONAL_LOCKS": "0",  # reading must not take the index lock
        "LC_ALL": "C",  # git's own messages in English, to pass on
    }
    try:
        done = subprocess.run(
            ["git", *arguments],
            cwd=folder,
            input=given,
            capture_output=True,
            env=environment,
            check=False,
        )
    except FileNotFoundError:
        raise GitHistoryError(
            f"{source}: git is not installed; install git to read earlier versions from it"
        ) from None
    except OSError as error:
        raise GitHistoryError(f"{source}: git could not be run ({error.strerror})") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[0].removeprefix("fatal: ") if said else f"exit code {done.returncode}"
        if "not a git repository" in reason:
            raise GitHistoryError(
                f"{source}: {folder} is not in a git repository, so there are no earlier "
                "versions to read"
            )
        if "bad revision" in reason or "unknown revision" in reason:
            raise GitHistoryError(
                f"{source}: the repository has no revision {source[len(PREFIX) :]!r}; name a "
                "branch, tag or commit it has, e.g. git:HEAD~3.."
            )
        raise GitHistoryError(f"{source}: git could not list the versions ({reason[:200]})")
    return done.stdout
