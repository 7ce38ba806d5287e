"""The files of a snapshot and their order: results.parquet, stats.json, then manifest.json.

The manifest is written last and lists the other files with their sizes and the SHA-256 of their
bytes.
"""

import hashlib
import json
import os
import platform
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final, Protocol, cast

import pyarrow as pa

from data.errors import SnapshotError
from data.snapshots.diff import DIFF_MANIFEST_KEY, DIFF_PREVIOUS, PreviousIds, stored_diff
from data.snapshots.results_file import write_results
from data.snapshots.store import StatsSource
from engine.schema import MaterializeResult

RESULTS: Final = "results.parquet"
STATS: Final = "stats.json"
MANIFEST: Final = "manifest.json"
# What each `sha256` in the manifest's `files` covers.
CHECKSUMS: Final = "sha256: SHA-256 of the whole file's bytes as stored"
_LIBRARIES: Final = ("intent-engine", "pyarrow", "duckdb", "polars")


class SnapshotTarget(Protocol):
    """Where the files of one snapshot go: a directory, or memory."""

    def write_results(self, table: pa.Table) -> dict[str, Any]:
        """Store results.parquet; returns its manifest entry."""

    def put(self, name: str, data: bytes) -> None: ...


def write_snapshot(
    target: SnapshotTarget,
    result: MaterializeResult,
    stats: StatsSource,
    manifest: Mapping[str, Any],
    previous: PreviousIds | None = None,
) -> dict[str, Any]:
    """results.parquet, stats.json, the diff against `previous` when there is one, then
    manifest.json listing them; returns that manifest.

    Stats given as a function, and the diff, are computed while results.parquet is written, and
    their times are recorded beside the write's in the manifest's timings.
    """
    started = time.perf_counter()
    timings = dict(manifest.get("timings", {}))
    with ThreadPoolExecutor(2, thread_name_prefix="beside-results") as pool:
        computing = pool.submit(_timed, stats) if callable(stats) else None
        diffing = None if previous is None else pool.submit(stored_diff, result.table, previous)
        results = target.write_results(result.table)
        if computing is None:
            stats_bytes = json_bytes(cast(Mapping[str, Any], stats))
        else:
            computed, timings["stats"] = computing.result()
            stats_bytes = json_bytes(computed)
        diff = None if diffing is None else diffing.result()
    target.put(STATS, stats_bytes)
    files = [{"path": RESULTS, **results}, file_entry(STATS, stats_bytes)]
    extra: dict[str, Any] = {}
    if diff is not None:
        target.put(DIFF_PREVIOUS, diff.data)
        files.append(file_entry(DIFF_PREVIOUS, diff.data))
        extra[DIFF_MANIFEST_KEY] = diff.summary
    timings["write"] = round(time.perf_counter() - started, 4)
    final = {**manifest, **extra, "files": files, "checksums": CHECKSUMS, "timings": timings}
    target.put(MANIFEST, json_bytes(final))
    return final


def _timed(compute: Callable[[], Mapping[str, Any]]) -> tuple[Mapping[str, Any], float]:
    started = time.perf_counter()
    value = compute()
    return value, round(time.perf_counter() - started, 4)


class DirectoryTarget:
    """Files written into one directory, each fsynced as it is closed."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out

    def write_results(self, table: pa.Table) -> dict[str, Any]:
        with (self.out / RESULTS).open("wb") as f:
            entry = write_results(table, f)
            f.flush()
            os.fsync(f.fileno())
        return entry

    def put(self, name: str, data: bytes) -> None:
        with (self.out / name).open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


def write_snapshot_dir(
    out: Path,
    result: MaterializeResult,
    stats: StatsSource,
    manifest: Mapping[str, Any],
    previous: PreviousIds | None = None,
) -> dict[str, Any]:
    """The snapshot's files written directly into `out`, then `out` itself fsynced."""
    final = write_snapshot(DirectoryTarget(out), result, stats, manifest, previous)
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
        "versions": dict(library_versions()),
        "timings": {name: round(sec, 4) for name, sec in result.timings.items()},
    }
    clash = sorted(manifest.keys() & extra.keys())
    if clash:
        raise SnapshotError(f"manifest_extra may not set {', '.join(clash)}")
    return {**manifest, **extra}


def json_bytes(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode()


def read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"cannot read {path}: {exc}") from exc
    if not isinstance(value, dict):
        raise SnapshotError(f"{path} does not hold a JSON object")
    return value


def file_entry(name: str, data: bytes) -> dict[str, Any]:
    return {"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


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
