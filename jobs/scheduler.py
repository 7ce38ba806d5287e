"""The daily scheduler tick: one `daily` run per active audience and complete data date.

Dates within the catch-up window are all considered, so missed days are made up; the store's
unique (audience, data date, run type) guard makes two schedulers ticking together safe.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from data.metadata.models import Audience, Run
from engine.states import RunType
from jobs.deps import JobDeps
from jobs.errors import DuplicateRun, JobError
from jobs.submit import submit_run

log = logging.getLogger(__name__)


def schedule_once(deps: JobDeps, now: dt.datetime) -> list[Run]:
    """The daily runs this tick created (none when every one exists already)."""
    dates = dates_in_window(deps.catalog.complete_dates(), now, deps.settings.daily_catchup_days)
    created: list[Run] = []
    for audience in deps.store.active_audiences():
        created.extend(_schedule_audience(deps, audience, dates, now))
    return created


def dates_in_window(dates: Iterable[str], now: dt.datetime, catchup_days: int) -> list[str]:
    """Complete dates from `catchup_days` days before today (UTC) up to today, oldest first."""
    first = (now.astimezone(dt.UTC).date() - dt.timedelta(days=catchup_days)).isoformat()
    today = now.astimezone(dt.UTC).date().isoformat()
    return sorted(day for day in dates if first <= day <= today)


def _schedule_audience(
    deps: JobDeps, audience: Audience, dates: list[str], now: dt.datetime
) -> list[Run]:
    created = []
    for day in dates:
        if deps.store.run_exists(audience.id, day, RunType.DAILY):
            continue
        run = _submit_daily(deps, audience, day, now)
        if run is not None:
            created.append(run)
    return created


def _submit_daily(deps: JobDeps, audience: Audience, day: str, now: dt.datetime) -> Run | None:
    try:
        return submit_run(deps, audience=audience, run_type=RunType.DAILY, data_date=day, now=now)
    except DuplicateRun:
        return None  # another scheduler made it between our check and our insert
    except JobError as exc:  # one broken audience must not stop the others
        log.warning("no daily run for audience %s on %s: %s", audience.id, day, exc)
        return None
