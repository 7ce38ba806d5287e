"""A snapshot directory: results.parquet, stats.json, then manifest.json, each fsynced.

The manifest is written last and lists the other files with their sizes and SHA-256.
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

from data.errors import SnapshotError
from data.snapshots.results_file import write_results
from engine.schema import MaterializeResult

RESULTS: Final = "results.parquet"
STATS: Final = "stats.json"
MANIFEST: Final = "manifest.json"
_LIBRARIES: Final = ("intent-engine", "pyarrow", "duckdb", "polars")


def write_snapshot_dir(
    out: Path, result: MaterializeResult, stats: Mapping[str, Any], manifest: Mapping[str, Any]
) -> dict[str, Any]:
    """Write results.parquet, stats.json and then manifest.json (with `files`) into `out`.

    Every file and the directory are fsynced; returns the manifest as written.
    """
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    results = write_results(result.table, out / RESULTS)
    write_json(out / STATS, stats)
    timings = {**manifest.get("timings", {}), "write": round(time.perf_counter() - started, 4)}
    files = [results, file_entry(out / STATS)]
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


def file_entry(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    return {"path": path.name, "bytes": path.stat().st_size, "sha256": digest}


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
