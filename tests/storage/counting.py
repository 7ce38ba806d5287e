"""A pyarrow filesystem that counts the bytes read through it, per file, for pruning tests."""

from collections import Counter
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs


class _CountedFile:
    """A file-like reader that adds every byte it returns to the owner's count."""

    closed = False

    def __init__(self, inner: pa.NativeFile, path: str, counts: Counter[str]) -> None:
        self._inner, self._path, self._counts = inner, path, counts

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._counts[self._path] += len(data)
        return bytes(data)

    def seek(self, position: int, whence: int = 0) -> int:
        return self._inner.seek(position, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def size(self) -> int:
        return self._inner.size()

    def close(self) -> None:
        self._inner.close()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True


class CountingHandler(pafs.FileSystemHandler):
    """Reads pass through to `inner` and are counted in `bytes_read`; writes are refused."""

    def __init__(self, inner: pafs.FileSystem) -> None:
        self.inner = inner
        self.bytes_read: Counter[str] = Counter()

    def get_type_name(self) -> str:
        return "counting"

    def normalize_path(self, path: str) -> str:
        return self.inner.normalize_path(path)

    def get_file_info(self, paths: list[str]) -> list[pafs.FileInfo]:
        return self.inner.get_file_info(paths)

    def get_file_info_selector(self, selector: pafs.FileSelector) -> list[pafs.FileInfo]:
        return self.inner.get_file_info(selector)

    def open_input_file(self, path: str) -> pa.NativeFile:
        counted = _CountedFile(self.inner.open_input_file(path), path, self.bytes_read)
        return pa.PythonFile(counted, mode="r")

    def open_input_stream(self, path: str) -> pa.NativeFile:
        return self.open_input_file(path)

    def _refuse(self, *args: Any) -> None:
        raise NotImplementedError("the counting filesystem only reads")

    create_dir = delete_dir = delete_dir_contents = delete_root_dir_contents = _refuse
    delete_file = move = copy_file = open_output_stream = open_append_stream = _refuse


def counting(inner: pafs.FileSystem) -> tuple[pafs.FileSystem, CountingHandler]:
    """`inner` wrapped so that every byte read is counted; the handler holds the counts."""
    handler = CountingHandler(inner)
    return pafs.PyFileSystem(handler), handler
