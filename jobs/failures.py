"""What a failed attempt becomes: every exception mapped to a JobError, then requeue or fail.

Retryable errors go back to `queued` while attempts are left, and the run is sent again after
an exponential backoff with jitter (a full disk or a database restart gets time to clear); the
rest fail the run for good. Both writes are fenced by the attempt, so a late answer from a stale
attempt changes nothing.
"""

import logging
import random
from collections.abc import Callable

from data.errors import DataDateMissing, StorageError
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
    StorageAccessDenied,
    StorageUnavailable,
    WorkerLost,
)
from jobs.settings import Settings
from jobs.work import snapshot_key

log = logging.getLogger(__name__)


def as_job_error(exc: BaseException) -> JobError:
    """The JobError an exception stands for; anything unforeseen is INTERNAL and retryable."""
    match exc:
        case JobError():
            return exc
        case DataDateMissing():
            return DataNotAvailable(str(exc))
        case StorageError(kind="denied"):
            return StorageAccessDenied(str(exc))
        case StorageError():
            return StorageUnavailable(str(exc))
        case ConfigError():
            return InvalidConfig(f"the stored config is invalid: {exc}", exc.problems)
        case EngineError():
            return EngineFailed(f"{type(exc).__name__}: {exc}")
    return InternalError(f"{type(exc).__name__}: {exc}")


Draw = Callable[[float, float], float]  # a uniform draw in [low, high]


def settle_failure(deps: JobDeps, run: Run, error: JobError, draw: Draw = random.uniform) -> None:
    """Requeue a retryable failure with attempts left and send it again after its backoff,
    else fail the run."""
    now = deps.clock()
    if error.retryable and run.attempts < deps.settings.max_attempts:
        if deps.store.requeue_run(run.id, run.attempts, now, error.code, str(error)):
            delay = retry_delay(run.attempts, deps.settings, draw)
            log.info(
                "run %s attempt %d will be retried in %.1f s: %s",
                run.id, run.attempts, delay, error,
            )  # fmt: skip
            send_runs(deps, [run.id], now, delay)
        return
    fail_for_good(deps, run, error)


def retry_delay(attempt: int, settings: Settings, draw: Draw) -> float:
    """Seconds before retrying after failed attempt `attempt` (1-based): "equal jitter", half
    of min(max, base x 2^(attempt-1)) plus a uniform draw over the other half, so retries of
    runs that failed together spread out and none comes back at once."""
    ceiling = float(
        min(settings.retry_max_seconds, settings.retry_base_seconds * 2 ** (attempt - 1))
    )
    return ceiling / 2 + draw(0.0, ceiling / 2)


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
        deps.webhook_nudge.set()
        log.warning("run %s failed with %s: %s", run.id, error.code, error)
        deps.snapshots.delete(snapshot_key(run))
    return failed
