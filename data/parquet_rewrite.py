"""Thrift compact structures copied as bytes, with chosen integer fields re-encoded on the way.

Moving a row group to another place in a file changes a few offsets in its footer entry and
nothing else. Decoding the entry into values and encoding it again costs a Python object per
field; this walks the bytes once, copies the spans between the changed integers and writes only
those integers anew. Field headers hold id deltas, not positions, so they stay valid as they are.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from data.errors import ParquetFooterError
from data.parquet_footer import (
    BINARY,
    BYTE,
    DOUBLE,
    FALSE,
    I16,
    I32,
    I64,
    LIST,
    SET,
    STOP,
    STRUCT,
    TRUE,
    field_header,
    list_header,
    read_varint,
    unzigzag,
    write_varint,
    zigzag,
)

_INTEGERS: Final = (I16, I32, I64)


@dataclass(frozen=True)
class Rules:
    """What changes inside one struct; every field not named here is copied as it is."""

    integers: Mapping[int, Callable[[int], int]] = field(default_factory=dict)
    structs: Mapping[int, "Rules"] = field(default_factory=dict)  # a struct, or a list of them
    refused: Mapping[int, str] = field(default_factory=dict)  # field id -> why it cannot move


class Rewriter:
    """Rewrites the structs of one buffer, one at a time."""

    def __init__(self, data: bytes | memoryview) -> None:
        self.data = memoryview(data).cast("B")
        self._pieces: list[bytes | bytearray | memoryview] = []
        self._copied = 0

    def struct(self, pos: int, rules: Rules) -> tuple[bytes, int]:
        """The struct starting at `pos` rewritten by `rules`, and where it ends in the buffer."""
        self._pieces, self._copied = [], pos
        try:
            end = self._struct(pos, rules)
        except IndexError:
            raise ParquetFooterError("the Parquet footer is cut short") from None
        self._pieces.append(self.data[self._copied : end])
        return b"".join(self._pieces), end

    def _struct(self, pos: int, rules: Rules) -> int:
        data, field_id = self.data, 0
        while True:
            field_id, kind, pos = field_header(data, pos, field_id)
            if kind == STOP:
                return pos
            if field_id in rules.refused:
                raise ParquetFooterError(rules.refused[field_id])
            change = rules.integers.get(field_id)
            inner = rules.structs.get(field_id)
            if change is not None and kind in _INTEGERS:
                raw, end = read_varint(data, pos)
                changed = bytearray()
                write_varint(changed, zigzag(change(unzigzag(raw))))
                self._pieces += (data[self._copied : pos], changed)
                self._copied = pos = end
            elif inner is not None and kind == STRUCT:
                pos = self._struct(pos, inner)
            elif inner is not None and kind in (LIST, SET):
                size, element, pos = list_header(data, pos)
                for _ in range(size):
                    pos = (
                        self._struct(pos, inner) if element == STRUCT else skip(data, pos, element)
                    )
            else:
                pos = skip(data, pos, kind)


def skip(data: memoryview, pos: int, kind: int) -> int:
    """Where the value of type `kind` starting at `pos` ends."""
    if kind in _INTEGERS:
        while data[pos] & 0x80:
            pos += 1
        return pos + 1
    if kind == BINARY:
        size, pos = read_varint(data, pos)
        return pos + size
    if kind == STRUCT:
        field_id = 0
        while True:
            field_id, kind, pos = field_header(data, pos, field_id)
            if kind == STOP:
                return pos
            pos = skip(data, pos, kind)
    if kind in (LIST, SET):
        size, element, pos = list_header(data, pos)
        if element in (TRUE, FALSE, BYTE):
            return pos + size
        for _ in range(size):
            pos = skip(data, pos, element)
        return pos
    if kind in (TRUE, FALSE):  # a field's boolean lives in its header
        return pos
    if kind == BYTE:
        return pos + 1
    if kind == DOUBLE:
        return pos + 8
    raise ParquetFooterError(f"the Parquet footer holds an unsupported Thrift type {kind}")
