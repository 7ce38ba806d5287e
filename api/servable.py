"""Which runs can be read: completed ones are served, pending ones answer 202, the rest 409.

Results, stats and streamed exports share this rule, so it lives once.
"""

from typing import Literal

from api.errors import RunNotServable
from data.metadata.models import Run
from data.storage import Location, as_location
from engine.states import RunStatus

Pending = Literal["queued", "running"]


def pending_state(run: Run) -> Pending | None:
    """The state to report for a run still on its way, None for a completed run;
    RunNotServable for a failed or cancelled one."""
    if run.status == RunStatus.QUEUED:
        return "queued"
    if run.status == RunStatus.RUNNING:
        return "running"
    if run.status == RunStatus.COMPLETED and run.snapshot_path:
        return None
    raise RunNotServable(f"the run is {run.status}: it has no results to serve")


def snapshot_of(run: Run) -> Location:
    """The published snapshot (directory or object prefix) of a completed run."""
    if run.status != RunStatus.COMPLETED or not run.snapshot_path:
        raise RunNotServable(f"the run is {run.status}: it has no results to serve")
    return as_location(run.snapshot_path)
