"""Retryable run failures come back after an exponential backoff with jitter, not at once."""

import pytest

from engine.states import RunStatus, RunType
from jobs.execute import execute_run
from jobs.failures import retry_delay
from jobs.reconciler import reconcile_once
from jobs.submit import submit_run
from jobs.work import InlineRunner
from tests.jobs.factories import make_settings


def _disk_full(order):
    raise OSError("disk full")


LOWEST, HIGHEST = (lambda low, high: low), (lambda low, high: high)


@pytest.mark.parametrize(
    ("attempt", "lowest", "highest"), [(1, 2.5, 5), (2, 5, 10), (3, 10, 20), (10, 150, 300)]
)
def test_the_delay_doubles_per_attempt_up_to_the_maximum_with_half_of_it_random(
    tmp_path, attempt, lowest, highest
) -> None:
    settings = make_settings(tmp_path, tmp_path, retry_base_seconds=5, retry_max_seconds=300)
    assert retry_delay(attempt, settings, LOWEST) == lowest
    assert retry_delay(attempt, settings, HIGHEST) == highest


def test_a_retryable_failure_is_sent_again_after_its_backoff(
    make_deps, store, make_audience, enqueue
) -> None:
    deps = make_deps(store, runner=InlineRunner(_disk_full))
    run = submit_run(deps, audience=make_audience(), run_type=RunType.MANUAL, data_date=None,
                     now=deps.clock())  # fmt: skip
    execute_run(deps, run.id)
    requeued = deps.store.get_run(run.id)
    assert requeued.status == RunStatus.QUEUED
    assert enqueue.sent == [run.id, run.id]
    first_delay = enqueue.delays[-1]
    assert 2.5 <= first_delay <= 5
    assert (requeued.last_enqueued_at - deps.clock()).total_seconds() == pytest.approx(first_delay)


def test_the_reconciler_does_not_send_a_backed_off_run_before_it_is_due(
    make_deps, store, make_audience, enqueue
) -> None:
    deps = make_deps(store, runner=InlineRunner(_disk_full),
                     settings={"retry_base_seconds": 60})  # fmt: skip
    run = submit_run(deps, audience=make_audience(), run_type=RunType.MANUAL, data_date=None,
                     now=deps.clock())  # fmt: skip
    execute_run(deps, run.id)
    delay = enqueue.delays[-1]
    deps.clock.advance(delay)  # due now; the reconciler waits its two ticks from then
    assert reconcile_once(deps, deps.clock()).resent == []
    deps.clock.advance(60)  # past the reconciler's wait (two ticks, or a quarter of the age)
    assert reconcile_once(deps, deps.clock()).resent == [run.id]
