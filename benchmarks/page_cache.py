"""Result-page latency with and without the API's read-path caches (issue 10: at most 10 ms).

`python -m benchmarks.page_cache DATASET` serves one completed run of DATASET from a real
`intent serve` and reads pages of 100 rows one at a time at offsets 0, middle and end: p50 and
p99 per offset with the page cache on, then with INTENT_PAGE_CACHE_MB=0. It also times what the
key and run caches would save per request: an API-key lookup and a run lookup in the store.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pyarrow.parquet as pq

from benchmarks.api_clients import BASE, PAGE_ROWS, client, completed_run, create_audience
from benchmarks.api_server import running_server
from benchmarks.http_loop import Connection
from cli.demo_data import popular_topics
from data.metadata.connect import open_store
from data.metadata.models import AudienceId, OrgId, RunId
from jobs.accounts import resolve_api_key

WARM_SECONDS: Final = 2.0  # lets the row groups a first read started encoding finish


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.page_cache", description=__doc__)
    p.add_argument("dataset", type=Path, help="an intent dataset (e.g. /work/bench-data/s1)")
    p.add_argument("--topics", type=int, default=40, help="the run's audience: top N topics")
    p.add_argument("--requests", type=int, default=300, help="pages read at each offset")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = {"topicIds": popular_topics(args.dataset, args.topics)}
    for label, env in (("page cache on", {}), ("page cache off", {"INTENT_PAGE_CACHE_MB": "0"})):
        with (
            tempfile.TemporaryDirectory() as home,
            running_server(Path(home), args.dataset, env) as server,
        ):
            with client(server.url, server.api_key) as http:
                run = completed_run(http, create_audience(http, "pages", config))
            figures = asyncio.run(_pages(server.url, server.api_key, run, args.requests))
            _say(f"{label}: {run['resultCount']:,} rows")
            for offset, (p50, p99) in figures.items():
                print(f"| {label} | {offset:,} | {p50:.2f} | {p99:.2f} |")
            if not env:
                _lookups(Path(home), server.api_key, run, args.requests)
    return 0


async def _pages(url: str, key: str, run: dict[str, Any], requests: int) -> dict[int, Any]:
    """(p50, p99) in ms of `requests` sequential pages at each of three offsets."""
    path = f"{BASE}/audiences/{run['audienceId']}/runs/{run['id']}/results?limit={PAGE_ROWS}"
    total = int(run["resultCount"])
    offsets = [0, total // 2, max(0, total - PAGE_ROWS)]
    connection = await Connection.open(url)
    figures = {}
    try:
        for offset in offsets:
            await connection.request("GET", f"{path}&offset={offset}", {"x-api-key": key})
        await asyncio.sleep(WARM_SECONDS)
        for offset in offsets:
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                status, _ = await connection.request(
                    "GET", f"{path}&offset={offset}", {"x-api-key": key}
                )
                samples.append((time.perf_counter() - started) * 1000)
                assert status == 200, status
            figures[offset] = _p50_p99(samples)
    finally:
        await connection.close()
    return figures


def _lookups(home: Path, api_key: str, run: dict[str, Any], requests: int) -> None:
    """What the key and run caches save: the store calls they replace, on the server's SQLite."""
    store = open_store(f"sqlite:///{home / 'intent.db'}", upgrade=False)
    key = resolve_api_key(store, api_key)
    assert key is not None
    org = OrgId(key.organization_id)

    def run_lookup() -> None:
        store.get_audience(org, AudienceId(run["audienceId"]))
        store.get_run(RunId(run["id"]), org)

    (results,) = home.glob(f"**/{run['id']}/results.parquet")
    for name, call in (
        ("results footer parse", lambda: pq.read_metadata(results)),
        ("API-key lookup", lambda: resolve_api_key(store, api_key)),
        ("refused-key lookup", lambda: resolve_api_key(store, api_key + "x")),
        ("run lookup (audience + run)", run_lookup),
    ):
        p50, p99 = _p50_p99(_times(call, requests))
        print(f"| {name} (in process) | | {p50:.2f} | {p99:.2f} |")


def _times(call: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _p50_p99(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
