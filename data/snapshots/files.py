"""The three files of a snapshot directory and how they are written: parquet, stats, manifest last.

`results.parquet` is byte-identical for the same result table: fixed codec, level and row groups.
"""

import hashlib
import json
import os
import platform
import time
from collections.abc import Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from data.errors import SnapshotError
from engine.schema import RESULT_SCHEMA, MaterializeResult

RESULTS: Final = "results.parquet"
STATS: Final = "stats.json"
MANIFEST: Final = "manifest.json"
ROW_GROUP_ROWS: Final = 10_000
ZSTD_LEVEL: Final = 1  # level 3 gave no smaller files on result rows, only slower writes
_LIBRARIES: Final = ("intent-engine", "pyarrow", "duckdb", "polars")
# Near-unique text: a dictionary would be as large as the data and costs a hash lookup per value.
PLAIN_COLUMNS: Final = frozenset(
    {"rank", "personId", "hashedEmail", "fullName", "businessEmail", "personalEmail", "email",
     "primaryContactEmail", "phone", "linkedinUrl", "headline"}
)  # fmt: skip


def write_snapshot_dir(
    out: Path, result: MaterializeResult, stats: Mapping[str, Any], manifest: Mapping[str, Any]
) -> dict[str, Any]:
    """Write results.parquet, stats.json and then manifest.json (with `files`) into `out`.

    Every file and the directory are fsynced; returns the manifest as written.
    """
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    write_results(result.table, out / RESULTS)
    write_json(out / STATS, stats)
    timings = {**manifest.get("timings", {}), "write": round(time.perf_counter() - started, 4)}
    files = [file_entry(out / RESULTS, rows=result.result_count), file_entry(out / STATS)]
    final = {**manifest, "files": files, "timings": timings}
    write_json(out / MANIFEST, final)
    fsync_path(out)
    return final


def base_manifest(
    result: MaterializeResult, *, run_id: str, attempt: int, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """The manifest fields known before writing; `extra` adds configHash, dataDate and the like."""
    manifest: dict[str, Any] = {
        "runId": run_id,
        "attempt": attempt,
        "candidateCount": result.candidate_count,
        "resultCount": result.result_count,
        "backend": result.backend,
        "versions": library_versions(),
        "timings": {name: round(sec, 4) for name, sec in result.timings.items()},
    }
    clash = sorted(manifest.keys() & extra.keys())
    if clash:
        raise SnapshotError(f"manifest_extra may not set {', '.join(clash)}")
    return {**manifest, **extra}


def write_results(table: pa.Table, path: Path) -> None:
    """Rank-ordered rows as zstd parquet in fixed row groups, fsynced."""
    table = conform(table).combine_chunks()
    pq.write_table(
        table,
        path,
        row_group_size=ROW_GROUP_ROWS,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        use_dictionary=DICTIONARY_COLUMNS,
        write_statistics=["rank"],  # lets readers prune by rank; pages use row-group offsets
    )
    fsync_path(path)


def parquet_paths(field: pa.Field, prefix: str = "") -> list[str]:
    """The parquet column paths of an Arrow field (`intent.matchedTopics.list.element.score`)."""
    path = prefix + field.name
    if pa.types.is_struct(field.type):
        return [p for child in field.type for p in parquet_paths(child, path + ".")]
    if pa.types.is_list(field.type):
        return parquet_paths(field.type.value_field.with_name("element"), path + ".list.")
    return [path]


DICTIONARY_COLUMNS: Final = [
    path for field in RESULT_SCHEMA for path in parquet_paths(field) if path not in PLAIN_COLUMNS
]


def conform(table: pa.Table) -> pa.Table:
    """The table with exactly RESULT_SCHEMA (no schema metadata, which would leak into bytes)."""
    if table.schema.equals(RESULT_SCHEMA):
        return table.replace_schema_metadata(None)
    try:
        return table.cast(RESULT_SCHEMA)
    except (ValueError, pa.ArrowInvalid) as exc:
        raise SnapshotError(f"result table does not match RESULT_SCHEMA: {exc}") from exc


def write_json(path: Path, value: Mapping[str, Any]) -> None:
    with path.open("wb") as f:
        f.write(json.dumps(value, ensure_ascii=False, indent=1).encode())
        f.flush()
        os.fsync(f.fileno())


def read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"cannot read {path}: {exc}") from exc
    if not isinstance(value, dict):
        raise SnapshotError(f"{path} does not hold a JSON object")
    return value


def file_entry(path: Path, rows: int | None = None) -> dict[str, Any]:
    with path.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    entry: dict[str, Any] = {"path": path.name, "bytes": path.stat().st_size, "sha256": digest}
    if rows is not None:
        entry["rows"] = rows
    return entry


def fsync_path(path: Path) -> None:
    """Flush a file's or a directory's entries to disk (a rename is durable only after this)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@cache
def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "unknown"
    return versions
