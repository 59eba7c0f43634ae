"""What zipfile raises on a malformed archive, for every place that opens one."""

from __future__ import annotations

import struct
import zipfile
import zlib

# Besides BadZipFile: truncated streams (EOFError), bad deflate data (zlib.error), undecodable
# names (ValueError), absurd header fields (struct.error, OverflowError, IndexError) and
# features Office never uses (NotImplementedError).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    struct.error,
    OverflowError,
    NotImplementedError,
    IndexError,
)
