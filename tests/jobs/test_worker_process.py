"""Runs submitted through submit_run complete on an `intent worker` process, over Redis and
over RabbitMQ, with PostgreSQL as the metadata store."""

import signal

import pytest

from jobs.services import connect
from jobs.settings import Settings
from tests.jobs.factories import all_completed, running_runs, submit_many
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
        wait_for(lambda: running_runs(deps, runs), seconds=60, message="a run running")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    assert all_completed(deps, runs)


@pytest.mark.rabbitmq
def test_runs_complete_on_a_worker_process_over_rabbitmq(amqp_env, tmp_path) -> None:
    deps = connect(Settings.from_env(amqp_env)).deps
    with running(["worker"], amqp_env, tmp_path / "worker.log"):
        runs = submit_many(deps, RUNS)
        wait_for(lambda: all_completed(deps, runs), seconds=60, message="every run completed")
    assert [deps.store.get_run(run.id).attempts for run in runs] == [1] * RUNS
