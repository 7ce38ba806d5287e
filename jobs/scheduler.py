"""The daily scheduler tick: every active audience follows the newest complete data date.

Dates come from the data, not the wall clock, so a late feed or an old dataset still gets its
daily runs. An audience gets a run for each complete date after its last daily run, at most the
catch-up number of them (the newest); one that never had a daily run gets the newest date only.
The store's unique (audience, data date, run type) guard makes two schedulers ticking together safe.
"""

import datetime as dt
import logging
from collections.abc import Sequence

from data.metadata.models import Audience, Run
from engine.states import RunType
from jobs.deps import JobDeps
from jobs.errors import DuplicateRun, JobError
from jobs.submit import submit_run

log = logging.getLogger(__name__)


def schedule_once(deps: JobDeps, now: dt.datetime) -> list[Run]:
    """The daily runs this tick created (none when every one exists already)."""
    dates = sorted(deps.catalog.complete_dates())
    if not dates:
        return []
    created: list[Run] = []
    for audience in deps.store.active_audiences():
        last = deps.store.latest_run_date(audience.id, RunType.DAILY)
        for day in dates_to_run(dates, last, deps.settings.daily_catchup_days):
            run = _submit_daily(deps, audience, day, now)
            if run is not None:
                created.append(run)
    return created


def dates_to_run(dates: Sequence[str], last: str | None, catchup_days: int) -> list[str]:
    """The dates an audience whose last daily run was for `last` needs now, oldest first.

    `dates` are the complete dates, sorted. With no daily run yet only the newest date is due;
    otherwise every date after `last`, the newest `catchup_days` (at least one) of them.
    """
    if last is None:
        return list(dates[-1:])
    missed = [day for day in dates if day > last]
    return missed[-max(1, catchup_days) :] if missed else []


def _submit_daily(deps: JobDeps, audience: Audience, day: str, now: dt.datetime) -> Run | None:
    try:
        return submit_run(deps, audience=audience, run_type=RunType.DAILY, data_date=day, now=now)
    except DuplicateRun:
        return None  # another scheduler made it between our check and our insert
    except JobError as exc:  # one broken audience must not stop the others
        log.warning("no daily run for audience %s on %s: %s", audience.id, day, exc)
        return None
