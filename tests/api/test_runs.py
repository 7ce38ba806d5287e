"""Runs over HTTP: queue (202), list, get, and cancel only while queued."""

from datetime import UTC, datetime, time, timedelta

from data.metadata.models import RunId
from jobs.scheduler import schedule_once
from tests.api.conftest import DATA_END
from tests.api.factories import BASE, Api, Tenant


def _runs_url(audience_id: str) -> str:
    return f"{BASE}/audiences/{audience_id}/runs"


def test_queued_run_is_202_on_the_latest_date_and_sent_to_the_broker(
    api: Api, tenant: Tenant
) -> None:
    audience = api.audience(tenant)
    run = api.queue_run(tenant, audience["id"])
    assert (run["status"], run["runType"], run["attempts"]) == ("queued", "manual", 0)
    assert run["dataDate"] == DATA_END.isoformat()
    assert run["configHash"] == audience["configHash"]
    assert api.enqueued.sent == [run["id"]]


def test_run_can_be_queued_for_a_paused_or_draft_audience(api: Api, tenant: Tenant) -> None:
    audience = api.audience(tenant, status="paused")
    assert api.queue_run(tenant, audience["id"])["status"] == "queued"


def test_run_body_may_be_omitted(api: Api, tenant: Tenant) -> None:
    audience = api.audience(tenant)
    reply = api.client.post(_runs_url(audience["id"]), headers=tenant.headers)
    assert reply.status_code == 202


def test_run_on_an_earlier_complete_date_uses_that_date(api: Api, tenant: Tenant) -> None:
    audience = api.audience(tenant)
    run = api.queue_run(tenant, audience["id"], dataDate="2026-11-26")
    assert run["dataDate"] == "2026-11-26"


def test_date_without_data_is_422_data_not_available(api: Api, tenant: Tenant) -> None:
    audience = api.audience(tenant)
    body = {"runType": "manual", "dataDate": "2020-01-01"}
    reply = api.client.post(_runs_url(audience["id"]), json=body, headers=tenant.headers)
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "DATA_NOT_AVAILABLE"
    assert api.enqueued.sent == []


def test_only_manual_runs_are_accepted_from_clients(api: Api, tenant: Tenant) -> None:
    audience = api.audience(tenant)
    body = {"runType": "daily"}
    reply = api.client.post(_runs_url(audience["id"]), json=body, headers=tenant.headers)
    assert reply.status_code == 400
    assert reply.json()["error"]["details"][0]["field"] == "runType"


def test_runs_are_listed_newest_first_and_filtered_by_status(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    first = api.queue_run(tenant, audience_id)["id"]
    api.clock.advance(1)
    second = api.queue_run(tenant, audience_id)["id"]
    api.execute(first)
    listed = api.client.get(_runs_url(audience_id), headers=tenant.headers).json()
    assert [r["id"] for r in listed["data"]] == [second, first]
    url = _runs_url(audience_id) + "?status=completed"
    done = api.client.get(url, headers=tenant.headers).json()["data"]
    assert [r["id"] for r in done] == [first]


def test_completed_run_shows_counts_and_times(api: Api, tenant: Tenant) -> None:
    audience_id, run_id = api.completed_run(tenant)
    run = api.client.get(api.run_url(audience_id, run_id), headers=tenant.headers).json()["data"]
    assert run["status"] == "completed"
    assert run["candidateCount"] >= run["resultCount"] > 0
    assert run["attempts"] == 1
    assert run["startedAt"]
    assert run["completedAt"]


def test_queued_run_is_cancelled(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    run_id = api.queue_run(tenant, audience_id)["id"]
    reply = api.client.delete(api.run_url(audience_id, run_id), headers=tenant.headers)
    assert reply.status_code == 200
    assert reply.json()["data"]["status"] == "cancelled"
    assert reply.json()["data"]["cancelledAt"]


def _refused_cancel(api: Api, tenant: Tenant, audience_id: str, run_id: str) -> str:
    reply = api.client.delete(api.run_url(audience_id, run_id), headers=tenant.headers)
    assert reply.status_code == 409
    return str(reply.json()["error"]["code"])


def test_running_run_cannot_be_cancelled(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    run_id = api.queue_run(tenant, audience_id)["id"]
    api.store.claim_run(RunId(run_id), api.clock(), api.clock())
    assert _refused_cancel(api, tenant, audience_id, run_id) == "RUN_NOT_CANCELLABLE"


def test_completed_run_cannot_be_cancelled(api: Api, tenant: Tenant) -> None:
    audience_id, run_id = api.completed_run(tenant)
    assert _refused_cancel(api, tenant, audience_id, run_id) == "RUN_NOT_CANCELLABLE"


def test_cancelled_run_cannot_be_cancelled_again(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    run_id = api.queue_run(tenant, audience_id)["id"]
    api.client.delete(api.run_url(audience_id, run_id), headers=tenant.headers)
    assert _refused_cancel(api, tenant, audience_id, run_id) == "RUN_NOT_CANCELLABLE"


def test_an_audience_activated_on_months_old_data_gets_its_daily_run_within_one_tick(
    api: Api, tenant: Tenant
) -> None:
    api.clock.now = datetime.combine(DATA_END + timedelta(days=150), time(6), UTC)
    audience_id = api.audience(tenant)["id"]  # a draft: no daily runs
    schedule_once(api.deps, api.clock())
    url = f"{BASE}/audiences/{audience_id}"
    reply = api.client.patch(url, json={"status": "active"}, headers=tenant.headers)
    assert reply.status_code == 200, reply.text
    schedule_once(api.deps, api.clock())
    daily = api.client.get(f"{url}/runs", params={"runType": "daily"}, headers=tenant.headers)
    runs = [(r["dataDate"], r["status"]) for r in daily.json()["data"]]
    assert runs == [(DATA_END.isoformat(), "queued")]
