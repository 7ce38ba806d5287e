"""Runs submitted through submit_run complete on an `intent worker` process, over Redis and
over RabbitMQ, with PostgreSQL as the metadata store."""

import signal

import pytest

from engine.states import RunStatus
from jobs.services import connect
from jobs.settings import Settings
from tests.jobs.factories import all_completed, submit_many
from tests.jobs.polling import wait_for
from tests.jobs.processes import running

RUNS = 4
pytestmark = pytest.mark.slow


@pytest.mark.redis
def test_runs_complete_on_a_worker_process_over_redis(redis_env, tmp_path) -> None:
    deps = connect(Settings.from_env(redis_env)).deps
    with running(["worker"], redis_env, tmp_path / "worker.log"):
        runs = submit_many(deps, RUNS)
        wait_for(lambda: all_completed(deps, runs), seconds=60, message="every run completed")
    assert [deps.store.get_run(run.id).attempts for run in runs] == [1] * RUNS


@pytest.mark.redis
def test_worker_stopped_by_sigterm_while_running_finishes_its_runs(redis_env, tmp_path) -> None:
    deps = connect(Settings.from_env(redis_env)).deps
    with running(["worker"], redis_env, tmp_path / "worker.log") as worker:
        runs = submit_many(deps, 2)
        # Both runs claimed (a message the worker has not fetched yet stays in the broker when
        # it stops, and nothing else here would take it), and one at least still running.
        wait_for(lambda: claimed_and_running(deps, runs), seconds=60, message="runs claimed")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    assert all_completed(deps, runs)


def claimed_and_running(deps, runs) -> bool:
    """No run still queued, and at least one running."""
    statuses = {deps.store.get_run(run.id).status for run in runs}
    return RunStatus.QUEUED not in statuses and RunStatus.RUNNING in statuses


@pytest.mark.rabbitmq
def test_runs_complete_on_a_worker_process_over_rabbitmq(amqp_env, tmp_path) -> None:
    deps = connect(Settings.from_env(amqp_env)).deps
    with running(["worker"], amqp_env, tmp_path / "worker.log"):
        runs = submit_many(deps, RUNS)
        wait_for(lambda: all_completed(deps, runs), seconds=60, message="every run completed")
    assert [deps.store.get_run(run.id).attempts for run in runs] == [1] * RUNS
