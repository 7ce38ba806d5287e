"""Builders for the API tests: a settable clock, a recording enqueue, and `Api`, a test client
on `create_app` with helpers to make organizations, audiences and runs."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from data.metadata.models import RunId
from data.metadata.store import MetadataStore
from jobs import accounts
from jobs.deps import JobDeps
from jobs.execute import execute_run
from jobs.settings import Settings

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
BASE = "/v1/intent"


@dataclass
class SetClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class SetTicker:
    """A monotonic clock in seconds that moves only when told (the caches' TTLs)."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class RecordingEnqueue:
    """Records the run ids sent; with `gate` set, each send waits for it (a request in flight)."""

    sent: list[RunId] = field(default_factory=list)
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, run_id: RunId, delay_seconds: float = 0.0) -> None:
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(timeout=10), "the gate was never opened"
        with self._lock:
            self.sent.append(run_id)


@dataclass(frozen=True)
class Tenant:
    """An organization and one live key, as request headers."""

    org_id: str
    key_id: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key}


def make_settings(home: Path, dataset: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "home": home,
        "database_url": f"sqlite:///{home / 'intent.db'}",
        "broker_url": "memory://",
        "dataset": dataset,
        "snapshots": home / "snapshots",
        "signing_secret": "test-signing-secret",
        "backend": "duckdb",
        "worker_threads": 1,
    }
    return Settings(**{**values, **overrides})


@dataclass
class Api:
    client: TestClient  # type: ignore[type-arg]
    store: MetadataStore
    deps: JobDeps
    clock: SetClock
    enqueued: RecordingEnqueue
    topic_ids: list[int]
    _tenants: int = 0

    def tenant(self, slots: int = 10) -> Tenant:
        self._tenants += 1
        name = f"org-{self._tenants}"
        org = accounts.create_organization(self.store, name, slots, self.clock())
        key, plaintext = accounts.create_api_key(self.store, name, self.clock())
        return Tenant(org.id, key.id, plaintext)

    def config(self, **overrides: Any) -> dict[str, Any]:
        return {"topicIds": self.topic_ids[:3], "minScore": 50, **overrides}

    def audience(self, tenant: Tenant, **body: Any) -> dict[str, Any]:
        payload = {"name": "Finance buyers", "config": self.config(), **body}
        reply = self.client.post(f"{BASE}/audiences", json=payload, headers=tenant.headers)
        assert reply.status_code == 201, reply.text
        return dict(reply.json()["data"])

    def queue_run(self, tenant: Tenant, audience_id: str, **body: Any) -> dict[str, Any]:
        url = f"{BASE}/audiences/{audience_id}/runs"
        reply = self.client.post(url, json={"runType": "manual", **body}, headers=tenant.headers)
        assert reply.status_code == 202, reply.text
        return dict(reply.json()["data"])

    def execute(self, run_id: str) -> None:
        execute_run(self.deps, RunId(run_id))

    def completed_run(self, tenant: Tenant, **audience: Any) -> tuple[str, str]:
        """(audience id, run id) of a run that has completed."""
        audience_id = self.audience(tenant, **audience)["id"]
        run_id = self.queue_run(tenant, audience_id)["id"]
        self.execute(run_id)
        return audience_id, run_id

    def run_url(self, audience_id: str, run_id: str, tail: str = "") -> str:
        return f"{BASE}/audiences/{audience_id}/runs/{run_id}{tail}"


ApiMaker = Callable[..., Api]
