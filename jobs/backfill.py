"""Backfills: one `backfill` run per complete data date of a range, through `submit_run`.

A date that already has a completed run of the same config (by `configHash`) is skipped unless
forced, so repeating a backfill after a partial failure only fills the gaps.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Final

from data.metadata.models import Audience, Run
from engine.config import config_hash
from engine.errors import Problem
from engine.states import RunType
from jobs.deps import JobDeps
from jobs.errors import DataNotAvailable, InvalidRequest
from jobs.submit import audience_config, submit_run

MAX_BACKFILL_DATES: Final = 31


@dataclass(frozen=True)
class Backfill:
    runs: list[Run]
    skipped: list[str]  # complete dates that have a completed run of this config already


def backfill(
    deps: JobDeps,
    *,
    audience: Audience,
    start: str | None,
    end: str | None,
    force: bool,
    now: dt.datetime,
) -> Backfill:
    """Queue the runs; InvalidRequest for a bad range, DataNotAvailable when no date in it is
    complete."""
    first, last = date_range(start, end)
    dates = [day for day in deps.catalog.complete_dates() if first <= day <= last]
    if not dates:
        raise DataNotAvailable(f"no complete data date between {first} and {last}")
    done = set() if force else _completed_dates(deps, audience)
    runs = [
        submit_run(deps, audience=audience, run_type=RunType.BACKFILL, data_date=day, now=now)
        for day in sorted(dates)
        if day not in done
    ]
    return Backfill(runs, sorted(day for day in dates if day in done))


def date_range(start: str | None, end: str | None) -> tuple[str, str]:
    """(`start`, `end`) when both are dates, in order, at most MAX_BACKFILL_DATES days apart."""
    first, last = _date(start), _date(end)
    problems = [
        Problem(name, "is required" if value is None else f"{value!r} is not a YYYY-MM-DD date")
        for name, value, parsed in (("from", start, first), ("to", end, last))
        if parsed is None
    ]
    if first is not None and last is not None:
        if last < first:
            problems.append(Problem("to", f"must not be before from ({start})"))
        elif (last - first).days + 1 > MAX_BACKFILL_DATES:
            problems.append(Problem("to", f"a backfill covers at most {MAX_BACKFILL_DATES} dates"))
    if problems or first is None or last is None:
        raise InvalidRequest(problems)
    return first.isoformat(), last.isoformat()


def _date(value: str | None) -> dt.date | None:
    if value is None or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _completed_dates(deps: JobDeps, audience: Audience) -> set[str]:
    return deps.store.completed_run_dates(audience.id, config_hash(audience_config(deps, audience)))
