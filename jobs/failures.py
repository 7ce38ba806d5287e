"""What a failed attempt becomes: every exception mapped to a JobError, then requeue or fail.

Retryable errors go back to `queued` while attempts are left; the rest fail the run for good.
Both writes are fenced by the attempt, so a late answer from a stale attempt changes nothing.
"""

import logging

from data.errors import DataNotAvailable as DataDateMissing
from data.metadata.models import Run
from engine.errors import ConfigError, EngineError
from jobs.deps import JobDeps
from jobs.dispatch import send_runs
from jobs.errors import (
    DataNotAvailable,
    EngineFailed,
    InternalError,
    InvalidConfig,
    JobError,
    WorkerLost,
)
from jobs.work import snapshot_key

log = logging.getLogger(__name__)


def as_job_error(exc: BaseException) -> JobError:
    """The JobError an exception stands for; anything unforeseen is INTERNAL and retryable."""
    match exc:
        case JobError():
            return exc
        case DataDateMissing():
            return DataNotAvailable(str(exc))
        case ConfigError():
            return InvalidConfig(f"the stored config is invalid: {exc}", exc.problems)
        case EngineError():
            return EngineFailed(f"{type(exc).__name__}: {exc}")
    return InternalError(f"{type(exc).__name__}: {exc}")


def settle_failure(deps: JobDeps, run: Run, error: JobError) -> None:
    """Requeue (and re-send) a retryable failure with attempts left, else fail the run."""
    now = deps.clock()
    if error.retryable and run.attempts < deps.settings.max_attempts:
        if deps.store.requeue_run(run.id, run.attempts, now, error.code, str(error)):
            log.info("run %s attempt %d will be retried: %s", run.id, run.attempts, error)
            send_runs(deps, [run.id], now)
        return
    fail_for_good(deps, run, error)


def fail_for_good(deps: JobDeps, run: Run, error: JobError) -> bool:
    """Fail the run (fenced by its attempt) and drop any snapshot a dead attempt published."""
    failed = deps.store.fail_run(
        run.id,
        run.attempts,
        error.code,
        str(error),
        deps.clock(),
        lease_expired=isinstance(error, WorkerLost),
        gave_up=error.retryable,  # a retryable error fails a run only once attempts are used up
    )
    if failed:
        log.warning("run %s failed with %s: %s", run.id, error.code, error)
        deps.snapshots.delete(snapshot_key(run))
    return failed
