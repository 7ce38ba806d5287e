"""A shared-nothing fleet of `intent` processes on one machine: an API process (`intent serve`),
a scheduler and N workers, each with its own INTENT_HOME, sharing only PostgreSQL, the broker and
the storage locations they are given (the dataset, and the snapshots) - as separate machines would.

Used by the fleet test (tests/fleet/) and the fleet benchmark (benchmarks/fleet_bench.py).
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import httpx

from data.metadata.connect import open_store
from data.metadata.models import Run
from data.metadata.store import MetadataStore
from engine.states import RunStatus
from jobs import accounts

INTENT: Final = str(Path(sys.executable).with_name("intent"))
STOP_SECONDS: Final = 10.0
POLL_SECONDS: Final = 0.2
SIGNING_SECRET: Final = "fleet-signing-secret"  # every process signs and checks the same URLs
ENDED: Final = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED)


@dataclass(frozen=True)
class FleetConfig:
    """What the processes share; everything else is their own."""

    root: Path  # each process's INTENT_HOME and log go under it
    dataset: str  # INTENT_DATASET: s3://bucket/prefix or a directory
    snapshots: str  # INTENT_SNAPSHOTS: one location every process reaches
    database_url: str
    broker_url: str
    queue: str  # INTENT_QUEUE_NAME
    env: Mapping[str, str] = field(default_factory=dict)  # AWS_*, ticks and leases, ...


@dataclass
class Member:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Fleet:
    """The processes of one fleet; every one is stopped on exit, whatever happened."""

    def __init__(self, config: FleetConfig) -> None:
        self.config = config
        self.members: dict[str, Member] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        members = list(reversed(self.members.values()))
        for member in members:  # all at once: each one's shutdown overlaps the others'
            if member.process.poll() is None:
                member.process.send_signal(signal.SIGTERM)  # a worker stops its runs with it
        for member in members:
            stop(member.process, sig=None)

    def env(self, name: str) -> dict[str, str]:
        """The environment of process `name`: ours without INTENT_*, then the fleet's settings
        and a home of its own."""
        base = {key: value for key, value in os.environ.items() if not key.startswith("INTENT_")}
        shared = self.config
        return {
            **base,
            "INTENT_HOME": str(shared.root / name),
            "INTENT_DATASET": shared.dataset,
            "INTENT_SNAPSHOTS": shared.snapshots,
            "INTENT_DATABASE_URL": shared.database_url,
            "INTENT_BROKER_URL": shared.broker_url,
            "INTENT_QUEUE_NAME": shared.queue,
            "INTENT_SIGNING_SECRET": SIGNING_SECRET,
            **shared.env,
        }

    def start(self, name: str, args: list[str]) -> Member:
        log = self.config.root / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            process = subprocess.Popen(
                [INTENT, *args],
                env=self.env(name),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.members[name] = Member(name, process, log)
        return self.members[name]

    def start_api(self, port: int, timeout: float = 90.0) -> str:
        """`intent serve` on `port`, once `/ready` answers 200; its base URL."""
        member = self.start("api", ["serve", "--port", str(port)])
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            code = member.process.poll()
            if code is not None:
                raise RuntimeError(f"intent serve exited with {code}:\n{member.output()[-3000:]}")
            try:
                if httpx.get(f"{url}/ready", timeout=2.0).status_code == 200:
                    return url
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"intent serve not ready in {timeout:g} s")
            time.sleep(POLL_SECONDS)

    def start_workers(self, count: int, threads: int = 1) -> list[Member]:
        return [
            self.start(f"worker-{n}", ["worker", "--threads", str(threads)])
            for n in range(1, count + 1)
        ]

    def worker_logs(self) -> list[Path]:
        return [m.log for name, m in self.members.items() if name.startswith("worker")]

    def kill(self, name: str) -> None:
        member = self.members[name]
        member.process.kill()
        member.process.wait()


def stop(process: subprocess.Popen[bytes], sig: int | None = signal.SIGTERM) -> int:
    """Send `sig` (None: it was sent already), then SIGKILL if it has not exited within
    STOP_SECONDS; the exit code."""
    if process.poll() is None:
        if sig is not None:
            process.send_signal(sig)
        try:
            return process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


def api_key(database_url: str, org: str = "fleet", slots: int = 16) -> str:
    """A key of a new organization with `slots` runs at a time, made as `intent keys` does."""
    store = open_store(database_url, upgrade=False)
    try:
        now = datetime.now(UTC)
        accounts.create_organization(store, org, slots, now)
        return accounts.create_api_key(store, org, now)[1]
    finally:
        store.engine.dispose()  # type: ignore[attr-defined]


def client(base_url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=f"{base_url}/v1/intent", headers={"x-api-key": key}, timeout=60.0)


def create_audiences(
    http: httpx.Client, topic_sets: list[list[int]], status: str = "active"
) -> list[str]:
    """One audience per topic set; their ids."""
    ids = []
    for n, topics in enumerate(topic_sets):
        body = {"name": f"fleet {n}", "status": status, "config": {"topicIds": topics}}
        reply = http.post("/audiences", json=body)
        reply.raise_for_status()
        ids.append(reply.json()["data"]["id"])
    return ids


def submit_manual_runs(http: httpx.Client, audiences: list[str], count: int) -> list[str]:
    """`count` manual runs, round robin over `audiences`; their ids."""
    ids = []
    for n in range(count):
        reply = http.post(f"/audiences/{audiences[n % len(audiences)]}/runs", json={})
        reply.raise_for_status()
        ids.append(reply.json()["data"]["id"])
    return ids


def runs_of(store: MetadataStore, audiences: list[str]) -> list[Run]:
    """Every run of the audiences, any status and type."""
    runs = []
    for audience in audiences:
        runs += store.list_runs(audience, None, 1000)  # type: ignore[arg-type]
    return runs


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """The first truthy value of `check()`, polled until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(POLL_SECONDS)


def all_ended(store: MetadataStore, run_ids: list[str]) -> bool:
    return all(_status(store, run_id) in ENDED for run_id in run_ids)


def _status(store: MetadataStore, run_id: str) -> RunStatus | None:
    run = store.get_run(run_id)  # type: ignore[arg-type]
    return None if run is None else run.status
