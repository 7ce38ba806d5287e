"""A hypothesis state machine over the run lifecycle, driving a real store and snapshot store.

Rules: submit, claim, heartbeat, complete, fail, crash (time passes beyond a lease), cancel,
delivery of a message (duplicate or not) and reconcile. A small model predicts every outcome;
the invariants of DESIGN section 4 are checked after every step.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from data.catalog import DatasetCatalog
from data.metadata.models import Run, RunId
from data.metadata.store import MetadataStore
from data.snapshots import LocalSnapshotStore
from engine.states import TERMINAL, RunStatus, RunType
from jobs.deps import JobDeps
from jobs.errors import InternalError, RunTimedOut
from jobs.execute import claim, complete, execute_run, work_order
from jobs.failures import settle_failure
from jobs.lease import Heartbeat
from jobs.reconciler import reconcile_once
from jobs.settings import Settings
from jobs.submit import submit_run
from jobs.work import InlineRunner, snapshot_key
from tests.jobs.factories import (
    FakeClock,
    RecordingEnqueue,
    audience_maker,
    make_settings,
    publish_tiny,
)

LEASE = 30
MAX_ATTEMPTS = 2
MAX_ACTIVE = 2


@dataclass
class Expected:
    """What the model says a run is: its status, attempt count and the claims it handed out."""

    status: RunStatus = RunStatus.QUEUED
    attempts: int = 0
    lease_until: float = 0.0  # seconds on the fake clock
    claims: tuple[Run, ...] = ()  # every claimed attempt, oldest first


class RunLifecycle(RuleBasedStateMachine):
    """Subclassed per store by `machine_for`; `make_store` and `root` are set there."""

    make_store: Callable[[], MetadataStore]
    root: Path
    dataset: Path

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.start = self.clock()
        store = self.make_store()
        snapshots = self.root / hashlib.sha256(str(id(self)).encode()).hexdigest()[:12]
        settings = _settings(self.root, self.dataset, snapshots)
        self.deps = JobDeps(
            store=store,
            catalog=DatasetCatalog(self.dataset),
            snapshots=LocalSnapshotStore(snapshots),
            enqueue=RecordingEnqueue(),
            clock=self.clock,
            settings=settings,
            runner=InlineRunner(publish_tiny),
        )
        self.audiences = [audience_maker(store, self.clock)() for _ in range(2)]
        self.model: dict[RunId, Expected] = {}
        self.previous: dict[RunId, Run] = {}

    # helpers

    def _now(self) -> float:
        return (self.clock() - self.start).total_seconds()

    def _active(self) -> int:
        return sum(expected.status not in TERMINAL for expected in self.model.values())

    def _pick(self, index: int, prefer: RunStatus | None = None) -> RunId:
        """The index-th run, among those in `prefer` when there are any (so rules mostly act)."""
        ids = list(self.model)  # creation order: ids are random, the choice must not be
        preferred = [run_id for run_id in ids if self.model[run_id].status == prefer]
        choices = preferred or ids
        return choices[index % len(choices)]

    def _claimed(self, index: int, stale: bool) -> tuple[RunId, Run] | None:
        """The latest claim of a run, or (stale) the same claim one attempt older: what a
        paused or partitioned worker of the previous attempt would present."""
        run_id = self._pick(index, RunStatus.RUNNING)
        claims = self.model[run_id].claims
        if not claims:
            return None
        latest = claims[-1]
        return run_id, replace(latest, attempts=latest.attempts - 1) if stale else latest

    # rules

    @precondition(lambda self: self._active() < MAX_ACTIVE)  # few runs, long histories
    @rule(audience=st.integers(0, 1))
    def submit(self, audience: int) -> None:
        run = submit_run(
            self.deps,
            audience=self.audiences[audience],
            run_type=RunType.MANUAL,
            data_date=None,
            now=self.clock(),
        )
        self.model[run.id] = Expected()

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 50))
    def claim(self, index: int) -> None:
        run_id = self._pick(index, RunStatus.QUEUED)
        expected = self.model[run_id]
        claimed = claim(self.deps, run_id)
        assert (claimed is not None) == (expected.status == RunStatus.QUEUED)
        if claimed is not None:
            expected.status = RunStatus.RUNNING
            expected.attempts += 1
            expected.lease_until = self._now() + LEASE
            expected.claims += (claimed,)

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 50), stale=st.booleans())
    def heartbeat(self, index: int, stale: bool) -> None:
        picked = self._claimed(index, stale)
        if picked is None:
            return
        run_id, attempt = picked
        expected = self.model[run_id]
        accepted = Heartbeat(self.deps.store, attempt, self.clock, LEASE).beat()
        current = expected.status == RunStatus.RUNNING and attempt.attempts == expected.attempts
        assert accepted == current
        if accepted:
            expected.lease_until = self._now() + LEASE

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 50), stale=st.booleans())
    def complete(self, index: int, stale: bool) -> None:
        picked = self._claimed(index, stale)
        if picked is None:
            return
        run_id, attempt = picked
        expected = self.model[run_id]
        ref = publish_tiny(work_order(self.deps, attempt))
        done = complete(self.deps, attempt, ref)
        event(f"complete accepted={done}")
        current = expected.status == RunStatus.RUNNING and attempt.attempts == expected.attempts
        assert done == current
        if done:
            expected.status = RunStatus.COMPLETED

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 50), stale=st.booleans(), retryable=st.booleans())
    def fail(self, index: int, stale: bool, retryable: bool) -> None:
        picked = self._claimed(index, stale)
        if picked is None:
            return
        run_id, attempt = picked
        expected = self.model[run_id]
        error = InternalError("disk full") if retryable else RunTimedOut("too slow")
        settle_failure(self.deps, attempt, error)
        if expected.status == RunStatus.RUNNING and attempt.attempts == expected.attempts:
            retry = retryable and expected.attempts < MAX_ATTEMPTS
            expected.status = RunStatus.QUEUED if retry else RunStatus.FAILED
            event(f"fail -> {expected.status}")

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 50))
    def crash(self, index: int) -> None:
        """A worker claims a run and dies: time passes beyond every lease."""
        self.claim(index)
        self.clock.advance(LEASE + 1)

    @rule()
    def wait(self) -> None:
        self.clock.advance(5)

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 50))
    def cancel(self, index: int) -> None:
        run_id = self._pick(index)
        expected = self.model[run_id]
        cancelled = self.deps.store.cancel_run(run_id, self.clock())
        assert cancelled == (expected.status == RunStatus.QUEUED)
        if cancelled:
            expected.status = RunStatus.CANCELLED

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 50))
    def deliver(self, index: int) -> None:
        """A message arrives, possibly for the second time: only a queued run does anything."""
        run_id = self._pick(index)
        expected = self.model[run_id]
        before = self.deps.store.get_run(run_id)
        execute_run(self.deps, run_id)
        after = self.deps.store.get_run(run_id)
        if expected.status != RunStatus.QUEUED:
            assert after == before
            event("duplicate delivery ignored")
            return
        expected.status = RunStatus.COMPLETED
        expected.attempts += 1
        expected.claims += (replace(after, status=RunStatus.RUNNING),)

    @rule()
    def reconcile(self) -> None:
        reconcile_once(self.deps, self.clock())
        for expected in self.model.values():
            if expected.status == RunStatus.RUNNING and expected.lease_until < self._now():
                last = expected.attempts >= MAX_ATTEMPTS
                expected.status = RunStatus.FAILED if last else RunStatus.QUEUED
                event(f"lease expired -> {expected.status}")

    # invariants

    @invariant()
    def store_agrees_with_the_model(self) -> None:
        for run_id, expected in self.model.items():
            run = self.deps.store.get_run(run_id)
            assert (run.status, run.attempts) == (expected.status, expected.attempts)

    @invariant()
    def terminal_states_never_change_and_cancelled_only_from_queued(self) -> None:
        # One invariant for both: each compares a run with its state after the previous step.
        for run_id in self.model:
            run = self.deps.store.get_run(run_id)
            before = self.previous.get(run_id)
            if before is not None and before.status in TERMINAL:
                assert run == before, f"terminal run {run_id} changed"
            if run.status == RunStatus.CANCELLED and before is not None:
                assert before.status in (RunStatus.QUEUED, RunStatus.CANCELLED)
            self.previous[run_id] = run

    @invariant()
    def attempts_never_exceed_the_maximum(self) -> None:
        for run_id in self.model:
            assert self.deps.store.get_run(run_id).attempts <= MAX_ATTEMPTS

    @invariant()
    def at_most_one_snapshot_per_run(self) -> None:
        root = Path(self.deps.settings.snapshots)
        for run_id in self.model:
            assert len(list(root.glob(f"*/*/{run_id}"))) <= 1

    @invariant()
    def completed_runs_have_a_valid_manifest(self) -> None:
        for run_id in self.model:
            run = self.deps.store.get_run(run_id)
            if run.status == RunStatus.COMPLETED:
                _check_manifest(self.deps, run)


def _check_manifest(deps: JobDeps, run: Run) -> None:
    directory = Path(run.snapshot_path)
    assert directory == deps.snapshots.path_of(snapshot_key(run))
    manifest = deps.snapshots.read_manifest(directory)
    assert (manifest["runId"], manifest["configHash"], manifest["dataDate"]) == (
        run.id,
        run.config_hash,
        run.data_date,
    )
    assert manifest["resultCount"] == run.result_count
    for entry in manifest["files"]:
        content = (directory / entry["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]


def _settings(root: Path, dataset: Path, snapshots: Path) -> Settings:
    return make_settings(
        root,
        dataset,
        snapshots=snapshots,
        lease_seconds=LEASE,
        max_attempts=MAX_ATTEMPTS,
    )
