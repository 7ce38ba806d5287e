"""Run and stored-export states and the allowed transitions between them (DESIGN 4, 8), as data.

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


class ExportStatus(StrEnum):
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class InvalidTransition(ValueError):
    """A status change that the transition table does not allow."""

    def __init__(self, current: StrEnum, target: StrEnum) -> None:
        noun = "an export" if isinstance(current, ExportStatus) else "a run"
        super().__init__(f"{noun} cannot go from {current} to {target}")
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


EXPORT_TRANSITIONS: Final[frozenset[tuple[ExportStatus, ExportStatus]]] = frozenset(
    {
        (ExportStatus.PROCESSING, ExportStatus.COMPLETED),  # the file is written
        (ExportStatus.PROCESSING, ExportStatus.FAILED),  # it could not be, or its builder died
        (ExportStatus.FAILED, ExportStatus.PROCESSING),  # asked for again: rebuilt
    }
)


def check_export_transition(current: ExportStatus, target: ExportStatus) -> None:
    if (current, target) not in EXPORT_TRANSITIONS:
        raise InvalidTransition(current, target)


class DeliveryStatus(StrEnum):
    """A webhook delivery: pending until an attempt succeeds or the last one fails."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


WEBHOOK_EVENTS: Final = ("run.completed", "run.failed", "export.completed")  # what endpoints take
# the event a run's or an export's status change is, written with the change itself
RUN_EVENTS: Final = {RunStatus.COMPLETED: "run.completed", RunStatus.FAILED: "run.failed"}
EXPORT_COMPLETED: Final = "export.completed"

DELIVERY_TRANSITIONS: Final[frozenset[tuple[DeliveryStatus, DeliveryStatus]]] = frozenset(
    {
        (DeliveryStatus.PENDING, DeliveryStatus.PENDING),  # an attempt failed; retry scheduled
        (DeliveryStatus.PENDING, DeliveryStatus.SUCCEEDED),  # the receiver answered 2xx
        (DeliveryStatus.PENDING, DeliveryStatus.FAILED),  # the last attempt failed
    }
)


def check_delivery_transition(current: DeliveryStatus, target: DeliveryStatus) -> None:
    if (current, target) not in DELIVERY_TRANSITIONS:
        raise ValueError(f"a webhook delivery cannot go from {current} to {target}")
