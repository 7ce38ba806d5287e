"""Run diffs on large runs (issue 14): the diff of two runs computed on demand (at most 1 s for
two 1.16M-row runs), and what storing the diff against the previous run adds to a publish (at
most 15%).

`python -m benchmarks.diff_bench DATASET` materializes two audiences of the newest date that
share most of their people: the ten most researched topics (no filters) and the same ten with
the most researched one swapped for the eleventh. It publishes the second run, then times, over
`--repeat` rounds (which goes first alternates), the publish of the first with and without the
stored diff against the second, the on-demand diff of the two snapshots (both read from disk),
a page of 100 entered rows read from its row groups, and the stored diff computed alone. Prints
one JSON object.
"""

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Final

from cli.demo_data import popular_topics
from data.catalog import DatasetCatalog
from data.snapshots.diff import (
    PreviousIds,
    diff_snapshots,
    page_rows,
    person_ids,
    read_rows,
    stored_diff,
)
from data.snapshots.local import LocalSnapshotStore
from data.snapshots.store import PreviousRun, SnapshotKey
from engine.config import parse_config
from engine.materialize import materialize
from engine.schema import MaterializeResult
from engine.stats import compute_stats

PAGE: Final = 100


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.diff_bench", description=__doc__)
    p.add_argument("dataset", type=Path, help="an intent dataset (e.g. /work/bench-data/s10)")
    p.add_argument("--repeat", type=int, default=3, help="rounds of each measurement")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(json.dumps(measure(args.dataset, args.repeat), indent=1))
    return 0


def measure(dataset: Path, repeat: int) -> dict[str, Any]:
    catalog = DatasetCatalog(dataset)
    day = catalog.latest_complete_date()
    top = popular_topics(dataset, 11)
    inputs = catalog.resolve(str(day))
    newer = materialize(inputs, parse_config({"topicIds": top[0:10]}), "auto")
    older = materialize(inputs, parse_config({"topicIds": top[1:11]}), "auto")
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalSnapshotStore(Path(tmp))
        old_ref = _publish(store, older, "older", None)
        previous = PreviousRun("older", old_ref)
        plain: list[float] = []
        stored: list[float] = []
        for i in range(repeat):  # alternating which goes first, so drift hits both alike
            rounds = [(plain, f"plain-{i}", None), (stored, f"diffed-{i}", previous)]
            for times, run_id, against in rounds if i % 2 == 0 else rounds[::-1]:
                times.append(_seconds(partial(_publish, store, newer, run_id, against)))
        ids = PreviousIds("older", partial(person_ids, store.open_results(old_ref)))
        alone = [_seconds(partial(stored_diff, newer.table, ids)) for _ in range(repeat)]
        new_ref = store.path_of(SnapshotKey("bench", "bench", "plain-0"))
        opened = (store.open_results(new_ref), store.open_results(old_ref))
        on_demand = [_seconds(partial(diff_snapshots, *opened)) for _ in range(repeat)]
        diff = diff_snapshots(*opened)
        rows = page_rows(diff.entered, len(diff.entered) // 2, PAGE)
        read = partial(read_rows, store.open_results(new_ref), rows)
        page = [_seconds(read) for _ in range(repeat)]
    plain_s, stored_s = statistics.median(plain), statistics.median(stored)
    return {
        "date": str(day),
        "rows (newer, older)": [newer.result_count, older.result_count],
        "entered, exited, stayed": [len(diff.entered), len(diff.exited), diff.stayed],
        "on-demand diff (s)": _spread(on_demand, ".3f"),
        f"page of {PAGE} entered rows mid-diff (ms)": _spread([s * 1000 for s in page], ".1f"),
        "publish without stored diff (s)": _spread(plain, ".2f"),
        "publish with stored diff (s)": _spread(stored, ".2f"),
        "publish ratio (medians)": round(stored_s / plain_s, 3),
        "stored diff alone, not beside the write (s)": _spread(alone, ".3f"),
    }


def _publish(
    store: LocalSnapshotStore, result: MaterializeResult, run_id: str, previous: PreviousRun | None
) -> Path:
    stats = partial(compute_stats, result.table)
    key = SnapshotKey("bench", "bench", run_id)
    ref = store.publish(key, result, attempt=1, stats=stats, manifest_extra={}, previous=previous)
    return Path(ref.path)


def _seconds(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _spread(values: list[float], fmt: str) -> str:
    """`median (lowest-highest)`: figures drift between rounds on a shared machine."""
    median = statistics.median(values)
    return f"{median:{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


if __name__ == "__main__":
    raise SystemExit(main())
