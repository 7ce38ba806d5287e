"""Load on the API over loopback: result pages from many clients, run creation at full speed,
one whole CSV export streamed; plus the calls that prepare them (audiences, completed runs)."""

import asyncio
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from benchmarks.http_loop import Connection

BASE: Final = "/v1/intent"
PAGE_ROWS: Final = 100
RUN_SECONDS: Final = 600.0


@dataclass
class Latencies:
    seconds: float = 0.0
    samples_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    def per_second(self) -> float:
        return len(self.samples_ms) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Stream:
    megabytes: float
    seconds: float
    rows: int
    rss_start_mib: float
    rss_peak_mib: float

    @property
    def mb_per_second(self) -> float:
        return self.megabytes / self.seconds


def client(url: str, key: str, connections: int = 10) -> httpx.Client:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.Client(
        base_url=url + BASE, headers={"x-api-key": key}, limits=limits, timeout=RUN_SECONDS
    )


def create_audience(http: httpx.Client, name: str, config: dict[str, Any]) -> str:
    reply = http.post("/audiences", json={"name": name, "config": config})
    reply.raise_for_status()
    return str(reply.json()["data"]["id"])


def completed_run(http: httpx.Client, audience_id: str) -> dict[str, Any]:
    """Queue a run of the audience and wait for it; a failed run raises."""
    reply = http.post(f"/audiences/{audience_id}/runs", json={})
    reply.raise_for_status()
    run: dict[str, Any] = reply.json()["data"]
    deadline = time.monotonic() + RUN_SECONDS
    while run["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        run = http.get(f"/audiences/{audience_id}/runs/{run['id']}").json()["data"]
    if run["status"] != "completed":
        raise RuntimeError(f"run {run['id']} ended {run['status']}: {run.get('errorMessage')}")
    return run


class BusyWorker:
    """Keeps one run of an audience materializing at all times, in a thread, until stopped."""

    def __init__(self, url: str, key: str, audience_id: str) -> None:
        self.completed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._feed, args=(url, key, audience_id))

    def __enter__(self) -> "BusyWorker":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _feed(self, url: str, key: str, audience_id: str) -> None:
        with client(url, key, connections=1) as http:
            while not self._stop.is_set():
                completed_run(http, audience_id)
                self.completed += 1


def page_load(
    url: str, key: str, run: dict[str, Any], clients: int, seconds: float, think_ms: float
) -> Latencies:
    """`clients` loops of: a page of 100 rows at a random offset, then `think_ms` of pause."""
    path = f"{BASE}/audiences/{run['audienceId']}/runs/{run['id']}/results"
    last = max(0, int(run["resultCount"]) - PAGE_ROWS)
    return asyncio.run(_closed_loops(url, key, clients, seconds, think_ms, path, last))


async def _closed_loops(
    url: str, key: str, clients: int, seconds: float, think_ms: float, path: str, last: int
) -> Latencies:
    result = Latencies(seconds=seconds)
    deadline = time.perf_counter() + seconds

    async def loop(seed: int) -> None:
        rng = random.Random(seed)
        connection = await Connection.open(url)
        try:
            while time.perf_counter() < deadline:
                target = f"{path}?limit={PAGE_ROWS}&offset={rng.randint(0, last)}"
                started = time.perf_counter()
                status, _ = await connection.request("GET", target, {"x-api-key": key})
                _record(result, status == 200, (time.perf_counter() - started) * 1000)
                await asyncio.sleep(think_ms / 1000)
        finally:
            await connection.close()

    await asyncio.gather(*(loop(seed) for seed in range(clients)))
    return result


def post_load(url: str, key: str, audience_id: str, clients: int, seconds: float) -> Latencies:
    """`clients` loops creating runs back to back; 202s per second is the figure."""
    path = f"{BASE}/audiences/{audience_id}/runs"
    return asyncio.run(_post_loops(url, key, clients, seconds, path))


async def _post_loops(url: str, key: str, clients: int, seconds: float, path: str) -> Latencies:
    result = Latencies(seconds=seconds)
    headers = {"x-api-key": key, "content-type": "application/json"}
    deadline = time.perf_counter() + seconds

    async def loop() -> None:
        connection = await Connection.open(url)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                status, _ = await connection.request("POST", path, headers, b"{}")
                _record(result, status == 202, (time.perf_counter() - started) * 1000)
        finally:
            await connection.close()

    await asyncio.gather(*(loop() for _ in range(clients)))
    return result


class RssSampler:
    """Samples a memory reading every few milliseconds in a thread while in the `with` block."""

    def __init__(self, rss: Callable[[], float], every_seconds: float = 0.01) -> None:
        self.samples = [rss()]
        self._rss = rss
        self._every = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self._every):
            self.samples.append(self._rss())


def stream_export(http: httpx.Client, run: dict[str, Any], rss: Callable[[], float]) -> Stream:
    """Read the run's whole `export.csv`, sampling the server's memory as it streams."""
    path = f"/audiences/{run['audienceId']}/runs/{run['id']}/export.csv"
    size = 0
    with RssSampler(rss) as memory:
        started = time.perf_counter()
        with http.stream("GET", path) as reply:
            reply.raise_for_status()
            rows = int(reply.headers["x-export-row-count"])
            for chunk in reply.iter_raw(1 << 20):
                size += len(chunk)
        seconds = time.perf_counter() - started
    return Stream(size / 1e6, seconds, rows, memory.samples[0], max(memory.samples))


def median_stream(streams: list[Stream]) -> Stream:
    return sorted(streams, key=lambda s: s.seconds)[len(streams) // 2]


def summary_ms(latencies: Latencies) -> str:
    if not latencies.samples_ms:
        return "no successful requests"
    mean = statistics.fmean(latencies.samples_ms)
    return (
        f"p50 {latencies.percentile(50):.1f} ms, p99 {latencies.percentile(99):.1f} ms, "
        f"mean {mean:.1f} ms, {latencies.per_second():.0f}/s, {latencies.errors} errors"
    )


def _record(result: Latencies, ok: bool, elapsed_ms: float) -> None:
    if ok:
        result.samples_ms.append(elapsed_ms)
    else:
        result.errors += 1
