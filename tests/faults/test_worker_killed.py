"""Fault: a worker SIGKILLed while it executes runs, on Redis and on RabbitMQ, and (Redis) the
broker's queues deleted as well. The scheduler process reconciles; a new worker finishes every
run exactly once."""

import signal
import subprocess
import time
from dataclasses import dataclass

import pytest
import redis

from jobs.deps import JobDeps
from jobs.services import connect
from jobs.settings import Settings
from tests.faults.tally import Tally, report, tally
from tests.jobs.factories import all_completed, running_runs, submit_many
from tests.jobs.polling import first_times
from tests.jobs.processes import running

LEASE, TICK = 3, 1
RUNS = 6
# A killed attempt is back in the queue within the lease plus two reconcile ticks. The new
# worker starts right after the kill, so every run completes by that bound or by the moment the
# new worker consumes, whichever is later, plus the work itself: six runs on two threads.
RECOVERY_BOUND = LEASE + 2 * TICK
WORK_ALLOWANCE = 4.0

pytestmark = [pytest.mark.faults, pytest.mark.slow]


def fault_env(env: dict[str, str]) -> dict[str, str]:
    return {**env, "INTENT_LEASE_SECONDS": str(LEASE), "INTENT_TICK_SECONDS": str(TICK)}


@dataclass
class Outcome:
    deps: JobDeps
    runs: list
    killed: list
    counts: Tally
    recovered: float  # from the SIGKILL until the reconciler had requeued every killed run
    worker_ready: float  # from the SIGKILL until the new worker consumed
    seconds: float  # from the SIGKILL until every run was completed


def kill_mid_run_then_recover(env, tmp_path, after_kill=lambda: None) -> Outcome:
    deps = connect(Settings.from_env(env)).deps
    logs = [tmp_path / "first-worker.log", tmp_path / "second-worker.log"]
    with running(["scheduler"], env, tmp_path / "scheduler.log"):
        with running(["worker"], env, logs[0]) as first:
            runs = submit_many(deps, RUNS)
            kill_while_running(first, deps, runs)
        killed_at = time.monotonic()
        killed = running_runs(deps, runs)
        after_kill()
        with running(["worker"], env, logs[1]):
            times = first_times(
                killed_at,
                {
                    "recovered": lambda: not set(killed) & set(running_runs(deps, runs)),
                    "worker_ready": lambda: "consuming" in logs[1].read_text(),
                    "seconds": lambda: all_completed(deps, runs),
                },
                seconds=60,
            )
    return Outcome(deps, runs, killed, tally(deps, runs, logs), **times)


def kill_while_running(worker: subprocess.Popen, deps: JobDeps, runs: list) -> None:
    """SIGKILL the worker at a moment it holds a running run.

    The worker writes every state change itself, so while it is stopped (SIGSTOP) the runs the
    store shows as running stay running: looking and killing then cannot straddle a completion.
    """
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if running_runs(deps, runs):
            worker.send_signal(signal.SIGSTOP)
            if running_runs(deps, runs):
                worker.kill()
                worker.wait()
                return
            worker.send_signal(signal.SIGCONT)
        time.sleep(0.01)
    raise AssertionError("no run was running within 60 s")


def _delete_queues(env) -> None:
    client = redis.Redis.from_url(env["INTENT_BROKER_URL"])
    for key in client.scan_iter(f"dramatiq:*{env['INTENT_QUEUE_NAME']}*"):
        client.delete(key)


def resend_wait(outcome: Outcome) -> float:
    """What may pass after the new worker consumes: the work, and, for a run whose message was
    lost with the queues, its re-send, due once it waited a quarter of its age (the reconciler's
    backoff; the age grows with a slow start of the new worker on a busy machine)."""
    age = outcome.worker_ready + LEASE  # the runs were submitted shortly before the kill
    return max(2 * TICK, age / 4) + TICK + WORK_ALLOWANCE


def _check(outcome: Outcome, record_property, fault: str) -> None:
    deps, runs = outcome.deps, outcome.runs
    attempts = {run.id: deps.store.get_run(run.id).attempts for run in runs}
    record_property("seconds_from_sigkill_to_new_worker", round(outcome.worker_ready, 2))
    record_property("seconds_from_sigkill_to_requeue", round(outcome.recovered, 2))
    report(record_property, fault, outcome.seconds, outcome.counts)
    print(
        f"killed {len(outcome.killed)} running runs; after the SIGKILL they were requeued in "
        f"{outcome.recovered:.2f} s, the new worker consumed in {outcome.worker_ready:.2f} s"
    )
    assert outcome.killed
    assert outcome.counts == Tally(completed=RUNS, duplicated=0, lost=0)
    assert outcome.recovered < RECOVERY_BOUND
    assert all(attempts[run_id] == 2 for run_id in outcome.killed)
    assert outcome.seconds < max(RECOVERY_BOUND, outcome.worker_ready) + resend_wait(outcome)


def test_runs_of_a_sigkilled_worker_complete_on_a_new_one(broker_env, tmp_path, record_property):
    broker = broker_env["INTENT_BROKER_URL"].split(":", 1)[0]
    outcome = kill_mid_run_then_recover(fault_env(broker_env), tmp_path)
    _check(outcome, record_property, f"worker SIGKILLed mid-run ({broker})")


@pytest.mark.redis
def test_runs_complete_after_the_broker_queues_are_deleted(redis_env, tmp_path, record_property):
    env = fault_env(redis_env)
    outcome = kill_mid_run_then_recover(env, tmp_path, lambda: _delete_queues(env))
    _check(outcome, record_property, "worker SIGKILLed and the Redis queues deleted")
