"""Webhook sender throughput (issue 14: it keeps up with 100 completions a second to a local
receiver). Runs complete in the store at a steady rate; the sender is the scheduler loop of
`intent scheduler` in its own process; a receiver on loopback records each delivery.

    python -m benchmarks.webhook_bench [--rate 100] [--seconds 30] [--tick-seconds 5]
                                       [--postgres-url postgresql+psycopg://postgres@127.0.0.1/postgres]

Prints the completions made, the deliveries received, the sustained deliveries per second over
the production window, the lag from a run's completion to its delivery (p50, p99, max), the
attempts made (and deliveries retried), and the sender process's CPU seconds (all threads) in
all and per delivery: on a shared machine the CPU figure moves far less than the others.
The sender keeps up when every completion is delivered within one tick plus the time to send
a tick's deliveries after production stops.
"""

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.api_services import postgres_database
from data.metadata.connect import open_store
from data.metadata.models import Audience, AudienceId, OrgId, Run, RunId
from data.metadata.store import MetadataStore
from engine.states import RunStatus, RunType
from jobs.loop import run_loop
from jobs.services import connect
from jobs.settings import Settings
from jobs.urlguard import UrlGuard
from jobs.webhooks import create_endpoint


@dataclass
class Arrivals:
    """Run id -> the wall-clock time its delivery first arrived; duplicates counted apart."""

    times: dict[str, float] = field(default_factory=dict)
    duplicates: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, run_id: str, at: float) -> None:
        with self.lock:
            if run_id in self.times:
                self.duplicates += 1
            else:
                self.times[run_id] = at


@contextmanager
def receiver(arrivals: Arrivals) -> Iterator[str]:
    """A loopback server answering 204 to every POST, keeping connections alive; yields its
    URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver behind a proxy offers

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            arrivals.add(json.loads(body)["data"]["id"], time.time())
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        # A listen backlog as a web server keeps (socketserver's is 5): the sender opens up to
        # 16 connections at once, and a full backlog resets some on a busy machine.
        request_queue_size = 128
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks"
    finally:
        server.shutdown()
        server.server_close()


def _env(home: Path, database_url: str, tick: int) -> dict[str, str]:
    return {
        "INTENT_HOME": str(home),
        "INTENT_DATASET": str(home / "dataset"),
        "INTENT_DATABASE_URL": database_url,
        "INTENT_TICK_SECONDS": str(tick),
        "INTENT_WEBHOOKS_ALLOW_PRIVATE": "1",
        "INTENT_LOG_FORMAT": "text",
    }


def _sender(env: dict[str, str], stop: Any, cpu: Any) -> None:
    """The scheduler loop (reconcile, schedule, webhooks) until `stop` is set; `cpu` gets the
    CPU seconds the loop took (all its threads)."""
    deps = connect(Settings.from_env(env)).deps
    started = time.process_time()
    run_loop(deps, stop)
    cpu.value = time.process_time() - started


def _audience(store: MetadataStore, now: datetime) -> Audience:
    org = store.create_organization(f"hooks-{uuid.uuid4().hex[:8]}", 10, now)
    audience = Audience(
        AudienceId(str(uuid.uuid4())), org.id, "bench", "draft", '{"topicIds": [1]}',
        "0" * 64, now, now,
    )  # fmt: skip
    store.create_audience(audience)
    return audience


def _queued(audience: Audience, now: datetime) -> Run:
    return Run(
        RunId(str(uuid.uuid4())), audience.id, audience.organization_id, RunStatus.QUEUED,
        RunType.MANUAL, audience.config_json, audience.config_hash, "2026-11-27", now,
    )  # fmt: skip


def produce(
    store: MetadataStore, audience: Audience, rate: int, seconds: float
) -> dict[str, float]:
    """`rate` runs a second for `seconds` completed through the store's guarded writes, as a
    worker completes them (which writes their webhook events), on a fixed schedule (a late one
    does not shift the next ones); run id -> its completion time."""
    completed: dict[str, float] = {}
    start = time.monotonic()
    for n in range(int(rate * seconds)):
        due = start + n / rate
        time.sleep(max(0.0, due - time.monotonic()))
        run = _queued(audience, datetime.now(UTC))
        store.insert_run(run)
        store.claim_run(run.id, run.created_at, run.created_at + timedelta(minutes=5))
        now = datetime.now(UTC)
        store.complete_run(run.id, 1, candidate_count=1, result_count=1,
                           snapshot_path=f"snapshots/{run.id}", now=now)  # fmt: skip
        completed[run.id] = now.timestamp()
    return completed


def measure(database_url: str, home: Path, args: argparse.Namespace) -> dict[str, Any]:
    store = open_store(database_url)
    audience = _audience(store, datetime.now(UTC))
    arrivals = Arrivals()
    with receiver(arrivals) as url:
        endpoint = create_endpoint(store, OrgId(audience.organization_id), url,
                                   ["run.completed"], datetime.now(UTC),
                                   UrlGuard(allow_private=True))  # fmt: skip
        spawn = multiprocessing.get_context("spawn")
        stop = spawn.Event()
        cpu = spawn.Value("d", -1.0)
        sender = spawn.Process(
            target=_sender, args=(_env(home, database_url, args.tick_seconds), stop, cpu)
        )
        sender.start()
        time.sleep(args.warmup)  # the sender's imports and first tick
        started = time.time()
        completed = produce(store, audience, args.rate, args.seconds)
        produced = time.time()
        drain = args.tick_seconds + args.drain
        deadline = time.monotonic() + drain
        while len(arrivals.times) < len(completed) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        sender.join(30)
        log = store.list_deliveries(endpoint.id, len(completed) * 2)
    figures = _figures(completed, arrivals, started, produced, args, drain)
    attempts = [d.attempts for d in log]
    return figures | {
        "attempts": sum(attempts),
        "retried": sum(1 for n in attempts if n > 1),
        "errors": dict(Counter(d.last_error for d in log if d.last_error)),
        "sender_cpu_s": round(cpu.value, 2),
        "sender_cpu_ms_per_delivery": round(1000 * cpu.value / max(len(arrivals.times), 1), 2),
    }


def _figures(
    completed: dict[str, float],
    arrivals: Arrivals,
    started: float,
    produced: float,
    args: argparse.Namespace,
    drain: float,
) -> dict[str, Any]:
    lags = sorted(arrivals.times[r] - at for r, at in completed.items() if r in arrivals.times)
    last = max(arrivals.times.values(), default=started)
    quantiles = statistics.quantiles(lags, n=100) if len(lags) > 1 else [0.0] * 99
    return {
        "rate_asked": args.rate,
        "tick_seconds": args.tick_seconds,
        "completions": len(completed),
        "completions_per_second": round(len(completed) / (produced - started), 1),
        "delivered": len(lags),
        "duplicates": arrivals.duplicates,
        "deliveries_per_second": round(len(lags) / max(last - started, 1e-9), 1),
        "lag_p50_s": round(statistics.median(lags), 3) if lags else None,
        "lag_p99_s": round(quantiles[98], 3),
        "lag_max_s": round(lags[-1], 3) if lags else None,
        "keeps_up": len(lags) == len(completed),
        "drain_allowed_s": drain,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webhook_bench")
    parser.add_argument("--rate", type=int, default=100, help="completions a second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long runs complete")
    parser.add_argument("--tick-seconds", type=int, default=5, help="INTENT_TICK_SECONDS")
    parser.add_argument("--drain", type=float, default=5.0, help="seconds after a tick to finish")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--postgres-url", help="an admin URL: a throwaway database on it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        if args.postgres_url:
            with postgres_database(args.postgres_url, "intent_webhook_bench") as url:
                figures = {"database": "postgresql", **measure(url, home, args)}
        else:
            url = f"sqlite:///{home / 'intent.db'}"
            figures = {"database": "sqlite", **measure(url, home, args)}
    print(json.dumps(figures, indent=2))
    return 0 if figures["keeps_up"] else 1


if __name__ == "__main__":
    sys.exit(main())
