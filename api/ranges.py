"""Byte ranges of downloads: the `Range` header (one range, or the whole file) and `If-Range`,
which lets a range through only while the file is still the one the client has part of.

Malformed or multi-range headers are ignored (RFC 9110 allows serving the whole file instead).
"""

import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Final

from api.errors import RangeNotSatisfiable

_SINGLE: Final = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @classmethod
    def whole(cls, size: int) -> "ByteRange":
        return cls(0, size - 1)

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


@dataclass(frozen=True)
class Validators:
    """What identifies one version of a file: a strong entity tag and its modification date."""

    etag: str  # quoted, e.g. `"9f86d0..."`
    last_modified: str  # an HTTP-date


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


def if_range_holds(header: str | None, current: Validators) -> bool:
    """Whether a `Range` may be honoured (RFC 9110 13.1.5): no `If-Range`, or one naming the
    current version by strong entity tag or exact date. Weak tags and anything else never match."""
    if header is None:
        return True
    validator = header.strip()
    if validator.startswith('"'):
        return validator == current.etag
    return _same_date(validator, current.last_modified)


def _same_date(validator: str, last_modified: str) -> bool:
    try:
        return parsedate_to_datetime(validator) == parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False
