"""Fault: a worker SIGKILLed while it publishes a snapshot to S3, after results.parquet and
stats.json were uploaded and before the manifest. Nothing of the attempt is visible as a
snapshot; after the lease the run is sent again and completes on a new worker, and the
reconciler removes the dead attempt's objects once they are older than the grace period."""

import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from data.errors import SnapshotError
from data.snapshots import ObjectSnapshotStore
from engine.states import RunStatus
from jobs.reconciler import reconcile_once
from jobs.services import connect, utc_now
from jobs.settings import Settings
from tests import services
from tests.jobs.factories import all_completed, submit_many
from tests.jobs.polling import wait_for
from tests.jobs.processes import running, stop

LEASE, TICK = 3, 1
ROOT = Path(__file__).resolve().parents[2]
FAR_FUTURE = timedelta(days=1)

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.redis]


@contextmanager
def stalling_publisher(env: dict[str, str], marker: Path, log: Path):
    """A worker whose publishes stall before the manifest (tests/faults/stalling_publisher)."""
    command = [sys.executable, "-m", "tests.faults.stalling_publisher"]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env={**env, "STALL_MARKER": str(marker)}, cwd=ROOT, stdout=out, stderr=out
        )
    try:
        yield process
    finally:
        stop(process)


def key_of(snapshots: ObjectSnapshotStore, location: object) -> str:
    return str(location).removeprefix(snapshots.root + "/")


def test_a_publish_cut_by_a_sigkill_leaves_no_snapshot_and_completes_on_retry(redis_env, tmp_path):
    with services.temporary_bucket("intent-publish") as bucket:
        env = {
            **redis_env,
            **services.aws_env(),
            "INTENT_SNAPSHOTS": f"s3://{bucket}/snapshots",
            "INTENT_LEASE_SECONDS": str(LEASE),
            "INTENT_TICK_SECONDS": str(TICK),
            "INTENT_WORKER_THREADS": "1",
        }
        deps = connect(Settings.from_env(env)).deps
        snapshots = deps.snapshots
        assert isinstance(snapshots, ObjectSnapshotStore)
        marker = tmp_path / "stalled"
        with running(["scheduler"], env, tmp_path / "scheduler.log"):
            with stalling_publisher(env, marker, tmp_path / "first-worker.log") as first:
                [run] = submit_many(deps, 1)
                wait_for(marker.exists, seconds=90, message="the publish to stall")
                first.kill()
                first.wait()
            # One stalled attempt, or two when a busy machine delayed the heartbeat past the
            # short lease and the run was sent again to the same worker before the kill.
            leftovers = snapshots.list_staging(utc_now() + FAR_FUTURE)
            assert 1 <= len(leftovers) <= 2
            for leftover in leftovers:
                assert snapshots.store.files(key_of(snapshots, leftover)) == [
                    "results.parquet",
                    "stats.json",
                ]
                with pytest.raises(SnapshotError):
                    snapshots.read_manifest(leftover)
            cut = deps.store.get_run(run.id)
            assert (cut.status, cut.snapshot_path) == (RunStatus.RUNNING, None)

            with running(["worker"], env, tmp_path / "second-worker.log"):
                wait_for(lambda: all_completed(deps, [run]), seconds=90, message="the retry")

        done = deps.store.get_run(run.id)
        assert done.attempts == len(leftovers) + 1
        assert done.snapshot_path not in leftovers
        manifest = snapshots.read_manifest(done.snapshot_path)
        assert (manifest["attempt"], manifest["resultCount"]) == (done.attempts, done.result_count)
        assert snapshots.read_page(done.snapshot_path, 0, 10)[1] == done.result_count

        grace = timedelta(seconds=deps.settings.run_time_limit_seconds + LEASE)
        report = reconcile_once(deps, utc_now() + grace + timedelta(minutes=1))
        assert report.staging_removed == leftovers
        assert all(snapshots.store.files(key_of(snapshots, gone)) == [] for gone in leftovers)
        assert snapshots.list_staging(utc_now() + FAR_FUTURE) == []
        assert snapshots.read_manifest(done.snapshot_path) == manifest
