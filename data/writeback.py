"""Early writeback for large files that are written once and then fsynced.

Every few MiB written are handed to the kernel for writing to disk at once (Linux
`sync_file_range(SYNC_FILE_RANGE_WRITE)`, asynchronous), so the disk works while the next chunks
are encoded and the closing fsync has little left to wait for. The fsync still decides
durability; where the call is missing this is a plain file.
"""

import ctypes
import sys
from collections.abc import Callable
from typing import IO, Any, Final

_SYNC_FILE_RANGE_WRITE: Final = 2
WRITEBACK_STEP: Final = 8 * 1024 * 1024
PAGE_BYTES: Final = 4096


def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function  # type: ignore[no-any-return]


_START: Final = _sync_file_range()


class WritebackFile:
    """Writes to a binary file, starting the writeback of what it wrote every WRITEBACK_STEP bytes.

    Only whole pages behind the end are handed over: a page still being appended to is left
    alone, since rewriting a page under writeback can wait for that writeback to finish.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._offset = self._started = raw.tell()

    def write(self, data: Any) -> int:
        written = self._raw.write(data)
        self._offset += written
        if _START is not None and self._offset - self._started >= WRITEBACK_STEP:
            self._raw.flush()
            end = self._offset - self._offset % PAGE_BYTES
            _START(self._raw.fileno(), self._started, end - self._started, _SYNC_FILE_RANGE_WRITE)
            self._started = end
        return written

    def flush(self) -> None:
        self._raw.flush()
