"""Progress of a running attempt: its stage and a 0..1 fraction, as the work reports them.

The work (in a child process or inline) calls `report(stage)`; the attempt's `StageRecorder`
writes each new stage to the run, fenced by the attempt, and keeps when each stage began so
that the attempt's stage durations can be observed once it completes.
"""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # `intent run` reads the stages and imports neither the store nor processes
    from data.metadata.models import Run
    from data.metadata.store import MetadataStore

log = logging.getLogger(__name__)


class RunStage(StrEnum):
    CLAIMED = "claimed"  # a worker holds the lease; the work process is starting
    CANDIDATES = "candidates"  # matching intent rows and counting topic overlap
    PEOPLE = "people"  # joining candidates to people through the ICP filters
    TOPICS = "topics"  # matched-topic lists and the result table in rank order
    WRITING = "writing"  # results.parquet, stats.json and the manifest
    PUBLISHING = "publishing"  # the snapshot is written; the run is being committed to it


ORDER: Final = tuple(RunStage)
# Where each stage starts on the 0..1 progress scale: shares of a scale-10 selective run's time
# (benchmarks/PERF.md, "Run progress").
STARTS_AT: Final = {
    RunStage.CLAIMED: 0.0,
    RunStage.CANDIDATES: 0.05,
    RunStage.PEOPLE: 0.25,
    RunStage.TOPICS: 0.5,
    RunStage.WRITING: 0.6,
    RunStage.PUBLISHING: 0.95,
}
# The engine's stopwatch names the stage that ended; the work then is in the next one.
AFTER_ENGINE_STAGE: Final = {"candidates": RunStage.PEOPLE, "people": RunStage.TOPICS}
# The stage label of `intent_run_duration_seconds` for the time spent in each stage.
DURATION_LABEL: Final = {
    RunStage.CANDIDATES: "candidates",
    RunStage.PEOPLE: "people",
    RunStage.TOPICS: "topics",
    RunStage.WRITING: "write",
    RunStage.PUBLISHING: "publish",
}

Listener = Callable[[str], None]
_LISTENER: Final[ContextVar[Listener | None]] = ContextVar("run_progress", default=None)


def report(stage: RunStage) -> None:
    """Called by the work: the listener set by `reporting_to` hears it, else the parent process
    (in a child of `run_in_child`), else nobody."""
    listener = _LISTENER.get()
    if listener is None:
        from jobs.isolation import tell_parent

        tell_parent(stage.value)
    else:
        listener(stage.value)


def engine_stage_ended(stage: str) -> None:
    """An `engine.progress` listener: the stage after the one the engine finished, if known."""
    following = AFTER_ENGINE_STAGE.get(stage)
    if following is not None:
        report(following)


@contextmanager
def reporting_to(listener: Listener | None) -> Iterator[None]:
    """Work run in this thread reports to `listener` (work in the same process as its run)."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


class StageRecorder:
    """The stages of one claimed attempt: each new one written to its run, fenced by its attempt.

    Stages only move forward (a `verify` run passes the engine stages twice). A failed write is
    logged and skipped: progress is advisory, and the lease decides whether the attempt lives.
    """

    def __init__(
        self, store: "MetadataStore", run: "Run", ticker: Callable[[], float] = time.monotonic
    ) -> None:
        self._store = store
        self._run = run
        self._ticker = ticker
        self._began: dict[RunStage, float] = {RunStage.CLAIMED: ticker()}

    @property
    def stage(self) -> RunStage:
        return next(reversed(self._began))

    def __call__(self, name: str) -> None:
        try:
            stage = RunStage(name)
        except ValueError:
            log.warning("run %s reported an unknown stage %r", self._run.id, name)
            return
        if ORDER.index(stage) <= ORDER.index(self.stage):
            return
        self._began[stage] = self._ticker()
        self._write(stage)

    def _write(self, stage: RunStage) -> None:
        run = self._run
        try:
            self._store.set_run_stage(run.id, run.attempts, stage.value, STARTS_AT[stage])
        except Exception:  # a passing DB error: the next stage may be written
            log.warning("could not record stage %s of run %s", stage, run.id, exc_info=True)

    def durations(self) -> dict[str, float]:
        """Seconds spent in each stage reached (by `DURATION_LABEL`), and `total` since claim."""
        now = self._ticker()
        starts = list(self._began.items())
        ends = [began for _, began in starts[1:]] + [now]
        spent = {
            DURATION_LABEL[stage]: end - began
            for (stage, began), end in zip(starts, ends, strict=True)
            if stage in DURATION_LABEL
        }
        return spent | {"total": now - self._began[RunStage.CLAIMED]}
