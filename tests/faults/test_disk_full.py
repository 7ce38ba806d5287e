"""Fault: the snapshot store's disk is full while runs publish. The attempts fail with a
retryable error and are retried until attempts run out; no partial snapshot is ever visible;
the API keeps answering; once space is freed, a new run of each audience completes."""

import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from data.metadata.connect import open_store
from jobs import accounts
from tests.e2e.processes import IntentProcess, free_port, wait_until_ready
from tests.faults.small_disk import small_disk
from tests.faults.tally import Tally, completions, published, report
from tests.jobs.polling import seconds_until, wait_for
from tests.jobs.processes import running

LEASE, TICK, RETRY_BASE = 3, 1, 1
AUDIENCES = 4  # one run published before the disk fills, served throughout; three on it
DISK_BYTES = 4 * 1024 * 1024
LEFT_FREE = 8192  # less than one snapshot: some of its files fit, the rest do not
RECOVERY_BOUND = 10.0  # from freeing the space until every audience has its completed run
CONFIG = {"topicIds": [1, 2, 3]}

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def complete_snapshot(directory: Path) -> bool:
    """Whether a visible snapshot directory holds its manifest and every file it lists, whole."""
    try:
        manifest = json.loads((directory / "manifest.json").read_bytes())
        return all(
            (directory / entry["path"]).stat().st_size == entry["bytes"]
            for entry in manifest["files"]
        )
    except (OSError, ValueError, KeyError):
        return False


def visible_snapshots(root: Path) -> list[Path]:
    """The run directories a reader could resolve (`<org>/<audience>/<run>`)."""
    found = root.glob("*/*/*")
    return [path for path in found if path.is_dir() and not path.name.endswith(".exports")]


class Watch:
    """Polls in a thread what clients could see: every snapshot directory of the store must be
    complete, and the API must answer every request below 500."""

    def __init__(self, snapshots: Path, client: httpx.Client, paths: list[str]) -> None:
        self.partial: set[Path] = set()
        self.errors: list[str] = []
        self.answers = 0
        self._snapshots, self._client, self._paths = snapshots, client, paths
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "Watch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(0.02):
            self.partial.update(
                directory
                for directory in visible_snapshots(self._snapshots)
                if not complete_snapshot(directory)
            )
            for path in self._paths:
                self._ask(path)

    def _ask(self, path: str) -> None:
        try:
            status = self._client.get(path).status_code
        except httpx.HTTPError as exc:
            self.errors.append(f"{path}: {exc!r}")
            return
        self.answers += 1
        if status >= 500:
            self.errors.append(f"{path}: {status}")


def data(reply: httpx.Response, status: int | None) -> Any:
    """The envelope's data of a reply with `status` (None: any success)."""
    assert reply.status_code == status if status else reply.is_success, reply.text
    return reply.json()["data"]


def queue_run(client: httpx.Client, audience_id: str) -> str:
    """A new run of the audience; the path of that run."""
    run = data(client.post(f"/audiences/{audience_id}/runs", json={}), 202)
    return f"/audiences/{audience_id}/runs/{run['id']}"


def statuses(client: httpx.Client, paths: list[str]) -> list[dict[str, Any]]:
    return [data(client.get(path), 200) for path in paths]


@pytest.fixture
def env(redis_env, tmp_path):
    with small_disk(DISK_BYTES) as disk:
        yield (
            {
                **redis_env,
                "INTENT_SNAPSHOTS": str(disk.path / "snapshots"),
                "INTENT_LEASE_SECONDS": str(LEASE),
                "INTENT_TICK_SECONDS": str(TICK),
                # Retries still back off, by 0.5-1 s then 1-2 s instead of 2.5-5 s then 5-10 s:
                # the test waits for every attempt of the runs on the full disk.
                "INTENT_RETRY_BASE_SECONDS": str(RETRY_BASE),
                "INTENT_RATE_LIMIT_PER_MINUTE": "1000000",  # the watch asks often; not under test
            },
            disk,
        )


@pytest.fixture
def client(env, tmp_path):
    """A client of a new organization on a running `intent serve` (it only serves)."""
    settings, _ = env
    store = open_store(settings["INTENT_DATABASE_URL"])
    now = datetime.now(UTC)
    accounts.create_organization(store, "faults", 10, now)
    key = accounts.create_api_key(store, "faults", now)[1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = IntentProcess(["serve", "--port", str(port)], settings, tmp_path / "serve.log")
    try:
        wait_until_ready(server, base)
        headers = {"x-api-key": key}
        with httpx.Client(base_url=f"{base}/v1/intent", headers=headers, timeout=10) as http:
            yield http
    finally:
        server.stop()


def built_export(client: httpx.Client, run_path: str) -> dict[str, Any] | None:
    """The run's completed CSV export (asking again rebuilds a failed one), or None for now."""
    answer = data(client.post(run_path + "/exports", json={"format": "csv"}), None)
    return answer if answer["export"]["status"] == "completed" else None


def ended(client: httpx.Client, paths: list[str]) -> list[dict[str, Any]] | None:
    """The runs, once every one of them is completed or failed."""
    runs = statuses(client, paths)
    return runs if all(run["status"] in ("completed", "failed") for run in runs) else None


def test_a_full_snapshot_disk_fails_runs_retryably_and_new_runs_complete_once_freed(
    env, client, tmp_path, record_property
):
    settings, disk = env
    snapshots = disk.path / "snapshots"
    logs = [tmp_path / "worker.log"]
    audiences = [
        data(client.post("/audiences", json={"name": f"full {n}", "config": CONFIG}), 201)["id"]
        for n in range(AUDIENCES)
    ]
    with (
        running(["scheduler"], settings, tmp_path / "scheduler.log"),
        running(["worker"], settings, logs[0]),
    ):
        served = queue_run(client, audiences.pop())  # published before the disk fills up
        wait_for(lambda: ended(client, [served]), seconds=30, message="the served run ended")
        disk.fill(leave=LEFT_FREE)
        first = [queue_run(client, audience) for audience in audiences]
        reads = [served + "/results", served + "/stats", served + "/export.csv"]
        with Watch(snapshots, client, first + reads) as watch:
            stored_export = client.post(served + "/exports", json={"format": "csv"})
            on_full_disk = wait_for(lambda: ended(client, first), seconds=30, message="runs ended")
            disk.free()
            freed = time.monotonic()
            failed = [run for run in on_full_disk if run["status"] == "failed"]
            again = [queue_run(client, run["audienceId"]) for run in failed]
            recovery = seconds_until(
                freed,
                lambda: all(run["status"] == "completed" for run in statuses(client, again)),
                seconds=30,
            )
            rebuilt = wait_for(lambda: built_export(client, served), seconds=30, message="export")
        final = statuses(client, [served, *first, *again])
    done = [r for r in final if r["status"] == "completed" and published(snapshots, r["id"]) == 1]
    twice = [
        r for r in final if published(snapshots, r["id"]) > 1 or completions(logs, r["id"]) > 1
    ]
    counts = Tally(
        completed=len(done), duplicated=len(twice), lost=len(final) - len(done) - len(failed)
    )
    report(record_property, "snapshot disk full", recovery, counts)
    print(
        f"{len(failed)} of {len(first)} runs failed on the full disk, each after its attempts: "
        f"{sorted({(run['errorCode'], run['attempts']) for run in failed})}; "
        f"the API answered {watch.answers} requests meanwhile; a stored export asked for on the "
        f"full disk got {stored_export.status_code}, then one was built once space was freed"
    )
    assert failed  # the disk was too full for at least one snapshot
    for run in failed:
        assert run["errorCode"] == "INTERNAL"  # retryable: it was retried until attempts ran out
        assert "No space left on device" in run["errorMessage"]
        assert run["attempts"] == 3
        assert published(snapshots, run["id"]) == 0
    assert counts == Tally(completed=AUDIENCES, duplicated=0, lost=0)
    assert not watch.partial
    assert not watch.errors
    assert stored_export.status_code < 500, stored_export.text
    assert watch.answers > 0
    download = httpx.get(rebuilt["downloadUrl"], timeout=10)
    rows = len(download.text.splitlines()) - 1
    assert rows == rebuilt["export"]["rowCount"] == final[0]["resultCount"]
    assert not list((snapshots / ".staging").glob("*"))
    assert recovery is not None
    assert recovery < RECOVERY_BOUND
