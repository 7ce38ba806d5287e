"""Deleting an audience over HTTP cancels its queued runs, so no worker executes them later."""

import pytest

from data.metadata.models import RunId
from engine.states import RunStatus
from tests.api.factories import BASE, ApiMaker


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_queued_run_is_cancelled_when_its_audience_is_deleted(
    make_api: ApiMaker, store: str
) -> None:
    api = make_api(store=store)
    tenant = api.tenant()
    audience_id = api.audience(tenant)["id"]
    run_id = RunId(api.queue_run(tenant, audience_id)["id"])
    api.clock.advance(60)
    reply = api.client.delete(f"{BASE}/audiences/{audience_id}", headers=tenant.headers)
    assert reply.status_code == 200
    api.execute(run_id)  # the broker still delivers the message sent when it was queued
    run = api.store.get_run(run_id)
    assert run is not None
    assert (run.status, run.cancelled_at, run.attempts) == (RunStatus.CANCELLED, api.clock(), 0)
