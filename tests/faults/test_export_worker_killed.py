"""Fault: a worker SIGKILLed while it writes a stored export, on Redis and on RabbitMQ. The
scheduler process reconciles; after its lease the build is sent again, a new worker publishes
the file, and the export ends completed with exactly one file beside the snapshot."""

import hashlib
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from engine.states import ExportStatus, RunType
from jobs.execute import execute_run
from jobs.exports import ensure_export
from jobs.services import connect
from jobs.settings import Settings
from jobs.submit import submit_run
from jobs.work import InlineRunner
from tests.jobs.factories import FakeClock, audience_maker, publish_tiny
from tests.jobs.polling import first_times, wait_for
from tests.jobs.processes import running, stop

LEASE, TICK = 3, 1
# The build is sent again within the lease plus two reconcile ticks of the kill; the new worker
# starts right after the kill, so the export completes by that bound or by the moment the new
# worker consumes, whichever is later, plus the writing of a tiny file.
RESEND_BOUND = LEASE + 2 * TICK
WORK_ALLOWANCE = 4.0
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.faults, pytest.mark.slow]


@contextmanager
def stalling_worker(env: dict[str, str], marker: Path, log: Path):
    """A worker whose export builds stall after their first chunk (tests/faults/stalling_worker)."""
    command = [sys.executable, "-m", "tests.faults.stalling_worker"]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env={**env, "STALL_MARKER": str(marker)}, cwd=ROOT, stdout=out, stderr=out
        )
    try:
        yield process
    finally:
        stop(process)


def completed_run(deps):
    """A completed run, executed here (no worker) with a tiny snapshot."""
    inline = replace(deps, runner=InlineRunner(publish_tiny))
    audience = audience_maker(deps.store, FakeClock())()
    run = submit_run(inline, audience=audience, run_type=RunType.MANUAL, data_date=None,
                     now=deps.clock())  # fmt: skip
    execute_run(inline, run.id)
    return deps.store.get_run(run.id)


def test_an_export_cut_by_a_sigkill_completes_with_one_file(broker_env, tmp_path, record_property):
    env = {**broker_env, "INTENT_LEASE_SECONDS": str(LEASE), "INTENT_TICK_SECONDS": str(TICK)}
    deps = connect(Settings.from_env(env)).deps
    run = completed_run(deps)
    marker = tmp_path / "stalled"
    with running(["scheduler"], env, tmp_path / "scheduler.log"):
        with stalling_worker(env, marker, tmp_path / "first-worker.log") as first:
            export, queued = ensure_export(deps, run, "csv", deps.clock())
            assert (queued, export.status) == (True, ExportStatus.PROCESSING)
            wait_for(marker.exists, seconds=60, message="the build to stall")
            first.kill()
            first.wait()
        killed_at = time.monotonic()
        out = Path(str(export.path))
        assert [p.name for p in out.parent.iterdir()] == [".results.csv.1.partial"]
        second = tmp_path / "second-worker.log"
        with running(["worker"], env, second):
            times = first_times(
                killed_at,
                {
                    "worker_ready": lambda: "consuming" in second.read_text(),
                    "seconds": lambda: _completed(deps, export.id),
                },
                seconds=90,
            )
    done = _completed(deps, export.id)
    broker = env["INTENT_BROKER_URL"].split(":", 1)[0]
    record_property("recovery_seconds", round(times["seconds"], 2))
    record_property("seconds_from_sigkill_to_new_worker", round(times["worker_ready"], 2))
    print(
        f"\nworker SIGKILLed mid-export ({broker}): time to recovery {times['seconds']:.2f} s "
        f"(the new worker consumed after {times['worker_ready']:.2f} s)"
    )
    assert done is not None
    assert done.attempts == 2
    assert [p.name for p in out.parent.iterdir()] == ["results.csv"]
    assert hashlib.sha256(out.read_bytes()).hexdigest() == done.sha256
    assert times["seconds"] < max(RESEND_BOUND, times["worker_ready"]) + WORK_ALLOWANCE


def _completed(deps, export_id):
    export = deps.store.get_export(export_id)
    return export if export.status == ExportStatus.COMPLETED else None
