"""Progress for long runs: the core reports phases, the command line decides whether to show them.

The core calls ``progress.phase("Checking 100,000 actions")`` between steps and knows nothing
of terminals. ``NO_PROGRESS`` swallows everything (the default everywhere); ``TerminalProgress``
draws one line on a terminal, rewritten in place, and clears it when the run ends. Whether a
run deserves a display at all is ``wants_progress``'s job: only on a terminal, never in CI,
never with ``--quiet``, and only for workbooks large enough to take a noticeable time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol, TextIO

#: Workbooks larger than this on disk (about 15,000 actions) take a second or more to check,
#: long enough for a silent terminal to look stuck.
LARGE_WORKBOOK_BYTES = 1024 * 1024


class Progress(Protocol):
    """Where the core reports what it is doing."""

    def phase(self, text: str) -> None:
        """A new step has started, such as "Reading plan.xlsx"."""

    def done(self) -> None:
        """The run has finished; any display is cleared."""


class NoProgress:
    """Reports nothing: for tests, pipes, CI and small workbooks."""

    def phase(self, text: str) -> None:
        pass

    def done(self) -> None:
        pass


NO_PROGRESS: Progress = NoProgress()


class TerminalProgress:
    """One line on a terminal, "boardpack: Reading plan.xlsx (2.1s)", rewritten as steps change."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._started = clock()
        self._width = 0

    def phase(self, text: str) -> None:
        elapsed = self._clock() - self._started
        line = f"boardpack: {text} ({elapsed:.1f}s)"
        self._stream.write("\r" + line.ljust(self._width))
        self._stream.flush()
        self._width = len(line)

    def done(self) -> None:
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0


def wants_progress(
    stream: TextIO, paths: list[Path], *, quiet: bool, environ: Mapping[str, str] = os.environ
) -> bool:
    """Show progress only to a person at a terminal, and only for a long run."""
    if quiet or environ.get("CI") or not _is_terminal(stream):
        return False
    return any(_size(path) > LARGE_WORKBOOK_BYTES for path in paths)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
