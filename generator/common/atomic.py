"""Write outputs so that a failure part-way never leaves a half-written file behind.

Everything boardpack writes (report, PDF, annotated copy, draft email, new workbook) goes to a
temporary file in the destination's own folder and is then moved into place with one rename.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from generator.errors import OutputError


def refuse_overwriting_input(output: Path, *inputs: Path) -> None:
    """Stop before an output would replace one of the input files."""
    for source in inputs:
        same = output.resolve() == source.resolve()
        if not same and output.exists() and source.exists():
            same = os.path.samefile(output, source)
        if same:
            raise OutputError(
                f"{output}: refusing to write over the input {source.name}; "
                "choose another output name"
            )


def _check_destination(destination: Path) -> Path:
    """The folder ``destination`` goes in, once it is clear a file can be put there."""
    folder = destination.parent if str(destination.parent) else Path(".")
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"{destination}: {folder} {what}; choose another output path")
    if destination.is_dir():
        raise OutputError(f"{destination}: is a folder; give a file name to write to")
    # Replacing a file needs only the folder's permission; a file someone marked read-only
    # (even for an administrator) is left alone, as Windows and Excel would.
    if destination.exists() and not destination.stat().st_mode & 0o222:
        raise OutputError(
            f"{destination}: the file is read-only; make it writable or choose another name"
        )
    return folder


def _mode_for(destination: Path) -> int:
    """The replaced file's permissions, or the usual ones for a new file.

    mkstemp makes files only their owner can read; a report is meant to be shared.
    """
    with contextlib.suppress(OSError):
        return destination.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(destination: Path, *, exclusive: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; move it into place only on success.

    If writing fails part-way (a full disk, a lost network drive), the temporary file is
    removed and any earlier file at ``destination`` is left exactly as it was. With
    ``exclusive``, the file is put in place only if nothing has that name by then (not even
    a dangling link): a file created meanwhile is never replaced.
    """
    folder = _check_destination(destination)
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".part", dir=folder
        )
    except OSError as error:
        raise OutputError(f"{destination}: cannot write here ({error.strerror})") from None
    os.close(handle)
    temp = Path(temp_name)
    try:
        try:
            yield temp
        except OSError as error:
            raise OutputError(
                f"{destination}: writing failed ({error.strerror or error}); "
                "nothing was changed there"
            ) from None
        try:
            os.chmod(temp, _mode_for(destination))
            if exclusive:
                _place_exclusively(temp, destination)
            else:
                os.replace(temp, destination)
        except FileExistsError:
            raise OutputError(
                f"{destination}: already exists; boardpack never overwrites it, "
                "so choose a new name"
            ) from None
        except OSError as error:
            raise OutputError(
                f"{destination}: cannot replace the file ({error.strerror}); "
                "is it open in another program?"
            ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _place_exclusively(temp: Path, destination: Path) -> None:
    """Give ``temp`` the name ``destination`` unless that name is taken, in one step.

    A hard link fails if the name exists (a dangling symlink included), where a rename
    would replace it. File systems without hard links get an exclusive create and a copy.
    """
    try:
        os.link(temp, destination)
    except FileExistsError:
        raise
    except OSError:
        with temp.open("rb") as source, open(destination, "xb") as target:
            shutil.copyfileobj(source, target)


def write_zip_atomically(
    destination: Path, save: Callable[[IO[bytes]], None], *, exclusive: bool = False
) -> None:
    """Write a zip package that ``save`` makes (openpyxl's ``Workbook.save``) through memory.

    zipfile writing straight to a file that fills up leaves a ZipFile behind whose destructor
    tries again and prints "Exception ignored in ZipFile.__del__" after the one-line message;
    built in memory, the only write that can fail is ours.
    """

    from lxml.etree import SerialisationError

    def write(temp: Path) -> None:
        buffer = io.BytesIO()
        try:
            save(buffer)
        except (OSError, SerialisationError) as error:
            # openpyxl spools each sheet through a temporary file (lxml reports a full one
            # as "IO_ENOSPC"), and leaves its ZipFile half-written when that fails.
            if isinstance(error, OSError):
                failure = OSError(error.errno, error.strerror)
            else:
                failure = OSError(f"no room for a temporary file: {error}")
            _discard_quietly(error)
            raise failure from None
        temp.write_bytes(buffer.getvalue())

    with atomic_path(destination, exclusive=exclusive) as temp:
        write(temp)


def _discard_quietly(error: BaseException) -> None:
    """Free what a failed save left behind without its destructors printing to stderr.

    A ZipFile with a member still open complains from ``__del__`` ("Exception ignored in
    ZipFile.__del__", ten lines) when it is finally collected; it is collected here, now,
    with those reports silenced, rather than after the one-line message.
    """
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        traceback.clear_frames(error.__traceback__)
        error.__traceback__ = None
        gc.collect()
    finally:
        sys.unraisablehook = hook


def write_atomically(destination: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temp_path)`` and move the result to ``destination`` if it succeeds."""
    with atomic_path(destination) as temp:
        write(temp)


def write_bytes_atomically(destination: Path, data: bytes) -> None:
    """Write ``data`` to ``destination`` through a temporary file."""

    def write(temp: Path) -> None:
        temp.write_bytes(data)

    write_atomically(destination, write)
