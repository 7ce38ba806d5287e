"""Creating a run: the one path used by the API, the daily scheduler and backfills.

Validates the audience's stored config, snapshots it normalized with its hash, picks the data
date, inserts the run `queued`, then sends its id to the broker.
"""

import json
import logging
import uuid
from dataclasses import replace
from datetime import datetime

from data.catalog import is_iso_date
from data.errors import DataDateMissing
from data.metadata.models import Audience, Run, RunId
from engine.config import AudienceConfig, canonical_json, config_hash, parse_config
from engine.errors import ConfigError
from engine.states import RunStatus, RunType
from jobs.deps import JobDeps
from jobs.dispatch import send
from jobs.errors import DataNotAvailable, DuplicateRun, InvalidConfig

log = logging.getLogger(__name__)


def submit_run(
    deps: JobDeps,
    *,
    audience: Audience,
    run_type: RunType,
    data_date: str | None,
    now: datetime,
) -> Run:
    """The queued run; DataNotAvailable, InvalidConfig, or DuplicateRun (daily runs only).

    The row goes in marked as sent, so that a send that works costs no second write; when the
    send fails the mark is taken back and the reconciler sends the run at its next tick."""
    config = audience_config(deps, audience)
    run = new_run(audience, config, run_type, pick_data_date(deps, data_date), now)
    run = replace(run, last_enqueued_at=now)
    if not deps.store.insert_run(run):
        raise DuplicateRun(
            f"a {run_type} run of audience {audience.id} for {run.data_date} exists already"
        )
    if send(deps, run.id):
        return run
    deps.store.mark_enqueued([run.id], None)
    return replace(run, last_enqueued_at=None)


def audience_config(deps: JobDeps, audience: Audience) -> AudienceConfig:
    """The audience's stored config, validated again against today's topics."""
    try:
        raw = json.loads(audience.config_json)
        return parse_config(raw, known_topic_ids=_topic_ids(deps))
    except ConfigError as exc:
        raise InvalidConfig(
            f"the config of audience {audience.id} is invalid: {exc}", exc.problems
        ) from exc
    except ValueError as exc:
        raise InvalidConfig(f"the config of audience {audience.id} is not JSON: {exc}") from exc


def pick_data_date(deps: JobDeps, data_date: str | None) -> str:
    """`data_date` when it is complete, or the latest complete date."""
    if data_date is None:
        latest = deps.catalog.latest_complete_date()
        if latest is None:
            raise DataNotAvailable("the dataset has no complete data date yet")
        return latest
    if not is_iso_date(data_date):
        raise DataNotAvailable(f"dataDate {data_date!r} is not a YYYY-MM-DD date")
    try:
        deps.catalog.manifest(data_date)
    except DataDateMissing as exc:
        raise DataNotAvailable(f"dataDate {data_date} has no complete data") from exc
    return data_date


def new_run(
    audience: Audience, config: AudienceConfig, run_type: RunType, data_date: str, now: datetime
) -> Run:
    return Run(
        id=RunId(str(uuid.uuid4())),
        audience_id=audience.id,
        organization_id=audience.organization_id,
        status=RunStatus.QUEUED,
        run_type=run_type,
        config_json=canonical_json(config),
        config_hash=config_hash(config),
        data_date=data_date,
        created_at=now,
    )


def _topic_ids(deps: JobDeps) -> frozenset[int]:
    try:
        return deps.catalog.topic_ids()
    except DataDateMissing as exc:
        raise DataNotAvailable(str(exc)) from exc
