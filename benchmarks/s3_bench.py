"""The selective run with the dataset on an S3-compatible server against the same run on local disk.

`python -m benchmarks.s3_bench DATASET [--bucket B] [--repeat N]` uploads the dataset's latest
date into `s3://B/<dataset name>` once (kept for later runs), then prints one JSON object: each
backend's seconds per run on both, and their ratio (issue target: at most 2x). The endpoint and
credentials are the standard AWS_* variables (`.ci/services` starts a server on 127.0.0.1:9000).
"""

import argparse
import dataclasses
import json
import statistics
import time
from pathlib import Path
from typing import Any, Final

import pyarrow.fs as pafs

from benchmarks.audiences import audience_mix
from benchmarks.suite import topic_popularity
from data.catalog import DatasetCatalog
from data.storage import Store, open_store
from engine.backends import get_backend
from engine.config import parse_config
from engine.schema import MaterializeInput
from jobs.settings import Settings

BACKENDS: Final = ("duckdb", "polars")


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--bucket", default="intent-bench")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    root = args.dataset.absolute()
    catalog = DatasetCatalog(root)
    day = catalog.latest_complete_date()
    assert day is not None, f"{root}: no complete date"
    raw = audience_mix(topic_popularity(root, day))["selective"]
    local = catalog.resolve(day)
    s3 = Settings.from_env().s3
    store = open_store(f"s3://{args.bucket}/{root.name}", s3)
    creator = pafs.S3FileSystem(  # the bench may create its bucket; the product never does
        endpoint_override=s3.endpoint_url,
        access_key=s3.access_key_id,
        secret_key=s3.secret_access_key,
        region=s3.region or "us-east-1",
        allow_bucket_creation=True,
    )
    if creator.get_file_info(args.bucket).type == pafs.FileType.NotFound:
        creator.create_dir(args.bucket)
    remote = uploaded(local, root, store)
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
