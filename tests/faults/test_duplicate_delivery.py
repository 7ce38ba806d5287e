"""Fault: the same run message delivered 20 times at once, to two worker processes of four
threads each (RabbitMQ). The database lets one delivery claim the run: one execution, one
snapshot; the other deliveries are acknowledged and dropped."""

import dataclasses
import threading
import time
from pathlib import Path

import pytest

from jobs.services import connect
from jobs.settings import Settings
from tests.faults.tally import Tally, executions, published, report, tally
from tests.jobs.factories import all_completed, submit_many
from tests.jobs.polling import seconds_until, wait_for
from tests.jobs.processes import running

RUNS = 3
DELIVERIES = 20  # of each run's message
RECOVERY_BOUND = 10.0  # every delivery consumed; the runs themselves take a fraction of it

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.rabbitmq, pytest.mark.postgres]


def dropped(logs, run_id: str) -> int:
    """Deliveries the workers acknowledged without work: the run was not queued any more."""
    line = f"run {run_id} is not queued"
    return sum(log.read_text(errors="replace").count(line) for log in logs)


def deliver_at_once(enqueue, run_ids: list[str]) -> None:
    """Each id sent DELIVERIES times, every send from its own thread, all released together."""
    sends = [run_id for run_id in run_ids for _ in range(DELIVERIES)]
    gate = threading.Barrier(len(sends))

    def send(run_id: str) -> None:
        gate.wait()
        enqueue(run_id)

    threads = [threading.Thread(target=send, args=(run_id,)) for run_id in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_a_run_delivered_twenty_times_at_once_executes_once(amqp_env, tmp_path, record_property):
    env = {**amqp_env, "INTENT_WORKER_THREADS": "4"}
    deps = connect(Settings.from_env(env)).deps
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    with running(["worker"], env, logs[0]), running(["worker"], env, logs[1]):
        wait_for(
            lambda: all("consuming" in log.read_text() for log in logs),
            seconds=60,
            message="both workers consuming",
        )
        silent = dataclasses.replace(deps, enqueue=lambda run_id, delay_seconds=0.0: None)
        runs = submit_many(silent, RUNS)  # stored and queued, no message sent yet
        started = time.monotonic()
        deliver_at_once(deps.enqueue, [run.id for run in runs])
        recovery = seconds_until(
            started,
            lambda: (
                all_completed(deps, runs)
                and all(dropped(logs, run.id) == DELIVERIES - 1 for run in runs)
            ),
            seconds=60,
        )
        counts = tally(deps, runs, logs)
    report(record_property, f"one run message delivered {DELIVERIES} times", recovery, counts)
    assert counts == Tally(completed=RUNS, duplicated=0, lost=0)
    assert [executions(logs, run.id) for run in runs] == [1] * RUNS
    assert [deps.store.get_run(run.id).attempts for run in runs] == [1] * RUNS
    assert [published(deps.settings.snapshots, run.id) for run in runs] == [1] * RUNS
    assert not list((Path(deps.settings.snapshots) / ".staging").glob("*"))
    assert recovery is not None
    assert recovery < RECOVERY_BOUND
