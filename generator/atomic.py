"""Write outputs so that a failure part-way never leaves a half-written file behind.

Everything boardpack writes (report, PDF, annotated copy, draft email, new workbook) goes to a
temporary file in the destination's own folder and is then moved into place with one rename.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

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
def atomic_path(destination: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; move it into place only on success."""
    folder = destination.parent if str(destination.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{destination}: the folder {folder} does not exist")
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".part", dir=folder
        )
    except OSError as error:
        raise OutputError(f"{destination}: cannot write here ({error.strerror})") from None
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        try:
            os.chmod(temp, _mode_for(destination))
            os.replace(temp, destination)
        except OSError as error:
            raise OutputError(
                f"{destination}: cannot replace the file ({error.strerror}); "
                "is it open in another program?"
            ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def write_atomically(destination: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temp_path)`` and move the result to ``destination`` if it succeeds."""
    with atomic_path(destination) as temp:
        write(temp)


def write_bytes_atomically(destination: Path, data: bytes) -> None:
    """Write ``data`` to ``destination`` through a temporary file."""

    def write(temp: Path) -> None:
        temp.write_bytes(data)

    write_atomically(destination, write)
