"""Parquet files assembled from column chunks that are already encoded, without decoding them.

Row groups encoded on several threads become one file, and an export copies the column chunks
it keeps from results.parquet. The footer comes from a template: the footer pyarrow writes for
an empty file of the output schema, with the moved row groups listed in it.
"""

from collections.abc import Callable, Sequence
from typing import Final, Protocol

from data.errors import ParquetFooterError
from data.parquet_footer import (
    LIST,
    MAGIC,
    STOP,
    STRUCT,
    Encoded,
    Field,
    ReadAt,
    Struct,
    ThriftList,
    field,
    field_header,
    footer_bytes,
    footer_span,
    list_header,
    read_footer,
    read_varint,
    unzigzag,
)
from data.parquet_rewrite import Rewriter, Rules, skip

# Field ids of parquet.thrift.
FILE_NUM_ROWS, FILE_ROW_GROUPS = 3, 4
GROUP_COLUMNS, GROUP_BYTES, GROUP_ROWS, GROUP_OFFSET, GROUP_COMPRESSED, GROUP_ORDINAL = (
    1, 2, 3, 5, 6, 7
)  # fmt: skip
CHUNK_FILE_OFFSET, CHUNK_META = 2, 3
META_UNCOMPRESSED, META_COMPRESSED, META_DATA_PAGE, META_INDEX_PAGE, META_DICTIONARY_PAGE = (
    6, 7, 9, 10, 11
)  # fmt: skip
_META_OFFSETS: Final = (META_DATA_PAGE, META_INDEX_PAGE, META_DICTIONARY_PAGE)
# Byte ranges stored outside the column chunk itself (page indexes, bloom filters): not movable.
_CHUNK_ELSEWHERE: Final = (4, 6)
_META_ELSEWHERE: Final = (14,)
_CANNOT_MOVE: Final = "column chunks with page indexes or bloom filters cannot move"


class Sink(Protocol):
    def write(self, data: bytes | memoryview, /) -> int: ...


class Splicer:
    """Writes the magic, then column chunks as they come, then one footer listing them all."""

    def __init__(self, sink: Sink, template: bytes) -> None:
        self._sink = sink
        self._footer, _ = read_footer(template)
        self._groups: list[Struct | Encoded] = []
        self._rows = 0
        self._position = len(MAGIC)
        sink.write(MAGIC)

    def add_file(self, data: bytes | memoryview) -> None:
        """Append every row group of a complete Parquet file (given as its bytes).

        Its pages are copied in one piece and its footer entries rewritten as bytes: only the
        offsets move, so nothing else of the footer is decoded.
        """
        view = memoryview(data).cast("B")
        start, _ = footer_span(lambda at, size: view[at : at + size], len(view))
        rows, groups = _moved_groups(view, start, self._position - len(MAGIC), len(self._groups))
        self._sink.write(view[len(MAGIC) : start])
        self._position += start - len(MAGIC)
        self._groups += groups
        self._rows += rows

    def add_row_group(
        self, group: Struct, read_at: ReadAt, columns: Sequence[int] | None = None
    ) -> None:
        """Copy a row group's column chunks (all, or those at `columns`) and list them.

        The template's schema must have exactly the columns copied, in this order.
        """
        chunks = column_chunks(group)
        kept = [chunks[i] for i in columns] if columns is not None else chunks
        start = self._position
        for chunk in kept:
            self._copy_chunk(chunk, read_at)
        self._groups.append(_moved_group(group, kept, start, len(self._groups)))
        self._rows += _int(group, GROUP_ROWS)

    def close(self) -> None:
        """Write the footer: the template's, with these row groups and their row count."""
        footer = [_replaced(f, self._rows, self._groups) for f in self._footer]
        self._sink.write(footer_bytes(footer))

    def _copy_chunk(self, chunk: Struct, read_at: ReadAt) -> None:
        start, size = chunk_range(chunk)
        data = read_at(start, size)
        if len(data) != size:
            raise ParquetFooterError(f"a column chunk at {start} is cut short")
        self._sink.write(data)
        _shift_chunk(chunk, self._position - start)
        self._position += size


def _moved_groups(
    footer: memoryview, start: int, by: int, ordinal: int
) -> tuple[int, list[Encoded]]:
    """The row count and row group entries of the footer at `start`, moved `by` bytes later."""
    rewriter, chunk = Rewriter(footer), _moved_chunk_rules(by)
    groups: list[Encoded] = []
    rows, field_id, pos = 0, 0, start
    try:
        while True:
            field_id, kind, pos = field_header(footer, pos, field_id)
            if kind == STOP:
                return rows, groups
            if field_id == FILE_NUM_ROWS:
                raw, pos = read_varint(footer, pos)
                rows = unzigzag(raw)
            elif field_id == FILE_ROW_GROUPS and kind == LIST:
                size, _, pos = list_header(footer, pos)
                for number in range(ordinal, ordinal + size):
                    group = Rules(
                        integers={GROUP_OFFSET: _mover(by), GROUP_ORDINAL: _constant(number)},
                        structs={GROUP_COLUMNS: chunk},
                    )
                    encoded, pos = rewriter.struct(pos, group)
                    groups.append(Encoded(encoded))
            else:
                pos = skip(footer, pos, kind)
    except IndexError:
        raise ParquetFooterError("the Parquet footer is cut short") from None


def _moved_chunk_rules(by: int) -> Rules:
    """A column chunk's entry, its pages moved `by` bytes; ranges kept elsewhere are refused."""
    meta = Rules(
        integers=dict.fromkeys(_META_OFFSETS, _mover(by)),
        refused=dict.fromkeys(_META_ELSEWHERE, _CANNOT_MOVE),
    )
    return Rules(
        integers={CHUNK_FILE_OFFSET: _mover(by)},
        structs={CHUNK_META: meta},
        refused=dict.fromkeys(_CHUNK_ELSEWHERE, _CANNOT_MOVE),
    )


def _mover(by: int) -> Callable[[int], int]:
    return lambda offset: _moved(offset, by)


def _constant(value: int) -> Callable[[int], int]:
    return lambda _: value


def row_groups(footer: Struct) -> list[Struct]:
    return [_struct(g) for g in _items(footer, FILE_ROW_GROUPS)]


def column_chunks(group: Struct) -> list[Struct]:
    return _items(group, GROUP_COLUMNS)


def chunk_range(chunk: Struct) -> tuple[int, int]:
    """Where a column chunk's pages start in its file and how many bytes they take."""
    meta = _struct(_value(chunk, CHUNK_META))
    if any(field(chunk, i) for i in _CHUNK_ELSEWHERE) or any(
        field(meta, i) for i in _META_ELSEWHERE
    ):
        raise ParquetFooterError(_CANNOT_MOVE)
    dictionary = field(meta, META_DICTIONARY_PAGE)
    start = _int(meta, META_DATA_PAGE)
    if dictionary is not None and isinstance(dictionary.value, int) and dictionary.value > 0:
        start = min(start, dictionary.value)
    return start, _int(meta, META_COMPRESSED)


def _shift_chunk(chunk: Struct, by: int) -> None:
    """Move a chunk's page offsets by `by` bytes; 0 means "not set" and stays 0."""
    for f in _struct(_value(chunk, CHUNK_META)):
        if f.id in _META_OFFSETS:
            f.value = _moved(f.value, by)
    for f in chunk:
        if f.id == CHUNK_FILE_OFFSET:  # deprecated; pyarrow writes 0
            f.value = _moved(f.value, by)


def _moved(value: object, by: int) -> int:
    if not isinstance(value, int):
        raise ParquetFooterError("a Parquet offset is not an integer")
    return value + by if value > 0 else value


def _moved_group(group: Struct, kept: list[Struct], start: int, ordinal: int) -> Struct:
    """The row group's entry listing `kept` chunks, now at `start`, as row group `ordinal`."""
    metas = [_struct(_value(chunk, CHUNK_META)) for chunk in kept]
    values: dict[int, int | ThriftList] = {
        GROUP_COLUMNS: ThriftList(STRUCT, list(kept)),
        GROUP_BYTES: sum(_int(m, META_UNCOMPRESSED) for m in metas),
        GROUP_OFFSET: start,
        GROUP_COMPRESSED: sum(_int(m, META_COMPRESSED) for m in metas),
        GROUP_ORDINAL: ordinal,
    }
    # pyarrow leaves the ordinal out (it is for encrypted files); it is renumbered where present.
    return [Field(f.id, f.type, values.get(f.id, f.value)) for f in group]


def _replaced(f: Field, rows: int, groups: list[Struct | Encoded]) -> Field:
    if f.id == FILE_NUM_ROWS:
        return Field(f.id, f.type, rows)
    if f.id == FILE_ROW_GROUPS:
        return Field(f.id, f.type, ThriftList(STRUCT, list(groups)))
    return f


def _value(struct_: Struct, field_id: int) -> object:
    found = field(struct_, field_id)
    if found is None:
        raise ParquetFooterError(f"a Parquet footer structure lacks field {field_id}")
    return found.value


def _int(struct_: Struct, field_id: int) -> int:
    value = _value(struct_, field_id)
    if not isinstance(value, int):
        raise ParquetFooterError(f"Parquet footer field {field_id} is not an integer")
    return value


def _items(struct_: Struct, field_id: int) -> list[Struct]:
    value = _value(struct_, field_id)
    if not isinstance(value, ThriftList):
        raise ParquetFooterError(f"Parquet footer field {field_id} is not a list")
    return [_struct(item) for item in value.items]


def _struct(value: object) -> Struct:
    if not isinstance(value, list):
        raise ParquetFooterError("a Parquet footer structure is not a struct")
    return value
