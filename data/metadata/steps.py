"""Run status changes as data: the status a change leaves, the one it enters, the fields it writes.

Both stores apply the same `Step`s (one guarded UPDATE, or one guarded dict write), so the SQL
and in-memory lifecycles cannot drift apart. Each step is checked against engine.states.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from engine.states import RunStatus, check_transition


@dataclass(frozen=True)
class Step:
    """Move a run from `current` to `target`, only if it is at `attempt` (None: any attempt)."""

    current: RunStatus
    target: RunStatus
    attempt: int | None
    changes: dict[str, Any] = field(default_factory=dict)
    counts: tuple[str, ...] = ()  # integer columns that count one more (the claim's attempts)

    def __post_init__(self) -> None:
        check_transition(self.current, self.target)


CLAIMED_STAGE: Final = "claimed"  # the first stage of every attempt (jobs.progress.RunStage)
LEASE_EXPIRIES: Final = ("lease_expiries",)


def claim(now: datetime, lease_until: datetime) -> Step:
    changes = {"started_at": now, "lease_expires_at": lease_until}
    progress = {"stage": CLAIMED_STAGE, "progress": 0.0}
    return Step(RunStatus.QUEUED, RunStatus.RUNNING, None, changes | progress, ("attempts",))


def complete(attempt: int, candidates: int, results: int, path: str, now: datetime) -> Step:
    changes = {
        "candidate_count": candidates,
        "result_count": results,
        "snapshot_path": path,
        "completed_at": now,
        "lease_expires_at": None,
        "error_code": None,  # an earlier attempt's transient error no longer describes the run
        "error_message": None,
        "stage": None,
        "progress": 1.0,
    }
    return Step(RunStatus.RUNNING, RunStatus.COMPLETED, attempt, changes)


def fail(
    attempt: int | None,
    code: str,
    message: str,
    now: datetime,
    *,
    lease_expired: bool = False,
    gave_up: bool = False,
) -> Step:
    """The stage stays: it says where the run failed."""
    changes = {"error_code": code, "error_message": message, "gave_up": gave_up}
    done = {"completed_at": now, "lease_expires_at": None}
    counts = LEASE_EXPIRIES if lease_expired else ()
    return Step(RunStatus.RUNNING, RunStatus.FAILED, attempt, changes | done, counts)


def requeue(
    attempt: int, code: str | None, message: str | None, *, lease_expired: bool = False
) -> Step:
    # No message was sent for the next attempt yet: a null `last_enqueued_at` says so, and the
    # reconciler sends one unless the caller enqueues (and marks) the run first.
    cleared = {"lease_expires_at": None, "last_enqueued_at": None, "stage": None, "progress": None}
    changes = {"error_code": code, "error_message": message}
    counts = LEASE_EXPIRIES if lease_expired else ()
    return Step(RunStatus.RUNNING, RunStatus.QUEUED, attempt, changes | cleared, counts)


def cancel(now: datetime) -> Step:
    return Step(RunStatus.QUEUED, RunStatus.CANCELLED, None, {"cancelled_at": now})
