"""Run states and the allowed transitions between them (DESIGN section 4), as data.

Every status change anywhere goes through `check_transition` and one guarded write.
"""

from enum import StrEnum
from typing import Final


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class RunType(StrEnum):
    MANUAL = "manual"
    DAILY = "daily"
    PREVIEW = "preview"
    BACKFILL = "backfill"


class InvalidTransition(ValueError):
    """A status change that the transition table does not allow."""

    def __init__(self, current: RunStatus, target: RunStatus) -> None:
        super().__init__(f"a run cannot go from {current} to {target}")
        self.current = current
        self.target = target


TRANSITIONS: Final[frozenset[tuple[RunStatus, RunStatus]]] = frozenset(
    {
        (RunStatus.QUEUED, RunStatus.RUNNING),  # claimed by a worker
        (RunStatus.QUEUED, RunStatus.CANCELLED),  # cancelled by a client
        (RunStatus.RUNNING, RunStatus.COMPLETED),  # published
        (RunStatus.RUNNING, RunStatus.FAILED),  # permanent error, or attempts used up
        (RunStatus.RUNNING, RunStatus.QUEUED),  # lease expired or transient error, attempts left
    }
)
TERMINAL: Final = frozenset({RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED})


def can_transition(current: RunStatus, target: RunStatus) -> bool:
    return (current, target) in TRANSITIONS


def check_transition(current: RunStatus, target: RunStatus) -> None:
    if not can_transition(current, target):
        raise InvalidTransition(current, target)
