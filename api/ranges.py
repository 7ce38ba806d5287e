"""The `Range` request header for downloads: one byte range, or the whole file.

Malformed or multi-range headers are ignored (RFC 9110 allows serving the whole file instead).
"""

import re
from dataclasses import dataclass
from typing import Final

from api.errors import RangeNotSatisfiable

_SINGLE: Final = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range to send, None for the whole file; RangeNotSatisfiable past the end."""
    match = _SINGLE.fullmatch(header.strip()) if header else None
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # a suffix: the last N bytes
        length = min(int(last), size)
        if length == 0:
            raise RangeNotSatisfiable(size)
        return ByteRange(size - length, size - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # an invalid range is ignored, not refused
    if start >= size:
        raise RangeNotSatisfiable(size)
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)
