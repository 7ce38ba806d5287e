"""Large files written once, straight to the disk, past the page cache (Linux `O_DIRECT`).

A snapshot or an export of hundreds of MB written through the page cache costs a copy into
cache pages plus the kernel's writeback work on the same cores that encode it; written directly,
the disk reads the bytes from one aligned buffer and the cores stay with the encoding. Where the
file system refuses direct I/O (tmpfs, some network mounts) the file is written the usual way.
"""

import contextlib
import errno
import fcntl
import mmap
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

BLOCK: Final = 4096  # alignment of buffer, offset and length that direct I/O asks for
BUFFER_BYTES: Final = 8 * 1024 * 1024
_O_DIRECT: Final = getattr(os, "O_DIRECT", 0)  # not on macOS: there every file is buffered


class DirectFile:
    """Write-only, append-only; `close` writes the unaligned tail, trims the padding, fsyncs."""

    def __init__(self, fd: int, direct: bool) -> None:
        self._fd, self._direct = fd, direct
        self._buffer = mmap.mmap(-1, BUFFER_BYTES)  # page-aligned, as direct I/O needs
        self._view = memoryview(self._buffer)
        self._fill = 0
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        data = memoryview(data).cast("B")
        taken = 0
        while taken < len(data):
            room = BUFFER_BYTES - self._fill
            piece = data[taken : taken + room]
            self._view[self._fill : self._fill + len(piece)] = piece
            self._fill += len(piece)
            taken += len(piece)
            if self._fill == BUFFER_BYTES:
                self._drain(BUFFER_BYTES)
        self._size += taken
        return taken

    def flush(self) -> None:
        """Bytes not yet a whole block stay buffered until `close`."""

    def close(self) -> None:
        """Write what is left (padded to a block, then trimmed), fsync, close."""
        try:
            if self._fill:
                padded = -(-self._fill // BLOCK) * BLOCK
                self._view[self._fill : padded] = bytes(padded - self._fill)
                self._drain(padded)
                os.ftruncate(self._fd, self._size)
            os.fsync(self._fd)
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Close without writing what is buffered (the caller discards the file)."""
        self._view.release()
        with contextlib.suppress(BufferError):  # a traceback may hold a slice: GC frees it later
            self._buffer.close()
        with contextlib.suppress(OSError):
            os.close(self._fd)

    def _drain(self, length: int) -> None:
        written = 0
        while written < length:
            try:
                written += os.write(self._fd, self._view[written:length])
            except OSError as exc:
                if not (self._direct and exc.errno == errno.EINVAL):
                    raise
                self._buffered()  # opened direct but refused at the first write: go buffered
        self._fill = 0

    def _buffered(self) -> None:
        flags = fcntl.fcntl(self._fd, fcntl.F_GETFL)
        fcntl.fcntl(self._fd, fcntl.F_SETFL, flags & ~_O_DIRECT)
        self._direct = False


def _open_fd(path: Path) -> tuple[int, bool]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    if _O_DIRECT:
        try:
            return os.open(path, flags | _O_DIRECT, 0o644), True
        except OSError as exc:
            if exc.errno != errno.EINVAL:  # EINVAL: this file system has no direct I/O
                raise
    return os.open(path, flags, 0o644), False


@contextlib.contextmanager
def direct_file(path: Path) -> Iterator[DirectFile]:
    """A new file at `path` (truncated if it exists), durable on disk when the block ends."""
    out = DirectFile(*_open_fd(path))
    try:
        yield out
    except BaseException:
        out.abandon()
        raise
    out.close()
