"""Test doubles and builders for the jobs layer: a fake clock, a recording enqueue, datasets,
settings, audiences and result tables. Everything is generated and deterministic."""

import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from data import contract, writer
from data.metadata.models import Audience, AudienceId, OrgId, Run, RunId
from data.metadata.store import MetadataStore
from data.snapshots import SnapshotRef
from engine.schema import RESULT_SCHEMA, MaterializeResult
from engine.states import RunStatus, RunType
from jobs.deps import JobDeps
from jobs.settings import Settings
from jobs.submit import submit_run
from jobs.work import WorkOrder

START = dt.datetime(2024, 6, 3, 6, 0, tzinfo=dt.UTC)
DATES = ("2024-06-01", "2024-06-02", "2024-06-03")
TOPICS = (1, 2, 3, 4, 5)


@dataclass
class FakeClock:
    now: dt.datetime = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


@dataclass
class RecordingEnqueue:
    """Records every run id sent; `down` makes it raise like an unreachable broker."""

    sent: list[RunId] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)  # of each send, in order
    down: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, run_id: RunId, delay_seconds: float = 0.0) -> None:
        if self.down:
            raise ConnectionError("broker unreachable")
        with self._lock:
            self.sent.append(run_id)
            self.delays.append(delay_seconds)


def write_dataset(root: Path, dates: tuple[str, ...] = DATES, people: int = 60) -> Path:
    """A small valid dataset: five topics, `people` people, one intent table per date."""
    writer.write_topics(root, topics_table())
    writer.write_people(root, "v1", people_table(people))
    for day in dates:
        writer.write_intent_date(root, day, intent_table(people, day), "v1")
    return root


def topics_table() -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"topic_id": t, "name": f"topic {t}", "type": "b2b", "industry": "software",
             "category": "tools", "keywords": [f"word{t}"]}
            for t in TOPICS
        ]
    )  # fmt: skip


def people_table(count: int) -> pa.Table:
    blank = dict.fromkeys(contract.PEOPLE_TEXT_COLUMNS)
    rows = [
        blank
        | {
            "person_id": pid,
            "hashed_email": hashlib.sha256(f"person{pid}@example.com".encode()).hexdigest(),
            "first_name": f"first{pid}",
            "job_title": "chief financial officer" if pid % 3 == 0 else "engineer",
            "seniority": "c_suite" if pid % 3 == 0 else "senior",
            "company_industry": "software",
            "country": "united states",
        }
        for pid in range(1, count + 1)
    ]
    return pa.Table.from_pylist(rows)


def intent_table(people: int, day: str) -> pa.Table:
    shift = int(day[-2:])
    rows = [
        {"person_id": pid, "topic_id": t, "score": 50 + (pid * 7 + t * 13 + shift) % 50}
        for pid in range(1, people + 1)
        for t in TOPICS
        if (pid + t + shift) % 3 != 0
    ]
    return pa.Table.from_pylist(rows)


def make_settings(home: Path, dataset: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "home": home,
        "database_url": f"sqlite:///{home / 'intent.db'}",
        "broker_url": "memory://",
        "dataset": dataset,
        "snapshots": home / "snapshots",
        "signing_secret": "test-secret",
        "lease_seconds": 30,
        "max_attempts": 3,
        "tick_seconds": 5,
        "run_time_limit_seconds": 60,
        "worker_threads": 2,
    }
    values.update(overrides)
    return Settings(**values)


AudienceMaker = Callable[..., Audience]


def audience_maker(store: MetadataStore, clock: FakeClock) -> AudienceMaker:
    """`make(**overrides)`: a new audience (active, topics 1-3) in one shared organization."""
    org = store.create_organization(f"org-{uuid.uuid4().hex[:12]}", 10, clock())
    counter = iter(range(1, 1_000_000))

    def make(**overrides: Any) -> Audience:
        number = next(counter)
        config = overrides.pop("config", {"topicIds": [1, 2, 3]})
        values: dict[str, Any] = {
            "id": AudienceId(str(uuid.uuid4())),
            "organization_id": OrgId(org.id),
            "name": f"audience {number}",
            "status": "active",
            "config_json": json.dumps(config, sort_keys=True),
            "config_hash": hashlib.sha256(json.dumps(config).encode()).hexdigest(),
            "created_at": clock(),
            "updated_at": clock(),
        }
        values.update(overrides)
        audience = Audience(**values)
        store.create_audience(audience)
        return audience

    return make


def tiny_result(rows: int = 0) -> MaterializeResult:
    return MaterializeResult(RESULT_SCHEMA.empty_table(), candidate_count=rows, backend="fake")


def publish_tiny(order: WorkOrder) -> SnapshotRef:
    """A work target that skips the engine: publishes an empty result for the order."""
    return order.snapshots.publish(
        order.key,
        tiny_result(),
        attempt=order.attempt,
        stats={"total": 0},
        manifest_extra=order.manifest_extra,
    )


def submit_many(deps: JobDeps, count: int) -> list[Run]:
    """`count` manual runs, each of a new audience, submitted through submit_run."""
    make = audience_maker(deps.store, FakeClock())
    return [
        submit_run(deps, audience=make(), run_type=RunType.MANUAL, data_date=None, now=deps.clock())
        for _ in range(count)
    ]


def all_completed(deps: JobDeps, runs: list[Run]) -> bool:
    return all(deps.store.get_run(run.id).status == RunStatus.COMPLETED for run in runs)


def running_runs(deps: JobDeps, runs: list[Run]) -> list[RunId]:
    return [run.id for run in runs if deps.store.get_run(run.id).status == RunStatus.RUNNING]
