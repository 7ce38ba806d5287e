"""Handing run ids to the broker: send each, then record the send time of those that went out.

A broker that is down loses nothing: the run stays queued and the reconciler sends it again.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from data.metadata.models import RunId
from jobs.deps import JobDeps
from jobs.logs import bound

log = logging.getLogger(__name__)


def send_runs(
    deps: JobDeps, run_ids: Sequence[RunId], now: datetime, delay_seconds: float = 0.0
) -> list[RunId]:
    """The ids that reached the broker, to be delivered after `delay_seconds`; they are marked
    enqueued at the time they are due, so the reconciler counts its wait from then."""
    sent = [run_id for run_id in run_ids if send(deps, run_id, delay_seconds)]
    if sent:
        deps.store.mark_enqueued(sent, now + timedelta(seconds=delay_seconds))
    return sent


def send(deps: JobDeps, run_id: RunId, delay_seconds: float = 0.0) -> bool:
    """Hand one run id to the broker; False (logged) when the broker refused it."""
    try:
        deps.enqueue(run_id, delay_seconds)
    except Exception:  # any broker failure: the reconciler retries the send
        with bound(run_id=run_id):
            log.warning(
                "could not enqueue run %s; the reconciler will send it again", run_id, exc_info=True
            )
        return False
    return True
