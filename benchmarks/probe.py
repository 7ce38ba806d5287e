"""The engine in process: every audience of the mix on one backend, timed after a first run.

`python -m benchmarks.probe DATASET DATE BACKEND MIX_JSON REPEAT` prints one JSON object:
per audience the seconds of each timed run, the result count and the digest of the ranked ids.
The first run of each audience warms the OS cache and the process and is reported apart
(`first_seconds`; with REPEAT 0 it is the only figure); a whole process, start-up included, is
what `intent run` is measured as.
"""

import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from data.catalog import DatasetCatalog
from engine.config import AudienceConfig, parse_config
from engine.materialize import materialize
from engine.schema import MaterializeInput

Ids = list[int] | np.ndarray[Any, Any]
Runner = Callable[[MaterializeInput, AudienceConfig], tuple[Ids, int]]


def runner(backend: str) -> Runner:
    if backend == "pandas":
        # pandas is optional (a dev extra): only the baseline's process imports it.
        from benchmarks import naive_pandas

        return naive_pandas.run

    def run(inputs: MaterializeInput, config: AudienceConfig) -> tuple[Ids, int]:
        result = materialize(inputs, config, backend)
        return result.table.column("personId").to_numpy(), result.candidate_count

    return run


def ids_digest(ids: Ids) -> str:
    """SHA-256 of the ranked person ids as little-endian int64."""
    return hashlib.sha256(np.asarray(ids, dtype="<i8").tobytes()).hexdigest()


def _timed(run: Runner, inputs: MaterializeInput, config: AudienceConfig) -> tuple[float, Any]:
    start = time.perf_counter()
    out = run(inputs, config)
    return time.perf_counter() - start, out


def measure(
    dataset: Path, date: str, backend: str, mix: dict[str, dict[str, object]], repeat: int
) -> dict[str, dict[str, object]]:
    catalog = DatasetCatalog(dataset)
    inputs = catalog.resolve(date)
    run = runner(backend)
    figures: dict[str, dict[str, object]] = {}
    for name, raw in mix.items():
        config = parse_config(raw, known_topic_ids=catalog.topic_ids())
        first, (ids, _) = _timed(run, inputs, config)
        times = [_timed(run, inputs, config)[0] for _ in range(repeat)]
        figures[name] = {
            "seconds": times or [first],
            "first_seconds": first,
            "results": len(ids),
            "digest": ids_digest(ids),
        }
    return figures


if __name__ == "__main__":
    dataset, date, backend, mix_json, repeat = sys.argv[1:6]
    print(json.dumps(measure(Path(dataset), date, backend, json.loads(mix_json), int(repeat))))
