"""What `intent status` reports: the queue, running runs, recent failures and the data dates.

`engine_status` builds the JSON document that `docs/status.schema.json` describes; the command
line prints it as JSON or as tables.
"""

from datetime import datetime, timedelta
from typing import Any, Final

from data.catalog import DatasetCatalog
from data.metadata.models import Run
from data.metadata.store import MetadataStore
from engine.states import RunStatus

FAILURE_WINDOW: Final = timedelta(hours=24)
RUNNING_SHOWN: Final = 100
FOREVER: Final = timedelta(days=365 * 100)


def engine_status(store: MetadataStore, catalog: DatasetCatalog, now: datetime) -> dict[str, Any]:
    tally = store.run_tally()
    return {
        "generatedAt": now.isoformat(),
        "queue": _queue(store, tally.count(RunStatus.QUEUED), now),
        "running": [_running(run, now) for run in store.running_runs(RUNNING_SHOWN)],
        "runningCount": tally.count(RunStatus.RUNNING),
        "failuresLast24h": store.failure_counts(now - FAILURE_WINDOW),
        "dataDates": catalog.complete_dates(),
    }


def _queue(store: MetadataStore, depth: int, now: datetime) -> dict[str, Any]:
    # Every queued run was last sent before a time a century ahead: the oldest comes first.
    oldest = store.queued_runs_not_enqueued_since(now + FOREVER, limit=1)
    if not oldest:
        return {"depth": depth, "oldest": None}
    run = oldest[0]
    waited = (now - run.created_at).total_seconds()
    shown = {"runId": run.id, "audienceId": run.audience_id, "createdAt": run.created_at}
    return {"depth": depth, "oldest": {**_iso(shown), "ageSeconds": round(waited, 3)}}


def _running(run: Run, now: datetime) -> dict[str, Any]:
    started = run.started_at or now
    return {
        "runId": run.id,
        "audienceId": run.audience_id,
        "organizationId": run.organization_id,
        "attempt": run.attempts,
        "stage": run.stage,
        "progress": run.progress,
        "startedAt": started.isoformat(),
        "elapsedSeconds": round((now - started).total_seconds(), 3),
    }


def _iso(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
