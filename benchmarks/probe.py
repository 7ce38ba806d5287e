"""One measurement in a fresh process: cold and warm timings and peak RSS of one audience.

`python -m benchmarks.probe DATASET DATE BACKEND CONFIG_JSON REPEAT` prints one JSON object.
"""

import hashlib
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import naive_pandas
from data.catalog import DatasetCatalog
from engine.config import AudienceConfig, parse_config
from engine.materialize import materialize
from engine.schema import MaterializeInput

Ids = list[int] | np.ndarray[Any, Any]


def _runner(backend: str) -> Callable[[MaterializeInput, AudienceConfig], tuple[Ids, int]]:
    if backend == "pandas":
        return naive_pandas.run

    def run(inputs: MaterializeInput, config: AudienceConfig) -> tuple[Ids, int]:
        result = materialize(inputs, config, backend)
        return result.table.column("personId").to_numpy(), result.candidate_count

    return run


def _peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM). Not ru_maxrss: Linux carries that across exec from the
    forking parent, so every probe would report at least the benchmark driver's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(
    dataset: Path, date: str, backend: str, raw: dict[str, object], repeat: int
) -> dict[str, object]:
    catalog = DatasetCatalog(dataset)
    inputs = catalog.resolve(date)
    config = parse_config(raw, known_topic_ids=catalog.topic_ids())
    run = _runner(backend)
    times, one_run_rss = [], 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        ids, candidates = run(inputs, config)
        times.append(time.perf_counter() - start)
        one_run_rss = one_run_rss or _peak_rss_mib()
    digest = hashlib.sha256(np.asarray(ids, dtype=np.int64).tobytes()).hexdigest()
    return {
        "backend": backend,
        "cold_ms": times[0] * 1000,
        "warm_ms": statistics.median(times[1:]) * 1000 if len(times) > 1 else None,
        "results": len(ids),
        "candidates": candidates,
        "digest": digest,
        # A worker runs each attempt in a fresh process: the peak of the first run is its figure.
        "one_run_rss_mib": one_run_rss,
        "peak_rss_mib": _peak_rss_mib(),
    }


if __name__ == "__main__":
    dataset, date, backend, config_json, repeat = sys.argv[1:6]
    print(json.dumps(measure(Path(dataset), date, backend, json.loads(config_json), int(repeat))))
