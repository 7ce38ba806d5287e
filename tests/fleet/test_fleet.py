"""A shared-nothing fleet: `intent serve`, a scheduler and three workers, each with its own
INTENT_HOME, sharing only PostgreSQL, Redis and one bucket (the dataset and the snapshots). Sixty
manual runs over six audiences go through the API, the daily scheduler picks up a date ingested
into the bucket by the CLI, and every run completes exactly once with its snapshot readable
through the API - also when one worker is SIGKILLed mid-run."""

import datetime as dt
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from benchmarks.fleet import (
    INTENT,
    Fleet,
    FleetConfig,
    all_ended,
    api_key,
    client,
    create_audiences,
    runs_of,
    submit_manual_runs,
    wait_until,
)
from cli.demo_data import popular_topics
from data.generator import generate
from data.metadata.connect import open_store
from data.metadata.store import MetadataStore
from data.storage import open_store as open_storage
from data.store_dataset import publish
from engine.states import RunStatus, RunType
from tests import services
from tests.dataset.files import export_date
from tests.e2e.processes import free_port
from tests.faults.tally import completions

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DATES = ("2026-11-25", "2026-11-26")
NEW_DATE = "2026-11-27"
AUDIENCES = 6
MANUAL_RUNS = 60
WORKERS = 3
LEASE, TICK = 3, 1
WAIT_SECONDS = 120.0


@pytest.fixture(scope="module")
def local_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 people, 300 topics, two days: generated once, uploaded to each test's prefix."""
    out = tmp_path_factory.mktemp("fleet") / "dataset"
    end = dt.date.fromisoformat(DATES[-1])
    generate(out, scale=0.001, days=len(DATES), end_date=end, seed=11, topics=300)
    return out


@pytest.fixture
def fleet_config(
    tmp_path: Path, local_dataset: Path, s3_bucket: str, postgres_url: str, redis_url: str
) -> Iterator[FleetConfig]:
    prefix = f"s3://{s3_bucket}/fleet-{uuid.uuid4().hex[:12]}"
    publish(local_dataset, open_storage(f"{prefix}/dataset", services.S3))
    config = FleetConfig(
        root=tmp_path / "fleet",
        dataset=f"{prefix}/dataset",
        snapshots=f"{prefix}/snapshots",  # the bucket is all the processes share
        database_url=postgres_url,
        broker_url=redis_url,
        queue=f"fleet-{uuid.uuid4().hex[:12]}",
        env={
            **services.aws_env(),
            "INTENT_TICK_SECONDS": str(TICK),
            "INTENT_LEASE_SECONDS": str(LEASE),
            "INTENT_WORKER_THREADS": "1",
        },
    )
    yield config
    broker = redis.Redis.from_url(redis_url)
    for key in broker.scan_iter(f"dramatiq:{config.queue}*"):
        broker.delete(key)


def test_a_fleet_completes_every_run_once_and_serves_every_snapshot(
    fleet_config: FleetConfig, local_dataset: Path, tmp_path: Path
) -> None:
    with Fleet(fleet_config) as fleet:
        store, http, audiences, manual = start_and_submit(fleet, local_dataset)
        wait_until(lambda: all_ended(store, manual), WAIT_SECONDS, "the manual runs")
        ingest_new_date(fleet, local_dataset, tmp_path)
        wait_until(lambda: daily_done(store, audiences, NEW_DATE), WAIT_SECONDS, "daily runs")
        check_every_run(fleet, store, http, audiences, manual)


def test_a_fleet_loses_no_run_when_a_worker_is_killed_mid_run(
    fleet_config: FleetConfig, local_dataset: Path
) -> None:
    with Fleet(fleet_config) as fleet:
        store, http, audiences, manual = start_and_submit(fleet, local_dataset)
        killed = kill_while_running(fleet, store, manual, "worker-1")
        wait_until(lambda: all_ended(store, manual), WAIT_SECONDS, "the manual runs")
        wait_until(lambda: daily_done(store, audiences, DATES[-1]), WAIT_SECONDS, "daily runs")
        check_every_run(fleet, store, http, audiences, manual)
        recovered = store.get_run(killed)
        assert recovered is not None
        assert recovered.lease_expiries >= 1
        assert recovered.attempts >= 2


def start_and_submit(fleet: Fleet, dataset: Path) -> tuple:
    url = fleet.start_api(free_port())
    store = open_store(fleet.config.database_url, upgrade=False)
    fleet.start("scheduler", ["scheduler"])
    fleet.start_workers(WORKERS)
    http = client(url, api_key(fleet.config.database_url))
    topics = popular_topics(dataset, AUDIENCES + 2)
    audiences = create_audiences(http, [topics[n : n + 3] for n in range(AUDIENCES)])
    manual = submit_manual_runs(http, audiences, MANUAL_RUNS)
    return store, http, audiences, manual


def ingest_new_date(fleet: Fleet, dataset: Path, tmp_path: Path) -> None:
    """`intent data ingest` of a new date into the bucket, as a process of its own."""
    files = export_date(dataset, DATES[-1], tmp_path / "new-date", suffix=".parquet")
    command = [INTENT, "data", "ingest", "--dataset", fleet.config.dataset]
    command += ["--date", NEW_DATE, "--intent", str(files["intent"])]
    done = subprocess.run(command, env=fleet.env("ingest"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def daily_done(store: MetadataStore, audiences: list[str], day: str) -> bool:
    daily = [run for run in runs_of(store, audiences) if run.run_type == RunType.DAILY]
    on_day = [run for run in daily if run.data_date == day]
    ended = all(run.status in (RunStatus.COMPLETED, RunStatus.FAILED) for run in on_day)
    return len(on_day) == len(audiences) and ended


def check_every_run(
    fleet: Fleet, store: MetadataStore, http, audiences: list[str], manual: list[str]
) -> None:
    """Every run of the audiences completed, by exactly one attempt, and its rows are served."""
    runs = runs_of(store, audiences)
    assert set(manual) <= {run.id for run in runs}
    assert [r.id for r in runs if r.status != RunStatus.COMPLETED] == []
    logs = fleet.worker_logs()
    assert [run.id for run in runs if completions(logs, run.id) != 1] == []
    for run in runs:
        reply = http.get(f"/audiences/{run.audience_id}/runs/{run.id}/results?limit=5")
        assert reply.status_code == 200, reply.text
        page = reply.json()["data"]
        assert page["total"] == run.result_count
        assert len(page["results"]) == min(5, page["total"])
    workers = [name for name in fleet.members if name.startswith("worker")]
    done = re.compile(r"attempt \d+ completed")
    busy = [name for name in workers if done.search(fleet.members[name].output())]
    assert len(busy) >= 2, "the runs were not shared between the workers"


def kill_while_running(fleet: Fleet, store: MetadataStore, runs: list[str], name: str) -> str:
    """SIGKILL worker `name` while it holds a running run (stopped first, so the run it was
    seen to hold cannot complete between the look and the kill); that run's id."""
    worker = fleet.members[name]
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        held = held_by(worker.output(), store, runs)
        if held is not None:
            worker.process.send_signal(signal.SIGSTOP)
            if held_by(worker.output(), store, runs) == held:
                fleet.kill(name)
                return held
            worker.process.send_signal(signal.SIGCONT)
        time.sleep(0.05)
    raise AssertionError(f"{name} never held a running run")


def held_by(log: str, store: MetadataStore, runs: list[str]) -> str | None:
    """A run the log says was started and not completed, and the store shows as running."""
    started = set(re.findall(r"run (\S+) attempt \d+ started", log))
    completed = set(re.findall(r"run (\S+) attempt \d+ completed", log))
    for run_id in sorted((started - completed) & set(runs)):
        run = store.get_run(run_id)  # type: ignore[arg-type]
        if run is not None and run.status == RunStatus.RUNNING:
            return run_id
    return None
