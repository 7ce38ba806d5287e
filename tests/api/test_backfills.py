"""Backfills over HTTP: one `backfill` run per complete date of a range, idempotent, bounded."""

from typing import Any

import httpx

from tests.api.conftest import DATA_END
from tests.api.factories import BASE, Api, Tenant

LATEST = DATA_END.isoformat()
EARLIER = "2026-11-26"  # the session dataset has two complete dates: EARLIER and LATEST


def _backfill(api: Api, tenant: Tenant, audience_id: str, **headers: str) -> Any:
    def send(body: dict[str, Any]) -> httpx.Response:
        url = f"{BASE}/audiences/{audience_id}/backfills"
        return api.client.post(url, json=body, headers={**tenant.headers, **headers})

    return send


def test_backfill_over_a_range_with_gaps_queues_one_run_per_complete_date(
    api: Api, tenant: Tenant
) -> None:
    audience = api.audience(tenant)
    reply = _backfill(api, tenant, audience["id"])({"from": "2026-11-01", "to": "2026-11-30"})
    assert reply.status_code == 202, reply.text
    runs = reply.json()["data"]["runs"]
    assert [(r["dataDate"], r["runType"], r["status"]) for r in runs] == [
        (EARLIER, "backfill", "queued"),
        (LATEST, "backfill", "queued"),
    ]
    assert all(r["configHash"] == audience["configHash"] for r in runs)
    assert api.enqueued.sent == [r["id"] for r in runs]


def test_repeat_with_the_same_idempotency_key_replays_without_new_runs(
    api: Api, tenant: Tenant
) -> None:
    audience_id = api.audience(tenant)["id"]
    send = _backfill(api, tenant, audience_id, **{"Idempotency-Key": "fill-november"})
    body = {"from": "2026-11-20", "to": LATEST}
    first, again = send(body), send(body)
    assert again.status_code == 202
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(api.enqueued.sent) == 2
    other = send({"from": "2026-11-21", "to": LATEST})
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_dates_with_a_completed_run_of_the_same_config_are_skipped_unless_forced(
    api: Api, tenant: Tenant
) -> None:
    audience_id, _ = api.completed_run(tenant)  # a manual run on LATEST
    send = _backfill(api, tenant, audience_id)
    skipping = send({"from": EARLIER, "to": LATEST}).json()["data"]
    assert [r["dataDate"] for r in skipping["runs"]] == [EARLIER]
    assert skipping["skippedDates"] == [LATEST]
    forced = send({"from": EARLIER, "to": LATEST, "force": True}).json()["data"]
    assert [r["dataDate"] for r in forced["runs"]] == [EARLIER, LATEST]
    assert forced["skippedDates"] == []


def test_a_changed_config_is_not_skipped(api: Api, tenant: Tenant) -> None:
    audience_id, _ = api.completed_run(tenant)
    patch = {"config": api.config(minScore=70)}
    url = f"{BASE}/audiences/{audience_id}"
    assert api.client.patch(url, json=patch, headers=tenant.headers).status_code == 200
    data = _backfill(api, tenant, audience_id)({"from": LATEST, "to": LATEST}).json()["data"]
    assert [r["dataDate"] for r in data["runs"]] == [LATEST]


def test_thirty_one_dates_are_accepted_and_thirty_two_refused_naming_the_field(
    api: Api, tenant: Tenant
) -> None:
    send = _backfill(api, tenant, api.audience(tenant)["id"])
    assert send({"from": "2026-10-28", "to": LATEST}).status_code == 202
    refused = send({"from": "2026-10-27", "to": LATEST})
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in error["details"]] == ["to"]


def test_bad_ranges_are_400_naming_the_field(api: Api, tenant: Tenant) -> None:
    send = _backfill(api, tenant, api.audience(tenant)["id"])
    cases = [
        ({"from": LATEST, "to": EARLIER}, "to"),
        ({"from": "2026-02-30", "to": LATEST}, "from"),
        ({"from": "yesterday", "to": LATEST}, "from"),
    ]
    for body, field in cases:
        reply = send(body)
        assert reply.status_code == 400, (body, reply.text)
        assert field in [d["field"] for d in reply.json()["error"]["details"]], (body, reply.text)
    missing = send({"to": LATEST})
    assert missing.status_code == 400
    assert [d["field"] for d in missing.json()["error"]["details"]] == ["from"]
    assert send({"from": EARLIER, "to": LATEST, "extra": 1}).status_code == 400
    assert api.enqueued.sent == []


def test_range_without_a_complete_date_is_422_data_not_available(api: Api, tenant: Tenant) -> None:
    send = _backfill(api, tenant, api.audience(tenant)["id"])
    reply = send({"from": "2020-01-01", "to": "2020-01-31"})
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "DATA_NOT_AVAILABLE"


def test_another_organizations_audience_is_404(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    stranger = api.tenant()
    reply = _backfill(api, stranger, audience_id)({"from": EARLIER, "to": LATEST})
    assert reply.status_code == 404


def test_runs_are_listed_by_run_type_and_data_date(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    manual = api.queue_run(tenant, audience_id)["id"]
    filled = _backfill(api, tenant, audience_id)({"from": EARLIER, "to": LATEST}).json()
    backfill_ids = {r["dataDate"]: r["id"] for r in filled["data"]["runs"]}
    url = f"{BASE}/audiences/{audience_id}/runs"

    def listed(query: str) -> list[str]:
        reply = api.client.get(f"{url}?{query}", headers=tenant.headers)
        assert reply.status_code == 200, reply.text
        return [r["id"] for r in reply.json()["data"]]

    assert sorted(listed("runType=backfill")) == sorted(backfill_ids.values())
    assert listed(f"runType=backfill&dataDate={LATEST}") == [backfill_ids[LATEST]]
    assert listed(f"runType=manual&dataDate={LATEST}") == [manual]
    assert api.client.get(f"{url}?runType=weekly", headers=tenant.headers).status_code == 400
    assert api.client.get(f"{url}?dataDate=27-11-2026", headers=tenant.headers).status_code == 400
