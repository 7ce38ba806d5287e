"""The selective run with the dataset on an S3-compatible server against the same run on local disk.

`python -m benchmarks.s3_bench DATASET [--bucket B] [--repeat N]` uploads the dataset's latest
date into `s3://B/<dataset name>` once (kept for later runs), then prints one JSON object: each
backend's seconds per run on both, and their ratio (issue target: at most 2x). The endpoint and
credentials are the standard AWS_* variables (`.ci/services` starts a server on 127.0.0.1:9000).
Judge runs on a native server such as `rclone serve s3` (PERF.md shows how): the moto server of
`.ci/services` copies the whole object for every ranged GET, so it charges a run by its number
of requests times the size of the files, not by the bytes it reads.

`python -m benchmarks.s3_bench DATASET --snapshots [--repeat N] [--pages N]` measures the
snapshot store instead, on the result of the `no_filters` audience of the latest date: the
publish (stats and the snapshot's files) to a local directory and to `s3://B/bench-snapshots`
(issue target: at most 1.5x), then result pages of 50 rows at random offsets of the S3 snapshot,
p50 and p99 (targets: 20 and 50 ms): from the store with no block cache (every page three
requests), from the store once its blocks are cached, and through the API's ResultPages.
"""

import argparse
import dataclasses
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Final

import anyio
import pyarrow.fs as pafs

from api.result_pages import ResultPages
from benchmarks.audiences import audience_mix
from benchmarks.suite import topic_popularity
from data.catalog import DatasetCatalog
from data.snapshots import LocalSnapshotStore, ObjectSnapshotStore, SnapshotKey, SnapshotStore
from data.storage import S3Settings, Store, object_store, open_store
from engine.backends import get_backend
from engine.config import parse_config
from engine.materialize import materialize
from engine.schema import MaterializeInput, MaterializeResult, ObjectStore
from engine.stats import compute_stats
from jobs.settings import Settings

BACKENDS: Final = ("duckdb", "polars")
PAGE_ROWS: Final = 50


def uploaded(local: MaterializeInput, root: Path, store: Store) -> MaterializeInput:
    """`local` (files under `root`) in `store`, each file uploaded unless already there whole."""

    def upload(path: str) -> str:
        key = Path(path).relative_to(root).as_posix()
        found = store.info(key)
        if found is None or found.size != Path(path).stat().st_size:
            print(f"uploading {key} ...", flush=True)
            store.upload(Path(path), key)
        return store.locate(key)

    return dataclasses.replace(
        local,
        intent_files=tuple(upload(path) for path in local.intent_files),
        people_files=tuple(upload(path) for path in local.people_files),
        topics_file=upload(local.topics_file),
        filesystem=store.filesystem,
        object_store=object_store(store),
    )


def seconds(inputs: MaterializeInput, raw: dict[str, Any], backend: str, repeat: int) -> float:
    """The median seconds of `repeat` runs after one warm-up run."""
    engine, config = get_backend(backend, threads=None), parse_config(raw)
    engine.materialize(inputs, config)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        engine.materialize(inputs, config)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def publish_seconds(store: SnapshotStore, result: MaterializeResult, repeat: int) -> list[float]:
    """Seconds of each of `repeat` publishes of `result` (stats computed beside the write, as
    a worker does), each as a new run."""
    times = []
    for _ in range(repeat):
        key = SnapshotKey("bench", "bench", f"run-{uuid.uuid4().hex[:12]}")
        stats = partial(compute_stats, result.table)
        start = time.perf_counter()
        store.publish(key, result, attempt=1, stats=stats, manifest_extra={})
        times.append(time.perf_counter() - start)
    return times


def latencies_ms(read: Callable[[int], object], offsets: list[int]) -> dict[str, float]:
    """p50 and p99 of `read(offset)` over `offsets`, in milliseconds."""
    times = []
    for offset in offsets:
        start = time.perf_counter()
        read(offset)
        times.append((time.perf_counter() - start) * 1000)
    return percentiles(times)


def percentiles(times_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times_ms, n=100)
    return {"p50_ms": round(cuts[49], 2), "p99_ms": round(cuts[98], 2)}


def snapshot_figures(
    root: Path, day: str, s3: S3Settings, bucket: str, repeat: int, pages: int
) -> dict[str, Any]:
    """Publish to local disk and to S3, then pages of the S3 snapshot (see the module doc)."""
    raw = audience_mix(topic_popularity(root, day))["no_filters"]
    result = materialize(DatasetCatalog(root).resolve(day), parse_config(raw), "auto")
    remote = ObjectSnapshotStore(open_store(f"s3://{bucket}/bench-snapshots", s3))
    with tempfile.TemporaryDirectory(dir=root.parent) as tmp:
        local_s = publish_seconds(LocalSnapshotStore(Path(tmp)), result, repeat)
    s3_s = publish_seconds(remote, result, repeat)
    key = SnapshotKey("bench", "bench", f"pages-{uuid.uuid4().hex[:12]}")
    ref = remote.publish(key, result, attempt=1, stats={}, manifest_extra={})
    rows = result.result_count
    offsets = [random.Random(7).randrange(max(1, rows - PAGE_ROWS)) for _ in range(pages)]
    uncached = ObjectSnapshotStore(remote.store, cache_bytes=0)
    pages_api = ResultPages(remote)

    async def api_pages() -> dict[str, float]:
        times = []
        for offset in offsets:
            start = time.perf_counter()
            await pages_api.page(ref.path, offset, PAGE_ROWS)
            times.append((time.perf_counter() - start) * 1000)
        return percentiles(times)

    remote.read_page(ref, 0, PAGE_ROWS)
    return {
        "result_rows": rows,
        "results_bytes": ref.manifest["files"][0]["bytes"],
        "publish_local_s": round(statistics.median(local_s), 3),
        "publish_s3_s": round(statistics.median(s3_s), 3),
        "publish_ratio": round(statistics.median(s3_s) / statistics.median(local_s), 2),
        "publish_local_all_s": [round(s, 3) for s in local_s],
        "publish_s3_all_s": [round(s, 3) for s in s3_s],
        f"pages_of_{PAGE_ROWS}": pages,
        "page_store_no_cache": latencies_ms(
            lambda offset: uncached.read_page(ref, offset, PAGE_ROWS), offsets
        ),
        "page_store_block_cache": latencies_ms(
            lambda offset: remote.read_page(ref, offset, PAGE_ROWS), offsets
        ),
        "page_api_result_pages": anyio.run(api_pages),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--bucket", default="intent-bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--snapshots", action="store_true", help="the snapshot store figures")
    parser.add_argument("--pages", type=int, default=300, help="pages read with --snapshots")
    parser.add_argument(
        "--polars-http",
        metavar="URL",
        help="Polars' own client reads the bucket from this HTTP server (serving the bucket's "
        "parent directory) instead of S3: for S3 servers that answer ranges with 200, not 206",
    )
    args = parser.parse_args(argv)
    root = args.dataset.absolute()
    catalog = DatasetCatalog(root)
    day = catalog.latest_complete_date()
    assert day is not None, f"{root}: no complete date"
    s3 = Settings.from_env().s3
    creator = pafs.S3FileSystem(  # the bench may create its bucket; the product never does
        endpoint_override=s3.endpoint_url,
        access_key=s3.access_key_id,
        secret_key=s3.secret_access_key,
        region=s3.region or "us-east-1",
        allow_bucket_creation=True,
    )
    if creator.get_file_info(args.bucket).type == pafs.FileType.NotFound:
        creator.create_dir(args.bucket)
    if args.snapshots:
        found = snapshot_figures(root, str(day), s3, args.bucket, args.repeat, args.pages)
        print(json.dumps({"dataset": str(root), "date": day, **found}, indent=2))
        return
    raw = audience_mix(topic_popularity(root, day))["selective"]
    local = catalog.resolve(day)
    store = open_store(f"s3://{args.bucket}/{root.name}", s3)
    remote = uploaded(local, root, store)
    if args.polars_http:
        http = ObjectStore(args.polars_http.rstrip("/") + "/", ())
        remote = dataclasses.replace(remote, object_store=http)
    figures: dict[str, Any] = {"dataset": str(root), "date": day, "config": raw}
    for backend in BACKENDS:
        on_disk = seconds(local, raw, backend, args.repeat)
        on_s3 = seconds(remote, raw, backend, args.repeat)
        figures[backend] = {
            "local_s": round(on_disk, 3),
            "s3_s": round(on_s3, 3),
            "ratio": round(on_s3 / on_disk, 2),
        }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
