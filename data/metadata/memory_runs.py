"""The runs of the in-memory metadata store: inserts, reads and the guarded status changes.

`memory.MemoryMetadataStore` owns the lock and the tables; each change applies a `steps.Step`.
"""

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from data.metadata import rules, steps
from data.metadata.memory_rows import newest_first, oldest_first, require
from data.metadata.models import Audience, AudienceId, Organization, OrgId, Run, RunId, RunTally
from data.metadata.steps import Step
from engine.states import RUN_EVENTS, RunStatus, RunType


class MemoryRuns:
    """The runs part of `MemoryMetadataStore`; every method holds the store's lock."""

    _lock: threading.RLock
    _orgs: dict[OrgId, Organization]
    _audiences: dict[AudienceId, Audience]
    _runs: dict[RunId, Run]
    _note_event: Callable[[OrgId, str, str, datetime], None]  # MemoryWebhooks

    def insert_run(self, run: Run) -> bool:
        with self._lock:
            require("runs", "organization_id", run.organization_id, lambda v: v in self._orgs)
            require("runs", "audience_id", run.audience_id, lambda v: v in self._audiences)
            daily = run.run_type == RunType.DAILY
            if run.id in self._runs or (daily and self._daily_exists(run)):
                return False
            self._runs[run.id] = rules.in_utc(run)
            return True

    def _daily_exists(self, run: Run) -> bool:
        return self.run_exists(run.audience_id, run.data_date, RunType.DAILY)

    def get_runs(self, run_ids: Sequence[RunId]) -> list[Run]:
        with self._lock:
            return [self._runs[run_id] for run_id in set(run_ids) if run_id in self._runs]

    def get_run(self, run_id: RunId, org_id: OrgId | None = None) -> Run | None:
        with self._lock:
            run = self._runs.get(run_id)
        if run is None or org_id not in (None, run.organization_id):
            return None
        return run

    def list_runs(
        self,
        audience_id: AudienceId,
        status: RunStatus | None,
        limit: int,
        offset: int = 0,
        *,
        run_type: RunType | None = None,
        data_date: str | None = None,
    ) -> list[Run]:
        def keep(run: Run) -> bool:
            wanted = ((status, run.status), (run_type, run.run_type), (data_date, run.data_date))
            return run.audience_id == audience_id and all(f in (None, v) for f, v in wanted)

        return newest_first(self._select(keep))[offset : offset + limit]

    def completed_run_dates(self, audience_id: AudienceId, config_hash: str) -> set[str]:
        def keep(run: Run) -> bool:
            done = run.status == RunStatus.COMPLETED and run.config_hash == config_hash
            return done and run.audience_id == audience_id

        return {run.data_date for run in self._select(keep)}

    def _select(self, keep: Callable[[Run], bool]) -> list[Run]:
        with self._lock:
            return [run for run in self._runs.values() if keep(run)]

    def latest_completed_run(self, audience_id: AudienceId) -> Run | None:
        done = self._select(
            lambda r: r.audience_id == audience_id and r.status == RunStatus.COMPLETED
        )
        return max(done, key=lambda r: (r.completed_at, r.created_at, r.id), default=None)

    def previous_completed_run(self, audience_id: AudienceId, data_date: str) -> Run | None:
        done = self._select(
            lambda r: (
                r.audience_id == audience_id
                and r.status == RunStatus.COMPLETED
                and r.data_date < data_date
            )
        )
        return max(done, key=_date_then_completion, default=None)

    def _step(self, run_id: RunId, step: Step) -> Run | None:
        """The guarded write: apply `step` only if the run is in its status (and attempt)."""
        with self._lock:
            run = self._runs.get(run_id)
            if (
                run is None
                or run.status != step.current
                or step.attempt not in (None, run.attempts)
            ):
                return None
            counted = {column: getattr(run, column) + 1 for column in step.counts}
            changed = rules.in_utc(replace(run, status=step.target, **step.changes, **counted))
            self._runs[run_id] = changed
            event = RUN_EVENTS.get(step.target)
            if event is not None and changed.completed_at is not None:
                self._note_event(changed.organization_id, event, run_id, changed.completed_at)
            return changed

    def claim_run(self, run_id: RunId, now: datetime, lease_until: datetime) -> Run | None:
        return self._step(run_id, steps.claim(now, lease_until))

    def heartbeat(self, run_id: RunId, attempt: int, lease_until: datetime) -> bool:
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or run.status != RunStatus.RUNNING or run.attempts != attempt:
                return False
            self._runs[run_id] = rules.in_utc(replace(run, lease_expires_at=lease_until))
            return True

    def complete_run(
        self,
        run_id: RunId,
        attempt: int,
        *,
        candidate_count: int,
        result_count: int,
        snapshot_path: str,
        now: datetime,
    ) -> bool:
        step = steps.complete(attempt, candidate_count, result_count, snapshot_path, now)
        return self._step(run_id, step) is not None

    def fail_run(
        self,
        run_id: RunId,
        attempt: int | None,
        code: str,
        message: str,
        now: datetime,
        *,
        lease_expired: bool = False,
        gave_up: bool = False,
    ) -> bool:
        """running -> failed, fenced by `attempt` (None: whichever attempt is running)."""
        step = steps.fail(attempt, code, message, now, lease_expired=lease_expired, gave_up=gave_up)
        return self._step(run_id, step) is not None

    def requeue_run(
        self,
        run_id: RunId,
        attempt: int,
        now: datetime,
        code: str | None = None,
        message: str | None = None,
        *,
        lease_expired: bool = False,
    ) -> bool:
        """running -> queued, fenced by `attempt`; see `steps.requeue`."""
        step = steps.requeue(attempt, code, message, lease_expired=lease_expired)
        return self._step(run_id, step) is not None

    def set_run_stage(self, run_id: RunId, attempt: int, stage: str, progress: float) -> bool:
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or run.status != RunStatus.RUNNING or run.attempts != attempt:
                return False
            self._runs[run_id] = replace(run, stage=stage, progress=progress)
            return True

    def cancel_run(self, run_id: RunId, now: datetime) -> bool:
        return self._step(run_id, steps.cancel(now)) is not None

    def _cancel_queued(self, audience_id: AudienceId, now: datetime) -> None:
        """Cancel every queued run of the audience (the caller holds the lock)."""
        for run in self._select(lambda r: r.audience_id == audience_id):
            self._step(run.id, steps.cancel(now))

    def mark_enqueued(self, run_ids: Sequence[RunId], now: datetime | None) -> None:
        with self._lock:
            for run in self._select(lambda r: r.id in run_ids and r.status == RunStatus.QUEUED):
                self._runs[run.id] = rules.in_utc(replace(run, last_enqueued_at=now))

    def queued_runs_not_enqueued_since(self, before: datetime, limit: int = 500) -> list[Run]:
        def stale(run: Run) -> bool:
            sent = run.last_enqueued_at
            return run.status == RunStatus.QUEUED and (sent is None or sent < before)

        return oldest_first(self._select(stale))[:limit]

    def expired_leases(self, now: datetime, limit: int = 500) -> list[Run]:
        def expired(run: Run) -> bool:
            lease = run.lease_expires_at
            return run.status == RunStatus.RUNNING and lease is not None and lease < now

        return sorted(self._select(expired), key=lambda r: (r.lease_expires_at, r.id))[:limit]

    def snapshot_paths(self) -> set[str]:
        done = self._select(lambda r: r.status == RunStatus.COMPLETED)
        return {run.snapshot_path for run in done if run.snapshot_path is not None}

    def run_exists(self, audience_id: AudienceId, data_date: str, run_type: RunType) -> bool:
        def same(run: Run) -> bool:
            key = (run.audience_id, run.data_date, run.run_type)
            return key == (audience_id, data_date, run_type)

        return bool(self._select(same))

    def latest_run_date(self, audience_id: AudienceId, run_type: RunType) -> str | None:
        def same(run: Run) -> bool:
            return (run.audience_id, run.run_type) == (audience_id, run_type)

        return max((run.data_date for run in self._select(same)), default=None)

    # operations

    def run_tally(self) -> RunTally:
        everything = self._select(lambda _: True)
        kinds = Counter((run.status, run.run_type) for run in everything)
        queued = [run.created_at for run in everything if run.status == RunStatus.QUEUED]
        return RunTally(
            by_status=dict(kinds),
            oldest_queued_at=min(queued, default=None),
            attempts=sum(run.attempts for run in everything),
            lease_expiries=sum(run.lease_expiries for run in everything),
            gave_up=sum(run.gave_up for run in everything),
        )

    def running_runs(self, limit: int = 100) -> list[Run]:
        found = self._select(lambda r: r.status == RunStatus.RUNNING)
        return sorted(found, key=lambda r: (r.started_at, r.id))[:limit]

    def failure_counts(self, since: datetime) -> dict[str, int]:
        def failed(run: Run) -> bool:
            done = run.completed_at
            return run.status == RunStatus.FAILED and done is not None and done >= since

        return dict(Counter(str(run.error_code) for run in self._select(failed)))


def _date_then_completion(run: Run) -> tuple[Any, ...]:
    return run.data_date, run.completed_at, run.created_at, run.id
