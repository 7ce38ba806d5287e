"""A file of an object store read by range requests through a bounded cache of its blocks.

Parquet readers seek to the footer, then to the column chunks of the row groups they want: each
read becomes ranged GETs of whole BLOCK_BYTES blocks, and the blocks stay in one LRU under a byte
budget shared by every file of the store. A snapshot never changes, so a block kept under its
path is never stale. A budget of 0 keeps nothing (every read goes to the store).
"""

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import pyarrow as pa
import pyarrow.fs as pafs
from cachetools import LRUCache

BLOCK_BYTES: Final = 1 << 20  # about three row groups of results.parquet in one request
SIZES_KEPT: Final = 4096  # object sizes remembered (saves a HEAD per open)

BlockKey = tuple[str, int]  # path in the filesystem, block number


class BlockCache:
    """Blocks of remote files, least recently read dropped first; safe across threads."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget_bytes = budget_bytes
        self._blocks: LRUCache[BlockKey, bytes] = LRUCache(max(budget_bytes, 1), len)
        self._sizes: LRUCache[str, int] = LRUCache(SIZES_KEPT)
        self._lock = threading.Lock()

    def block(self, key: BlockKey) -> bytes | None:
        with self._lock:
            return self._blocks.get(key)

    def keep(self, key: BlockKey, data: bytes) -> None:
        if 0 < len(data) <= self.budget_bytes:
            with self._lock:
                self._blocks[key] = data

    def size(self, path: str) -> int | None:
        with self._lock:
            return self._sizes.get(path)

    def keep_size(self, path: str, size: int) -> None:
        with self._lock:
            self._sizes[path] = size

    @property
    def nbytes(self) -> int:
        with self._lock:
            return int(self._blocks.currsize)


@dataclass(frozen=True)
class RemoteFile:
    """Where a remote file is and the cache its blocks go through; opened by `open_remote`."""

    filesystem: pafs.FileSystem
    path: str
    cache: BlockCache = field(compare=False)
    # Hears each request made to the store: "head" on open, "get" per ranged read.
    note_request: Callable[[str], None] = field(default=lambda _: None, compare=False)


def open_remote(remote: RemoteFile) -> pa.PythonFile:
    """A seekable read-only file over `remote` (FileNotFoundError when it is absent)."""
    return pa.PythonFile(_BlockReader(remote), mode="r")


class _BlockReader(io.RawIOBase):
    """Reads served from cached blocks; the missing blocks of one read are one ranged GET."""

    def __init__(self, remote: RemoteFile) -> None:
        super().__init__()
        self._remote = remote
        self._source: pa.NativeFile | None = None
        size = remote.cache.size(remote.path)
        if size is None:
            size = self._open().size()
            remote.cache.keep_size(remote.path, size)
        self._size = size
        self._position = 0

    def _open(self) -> pa.NativeFile:
        if self._source is None:
            self._remote.note_request("head")  # the size, asked when the file is opened
            self._source = self._remote.filesystem.open_input_file(self._remote.path)
        return self._source

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def size(self) -> int:
        return self._size

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        stop = self._size if size is None or size < 0 else min(self._size, start + size)
        if start >= stop:
            return b""
        first, last = start // BLOCK_BYTES, (stop - 1) // BLOCK_BYTES
        blocks = self._blocks(first, last)
        joined = b"".join(blocks)
        self._position = stop
        offset = start - first * BLOCK_BYTES
        return joined[offset : offset + stop - start]

    def _blocks(self, first: int, last: int) -> list[bytes]:
        """Blocks first..last, the missing ones fetched in one ranged read and kept."""
        cache, path = self._remote.cache, self._remote.path
        found = [cache.block((path, n)) for n in range(first, last + 1)]
        missing = [first + i for i, block in enumerate(found) if block is None]
        if missing:
            low, high = missing[0], missing[-1]
            start = low * BLOCK_BYTES
            stop = min(self._size, (high + 1) * BLOCK_BYTES)
            source = self._open()
            self._remote.note_request("get")
            data = bytes(source.read_at(stop - start, start))
            for n in range(low, high + 1):
                block = data[(n - low) * BLOCK_BYTES : (n - low + 1) * BLOCK_BYTES]
                if found[n - first] is None:
                    found[n - first] = block
                cache.keep((path, n), block)
        return [block or b"" for block in found]

    def close(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None
        super().close()
