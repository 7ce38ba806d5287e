"""The API figures of the report, against a real embedded `intent serve` (SQLite, in-process
worker) on one dataset: result-page latency against concurrent clients, POST-run-to-completed
latency of the selective audience, runs completed per minute, and CSV export throughput."""

import tempfile
import time
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Final

import httpx

from benchmarks.api_clients import client, completed_run, create_audience, page_load, stream_export
from benchmarks.api_server import running_server
from benchmarks.figures import spread

CLIENTS: Final = (1, 4, 16, 64)
POLL_S: Final = 0.01
RUN_DEADLINE_S: Final = 600.0


def api_figures(
    dataset: Path, configs: Mapping[str, dict[str, object]], *, quick: bool, repeat: int
) -> dict[str, Any]:
    """Figures on `dataset` with the mix's `configs` (selective and no_filters are used)."""
    seconds = 0.5 if quick else 5.0
    samples = 2 if quick else 10
    with ExitStack() as stack:
        home = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(running_server(home, dataset, {}))
        http = stack.enter_context(client(server.url, server.api_key))
        selective = create_audience(http, "selective", configs["selective"])
        to_completed = [_post_to_completed(http, selective) for _ in range(samples)]
        per_minute = _runs_per_minute(http, selective, samples)
        big = completed_run(http, create_audience(http, "no_filters", configs["no_filters"]))
        pages = {}
        for count in CLIENTS:
            latencies = page_load(server.url, server.api_key, big, count, seconds, 0.0)
            pages[str(count)] = {
                "p50_ms": latencies.percentile(50),
                "p99_ms": latencies.percentile(99),
                "requests": len(latencies.samples_ms),
                "errors": latencies.errors,
            }
        streams = [stream_export(http, big, server.rss_mib) for _ in range(repeat)]
    return {
        "page_rows": 100,
        "page_seconds_per_level": seconds,
        "results_of_paged_run": big["resultCount"],
        "pages": pages,
        "post_to_completed_ms": _percentiles(to_completed),
        "runs_per_minute": per_minute,
        "export_csv_mb_s": spread([s.mb_per_second for s in streams]),
        "export_csv_mb": streams[0].megabytes,
        "export_rows": streams[0].rows,
    }


def _post_to_completed(http: httpx.Client, audience_id: str) -> float:
    """Milliseconds from POSTing a run to reading it `completed`, polling every POLL_S."""
    started = time.perf_counter()
    reply = http.post(f"/audiences/{audience_id}/runs", json={})
    reply.raise_for_status()
    run_id = reply.json()["data"]["id"]
    _wait_completed(http, audience_id, [run_id])
    return (time.perf_counter() - started) * 1000


def _runs_per_minute(http: httpx.Client, audience_id: str, count: int) -> float:
    """`count` runs queued at once; completed runs per minute until the last one ends."""
    started = time.perf_counter()
    ids = []
    for _ in range(count):
        reply = http.post(f"/audiences/{audience_id}/runs", json={})
        reply.raise_for_status()
        ids.append(reply.json()["data"]["id"])
    _wait_completed(http, audience_id, ids)
    return count / (time.perf_counter() - started) * 60


def _wait_completed(http: httpx.Client, audience_id: str, run_ids: list[str]) -> None:
    deadline = time.monotonic() + RUN_DEADLINE_S
    pending = list(run_ids)
    while pending:
        run = http.get(f"/audiences/{audience_id}/runs/{pending[0]}").json()["data"]
        if run["status"] == "completed":
            pending.pop(0)
            continue
        if run["status"] not in ("queued", "running"):
            raise RuntimeError(f"run {run['id']} ended {run['status']}: {run.get('errorMessage')}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"run {run['id']} not completed within {RUN_DEADLINE_S:g} s")
        time.sleep(POLL_S)


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50": ordered[len(ordered) // 2],
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "low": ordered[0],
        "n": len(ordered),
    }
