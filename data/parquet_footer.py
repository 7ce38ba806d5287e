"""The Parquet footer as editable data: a reader and writer of the Thrift compact protocol.

Decoding then encoding a footer gives back its exact bytes, so a file assembled from already
encoded row groups gets the footer a single writer would have written.
"""

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeAlias

from data.errors import ParquetFooterError

MAGIC: Final = b"PAR1"
_TAIL: Final = struct.Struct("<I4s")  # footer length, then the magic

# Compact-protocol type codes (the Thrift spec numbers them this way); STOP ends a struct.
STOP = 0
TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(1, 13)
_INTEGERS: Final = (I16, I32, I64)


@dataclass
class ThriftList:
    element_type: int
    items: list["Value"]


@dataclass(frozen=True)
class Encoded:
    """A value already in compact-protocol bytes (a struct, say), written out as it is."""

    data: bytes


@dataclass
class Field:
    id: int
    type: int
    value: "Value"


Struct: TypeAlias = list[Field]
Value: TypeAlias = bool | int | bytes | ThriftList | Struct | Encoded
ReadAt: TypeAlias = Callable[[int, int], bytes | memoryview]  # (offset, size) -> those bytes


def read_footer(data: bytes | memoryview) -> tuple[Struct, int]:
    """The FileMetaData of a whole Parquet file's bytes, and the offset where the footer starts."""
    view = memoryview(data).cast("B")  # unsigned bytes whatever the exporter's format (Arrow: "b")
    return read_footer_at(lambda at, size: view[at : at + size], len(view))


def read_footer_at(read_at: ReadAt, file_size: int) -> tuple[Struct, int]:
    """The FileMetaData of a Parquet file of `file_size` bytes read through `read_at`."""
    start, length = footer_span(read_at, file_size)
    footer, end = decode_struct(memoryview(read_at(start, length)).cast("B"), 0)
    if end != length:
        raise ParquetFooterError("the Parquet footer does not end where its length says")
    return footer, start


def footer_span(read_at: ReadAt, file_size: int) -> tuple[int, int]:
    """Where the serialized FileMetaData of a Parquet file starts, and its length."""
    if file_size < 12 or bytes(read_at(0, 4)) != MAGIC:
        raise ParquetFooterError("not a Parquet file: the leading magic is missing")
    length, magic = _TAIL.unpack(read_at(file_size - _TAIL.size, _TAIL.size))
    start = file_size - _TAIL.size - length
    if magic != MAGIC or start < 4:
        raise ParquetFooterError("not a Parquet file: the footer length or magic is wrong")
    return start, length


def footer_bytes(footer: Struct) -> bytes:
    """The serialized footer followed by its length and the closing magic."""
    out = bytearray()
    _write_struct(out, footer)
    return bytes(out) + _TAIL.pack(len(out), MAGIC)


def field(struct_: Struct, field_id: int) -> Field | None:
    return next((f for f in struct_ if f.id == field_id), None)


def decode_struct(data: bytes | memoryview, pos: int) -> tuple[Struct, int]:
    fields: Struct = []
    field_id = 0
    try:
        while True:
            field_id, kind, pos = field_header(data, pos, field_id)
            if kind == STOP:
                return fields, pos
            value, pos = _read_value(data, pos, kind)
            fields.append(Field(field_id, kind, value))
    except IndexError:
        raise ParquetFooterError("the Parquet footer is cut short") from None


def field_header(data: bytes | memoryview, pos: int, last_id: int) -> tuple[int, int, int]:
    """The id and type of the field whose header is at `pos` (after field `last_id`), and
    where its value starts; type STOP (and the position after it) at the end of a struct."""
    header = data[pos]
    if header == STOP:
        return last_id, STOP, pos + 1
    if header >> 4:  # a small step from the last id, kept in the header
        return last_id + (header >> 4), header & 0x0F, pos + 1
    raw, end = read_varint(data, pos + 1)
    return unzigzag(raw), header & 0x0F, end


def _read_value(data: bytes | memoryview, pos: int, kind: int) -> tuple[Value, int]:
    if kind in (TRUE, FALSE):
        return kind == TRUE, pos
    if kind == BYTE:
        return data[pos], pos + 1
    if kind in _INTEGERS:
        raw, pos = read_varint(data, pos)
        return unzigzag(raw), pos
    if kind == DOUBLE:
        return bytes(data[pos : pos + 8]), pos + 8
    if kind == BINARY:
        size, pos = read_varint(data, pos)
        return bytes(data[pos : pos + size]), pos + size
    if kind in (LIST, SET):
        return _read_list(data, pos)
    if kind == STRUCT:
        return decode_struct(data, pos)
    raise ParquetFooterError(f"the Parquet footer holds an unsupported Thrift type {kind}")


def _read_list(data: bytes | memoryview, pos: int) -> tuple[ThriftList, int]:
    size, element_type, pos = list_header(data, pos)
    # Booleans in a list are one byte each; they are kept as that byte so it is written back as is.
    kind = BYTE if element_type in (TRUE, FALSE) else element_type
    items: list[Value] = []
    for _ in range(size):
        item, pos = _read_value(data, pos, kind)
        items.append(item)
    return ThriftList(element_type, items), pos


def list_header(data: bytes | memoryview, pos: int) -> tuple[int, int, int]:
    """A list's size and element type, and where its first element starts."""
    header = data[pos]
    size, element_type, pos = header >> 4, header & 0x0F, pos + 1
    if size == 15:
        size, pos = read_varint(data, pos)
    return size, element_type, pos


def read_varint(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def unzigzag(raw: int) -> int:
    return (raw >> 1) ^ -(raw & 1)


def _write_struct(out: bytearray, fields: Struct) -> None:
    last = 0
    for f in fields:
        kind = (TRUE if f.value else FALSE) if f.type in (TRUE, FALSE) else f.type
        delta = f.id - last
        if 0 < delta <= 15:
            out.append(delta << 4 | kind)
        else:
            out.append(kind)
            write_varint(out, zigzag(f.id))
        if kind not in (TRUE, FALSE):
            _write_value(out, kind, f.value)
        last = f.id
    out.append(0)


def _write_value(out: bytearray, kind: int, value: Value) -> None:
    if isinstance(value, Encoded):
        out += value.data
    elif isinstance(value, ThriftList):
        _write_list(out, value)
    elif isinstance(value, list):
        _write_struct(out, value)
    elif isinstance(value, bytes):
        if kind == BINARY:
            write_varint(out, len(value))
        out += value  # a DOUBLE is kept as its 8 raw bytes
    elif kind == BYTE:
        out.append(value)
    else:
        write_varint(out, zigzag(value))


def _write_list(out: bytearray, value: ThriftList) -> None:
    size, element_type = len(value.items), value.element_type
    if size < 15:
        out.append(size << 4 | element_type)
    else:
        out.append(0xF0 | element_type)
        write_varint(out, size)
    kind = BYTE if element_type in (TRUE, FALSE) else element_type
    for item in value.items:
        _write_value(out, kind, item)


def write_varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 63)
