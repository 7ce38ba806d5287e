"""The one way dataset files are written: cast to the contract, sort, row groups, codecs, staged.

Used by the generator and ingest; a crash at any point leaves no partially visible date or version.
"""

import contextlib
import dataclasses
import errno
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from data import contract, topic_stats
from data.errors import ColumnTypeError, DatasetError, DateExistsError

STAGING_PREFIX: Final = ".staging-"
PART_ROWS: Final = 128 * contract.INTENT_ROW_GROUP  # ~16.8M rows per part file
INTENT_ORDER: Final = (
    ("topic_id", "ascending"),
    ("score", "descending"),
    ("person_id", "ascending"),
)
PEOPLE_ORDER: Final = (
    ("company_industry", "ascending"),
    ("seniority", "ascending"),
    ("person_id", "ascending"),
)
_CAST_ERRORS: Final = (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError)

SortKeys = Sequence[tuple[str, str]]


@dataclasses.dataclass(frozen=True)
class PartLayout:
    """How part files of one kind are encoded."""

    row_group: int
    compression: str
    plain_columns: tuple[str, ...] = ()  # written without a dictionary
    sorting: Sequence[pq.SortingColumn] | None = None
    uncompressed: tuple[str, ...] = ()  # columns the codec cannot shrink

    def codecs(self, schema: pa.Schema) -> str | dict[str, str]:
        if not self.uncompressed:
            return self.compression
        return {
            name: "none" if name in self.uncompressed else self.compression for name in schema.names
        }

    def use_dictionary(self, schema: pa.Schema) -> bool | list[str]:
        if not self.plain_columns:
            return True
        return [name for name in schema.names if name not in self.plain_columns]


PEOPLE_LAYOUT: Final = PartLayout(
    contract.PEOPLE_ROW_GROUP,
    contract.PEOPLE_COMPRESSION,
    contract.PEOPLE_PLAIN_COLUMNS,
    uncompressed=contract.PEOPLE_UNCOMPRESSED_COLUMNS,
)
INTENT_LAYOUT: Final = PartLayout(
    contract.INTENT_ROW_GROUP,
    contract.INTENT_COMPRESSION,
    sorting=pq.SortingColumn.from_ordering(contract.INTENT_SCHEMA, list(INTENT_ORDER)),
)


def write_topics(dataset: Path, topics: pa.Table) -> None:
    """Write `topics.parquet`, replacing any previous one atomically."""
    table = to_schema(topics, contract.TOPICS_SCHEMA).sort_by("topic_id")
    path = contract.topics_path(dataset)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f"{STAGING_PREFIX}{uuid.uuid4().hex}-{path.name}")
    try:
        _write_parquet(table, staging, row_group=max(len(table), 1))
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def write_people(dataset: Path, version: str, people: pa.Table | Iterable[pa.Table]) -> None:
    """Write people version `version`, clustered for join pruning; replaces it if present.

    A table is sorted here. Batches (for people too many to hold at once) are written as they
    come and must already be in cluster order, else DatasetError.
    """
    if isinstance(people, pa.Table):
        batches: Iterable[pa.Table] = [
            sort_table(to_schema(people, contract.PEOPLE_SCHEMA), PEOPLE_ORDER)
        ]
    else:
        batches = _in_order(people, contract.PEOPLE_SCHEMA, PEOPLE_ORDER)
    with _staged(contract.people_dir(dataset, version)) as staging:
        _write_parts(batches, contract.PEOPLE_SCHEMA, staging, PEOPLE_LAYOUT)


def write_intent_date(
    dataset: Path, data_date: str, intent: pa.Table, people_version: str, *, replace: bool = False
) -> dict[str, object]:
    """Write one complete data date (parts, its topic table, then `_manifest.json`) and return
    its manifest.

    An existing complete date raises DateExistsError unless `replace`; a leftover date directory
    without a manifest (an interrupted write) is replaced.
    """
    target = contract.intent_dir(dataset, data_date)
    _refuse_complete(target, data_date, replace)
    table = sort_table(to_schema(intent, contract.INTENT_SCHEMA), INTENT_ORDER)
    with _staged(target, lambda: _refuse_complete(target, data_date, replace)) as staging:
        files = _write_parts([table], contract.INTENT_SCHEMA, staging, INTENT_LAYOUT)
        stats = topic_stats.write(staging, topic_stats.compute(table))
        manifest = _manifest(data_date, people_version, files, len(table))
        manifest[topic_stats.MANIFEST_KEY] = stats
        _write_json(staging / contract.MANIFEST_NAME, manifest)
    return manifest


def to_schema(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with exactly the columns and types of `schema`; extra columns are dropped."""
    columns = [_conform_column(table, field) for field in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def sort_table(table: pa.Table, keys: SortKeys) -> pa.Table:
    """`table` ordered by `keys` (nulls last); already ordered input is returned as is."""
    if is_sorted(table, keys):
        return table
    return table.sort_by(list(keys))


def is_sorted(table: pa.Table, keys: SortKeys) -> bool:
    """Whether every adjacent pair of rows is in `keys` order (nulls last), in one linear pass."""
    if len(table) < 2:
        return True
    in_order = pa.array([True] * (len(table) - 1))
    for name, direction in reversed(keys):
        before, tied = _pair_order(table.column(name), descending=direction == "descending")
        in_order = pc.or_(before, pc.and_(tied, in_order))
    return bool(pc.all(in_order).as_py())


def _in_order(batches: Iterable[pa.Table], schema: pa.Schema, keys: SortKeys) -> Iterator[pa.Table]:
    """Conformed batches, each checked to continue the order of the ones before it."""
    last: pa.Table | None = None
    for batch in batches:
        table = to_schema(batch, schema)
        if not is_sorted(table if last is None else pa.concat_tables([last, table]), keys):
            order = ", ".join(name for name, _ in keys)
            raise DatasetError(f"{schema.names[0]} batches are not in ({order}) order")
        last = table.slice(len(table) - 1) if len(table) else last
        yield table


def _pair_order(column: pa.ChunkedArray, *, descending: bool) -> tuple[pa.Array, pa.Array]:
    """Per adjacent pair (a, b): whether a sorts strictly before b, and whether they tie."""
    first, second = column.slice(0, len(column) - 1), column.slice(1)
    first_null, second_null = pc.is_null(first), pc.is_null(second)
    compare = pc.greater if descending else pc.less
    before = pc.or_(
        pc.and_(pc.invert(first_null), second_null), pc.fill_null(compare(first, second), False)
    )
    tied = pc.or_(pc.and_(first_null, second_null), pc.fill_null(pc.equal(first, second), False))
    return before, tied


def _conform_column(table: pa.Table, field: pa.Field) -> pa.ChunkedArray:
    if field.name not in table.column_names:
        raise ColumnTypeError(f"column {field.name!r} is missing")
    column = table.column(field.name)
    try:
        cast = column.cast(field.type)
    except _CAST_ERRORS as exc:
        message = f"column {field.name!r}: cannot cast {column.type} to {field.type}: {exc}"
        raise ColumnTypeError(message) from exc
    if not field.nullable and cast.null_count:
        raise ColumnTypeError(f"column {field.name!r} has {cast.null_count} nulls")
    return cast


def _refuse_complete(target: Path, data_date: str, replace: bool) -> None:
    if not replace and (target / contract.MANIFEST_NAME).exists():
        raise DateExistsError(f"data date {data_date} already exists at {target}")


@contextmanager
def _staged(target: Path, before_publish: Callable[[], None] = lambda: None) -> Iterator[Path]:
    """A fresh hidden directory beside `target`, renamed onto it when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f"{STAGING_PREFIX}{target.name}-{uuid.uuid4().hex}")
    staging.mkdir()
    try:
        yield staging
        _fsync_dir(staging)
        before_publish()
        _swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`; a previous `target` is moved aside first, then removed."""
    retired = target.with_name(f"{STAGING_PREFIX}retired-{target.name}-{uuid.uuid4().hex}")
    if target.exists():
        os.rename(target, retired)
    try:
        os.rename(staging, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.rename(retired, target)  # put the previous version back where it can be
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            raise DatasetError(f"{target}: another writer published it concurrently") from exc
        raise
    _fsync_dir(target.parent)
    shutil.rmtree(retired, ignore_errors=True)


def _write_parts(
    batches: Iterable[pa.Table],
    schema: pa.Schema,
    directory: Path,
    layout: PartLayout,
) -> list[dict[str, object]]:
    """Write the batches in order as part files of at most PART_ROWS rows; at least one file."""
    parts = _PartFiles(directory, schema, layout)
    for batch in batches:
        parts.write(batch)
    return parts.finish()


class _PartFiles:
    """Numbered part files filled one batch at a time, each closed (and fsynced) when full."""

    def __init__(self, directory: Path, schema: pa.Schema, layout: PartLayout) -> None:
        self._directory, self._schema, self._layout = directory, schema, layout
        self._files: list[dict[str, object]] = []
        self._writer: pq.ParquetWriter | None = None
        self._rows = 0

    def write(self, table: pa.Table) -> None:
        while len(table):
            writer = self._writer or self._open()
            piece, table = (
                table.slice(0, PART_ROWS - self._rows),
                table.slice(PART_ROWS - self._rows),
            )
            writer.write_table(piece, row_group_size=self._layout.row_group)
            self._rows += len(piece)
            if self._rows == PART_ROWS:
                self._close()

    def finish(self) -> list[dict[str, object]]:
        if self._writer is None and not self._files:
            self._open()
        if self._writer is not None:
            self._close()
        return self._files

    def _path(self) -> Path:
        return self._directory / f"part-{len(self._files):05d}.parquet"

    def _open(self) -> pq.ParquetWriter:
        layout = self._layout
        self._writer = pq.ParquetWriter(
            self._path(),
            self._schema,
            compression=layout.codecs(self._schema),
            use_dictionary=layout.use_dictionary(self._schema),
            sorting_columns=layout.sorting,
        )
        return self._writer

    def _close(self) -> None:
        assert self._writer is not None
        self._writer.close()
        self._writer = None
        _fsync_file(self._path())
        self._files.append(_file_entry(self._path(), self._rows))
        self._rows = 0


def _write_parquet(table: pa.Table, path: Path, row_group: int) -> None:
    pq.write_table(table, path, row_group_size=row_group, compression="zstd")
    _fsync_file(path)


def _file_entry(path: Path, rows: int) -> dict[str, object]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {
        "path": path.name,
        "rows": rows,
        "bytes": path.stat().st_size,
        "sha256": digest.hexdigest(),
    }


def _manifest(
    data_date: str, people_version: str, files: list[dict[str, object]], rows: int
) -> dict[str, object]:
    return {
        "schemaVersion": contract.SCHEMA_VERSION,
        "dataDate": data_date,
        "peopleVersion": people_version,
        "files": files,
        "rowCount": rows,
    }


def _write_json(path: Path, document: dict[str, object]) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    _fsync_file(path)


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
