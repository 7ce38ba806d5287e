"""Fault: the metadata database (a private PostgreSQL server) crashes and restarts while runs
execute. Every run still ends completed, exactly once, with one snapshot."""

import time

import pytest
import sqlalchemy as sa

from jobs.services import connect
from jobs.settings import Settings
from tests.faults.postgres import private_postgres
from tests.faults.tally import Tally, published, report, tally
from tests.jobs.factories import all_completed, running_runs, submit_many
from tests.jobs.polling import seconds_until, wait_for
from tests.jobs.processes import intent_env, running

LEASE, TICK = 3, 1
RUNS = 8
OUTAGE_SECONDS = 2.0  # long enough for the attempts in flight to finish their work meanwhile
# After the restart, a run whose attempt lost its completion to the outage is requeued once its
# lease has expired (it has, the heartbeats failed) at the next tick; the rest is the work.
RECOVERY_BOUND = LEASE + 2 * TICK + 4.0

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def answered(check):
    """`check` as a poll that counts a refused database connection as not yet."""

    def poll() -> bool:
        try:
            return bool(check())
        except sa.exc.OperationalError:
            return False

    return poll


def outcome(deps, run_id) -> tuple:
    """What a failure message shows of each run: its status, attempts, error and snapshots."""
    run = deps.store.get_run(run_id)
    snapshots = published(deps.settings.snapshots, run_id)
    return (run_id, run.status.value, run.attempts, run.lease_expiries, run.error_code, snapshots)


def test_runs_executing_while_postgres_restarts_complete_exactly_once(
    tmp_path, dataset, redis_env, record_property
):
    logs = [tmp_path / "worker.log"]
    with private_postgres() as server:
        env = {
            **intent_env(tmp_path, dataset, server.url, redis_env["INTENT_BROKER_URL"]),
            "INTENT_QUEUE_NAME": redis_env["INTENT_QUEUE_NAME"],  # the fixture deletes its keys
            "INTENT_LEASE_SECONDS": str(LEASE),
            "INTENT_TICK_SECONDS": str(TICK),
            "INTENT_WORKER_THREADS": "2",
        }
        deps = connect(Settings.from_env(env)).deps
        with (
            running(["scheduler"], env, tmp_path / "scheduler.log"),
            running(["worker"], env, logs[0]),
        ):
            runs = submit_many(deps, RUNS)
            in_flight = wait_for(lambda: running_runs(deps, runs), seconds=60, message="a run")
            server.stop()
            time.sleep(OUTAGE_SECONDS)  # the fault itself lasts this long
            server.start()
            restarted = time.monotonic()
            completed = answered(lambda: all_completed(deps, runs))
            recovery = seconds_until(restarted, completed, seconds=60)
            counts = tally(deps, runs, logs)
            retried = [run for run in in_flight if deps.store.get_run(run).attempts > 1]
            ended = [outcome(deps, run.id) for run in runs]
    report(record_property, "PostgreSQL restarted mid-run", recovery, counts)
    print(
        f"{len(in_flight)} runs were running when the server went down; "
        f"{len(retried)} of them lost their first attempt's completion to the outage"
    )
    assert counts == Tally(completed=RUNS, duplicated=0, lost=0), ended
    assert recovery is not None
    assert recovery < RECOVERY_BOUND
