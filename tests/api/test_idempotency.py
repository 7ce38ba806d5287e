"""Idempotency-Key on run creation: one run per key and body, replays byte for byte."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest

from api.envelope import json_bytes
from api.idempotency import fingerprint_of
from api.wire.runs import RunCreate
from data.metadata.models import AudienceId, OrgId
from jobs.idempotency import ABANDONED_AFTER, purge_idempotency_keys
from tests.api.factories import BASE, Api, ApiMaker, Tenant


@pytest.fixture
def sqlite_api(make_api: ApiMaker) -> Api:
    return make_api(store="sqlite")


def _post(
    api: Api, tenant: Tenant, audience_id: str, key: str, body: dict[str, Any] | None = None
) -> httpx.Response:
    headers = {**tenant.headers, "Idempotency-Key": key}
    url = f"{BASE}/audiences/{audience_id}/runs"
    return api.client.post(url, json=body or {"runType": "manual"}, headers=headers)


def _runs(api: Api, audience_id: str) -> int:
    return len(api.store.list_runs(AudienceId(audience_id), None, 100))


def test_100_sequential_repeats_make_one_run_with_byte_identical_replies(
    sqlite_api: Api,
) -> None:
    api = sqlite_api
    tenant = api.tenant()
    audience_id = api.audience(tenant)["id"]
    replies = [_post(api, tenant, audience_id, "key-1") for _ in range(100)]
    assert {r.status_code for r in replies} == {202}
    assert {r.content for r in replies} == {replies[0].content}
    assert "idempotent-replayed" not in replies[0].headers
    assert all(r.headers["idempotent-replayed"] == "true" for r in replies[1:])
    assert _runs(api, audience_id) == 1
    assert len(api.enqueued.sent) == 1


def test_20_concurrent_repeats_make_one_run_and_no_server_error(sqlite_api: Api) -> None:
    api = sqlite_api
    tenant = api.tenant()
    audience_id = api.audience(tenant)["id"]
    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: _post(api, tenant, audience_id, "burst"), range(20)))
    statuses = [r.status_code for r in replies]
    assert set(statuses) <= {202, 409}, statuses
    assert _runs(api, audience_id) == 1
    assert len({r.content for r in replies if r.status_code == 202}) == 1


def test_repeat_while_the_first_is_in_flight_is_409(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    api.enqueued.gate = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(_post, api, tenant, audience_id, "slow")
        assert api.enqueued.entered.wait(timeout=10)
        second = _post(api, tenant, audience_id, "slow")
        api.enqueued.gate.set()
        assert first.result().status_code == 202
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_USE"


def test_same_key_with_another_body_is_422(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    _post(api, tenant, audience_id, "k")
    reply = _post(api, tenant, audience_id, "k", {"runType": "manual", "dataDate": "2026-11-26"})
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_audience_id_without_hyphens_names_the_same_audience_and_replays(
    api: Api, tenant: Tenant
) -> None:
    audience_id = api.audience(tenant)["id"]
    first = _post(api, tenant, audience_id, "k")
    again = _post(api, tenant, audience_id.replace("-", "").upper(), "k")
    assert (again.status_code, again.headers["idempotent-replayed"]) == (202, "true")
    assert again.content == first.content


def test_same_key_for_another_audience_is_422(api: Api, tenant: Tenant) -> None:
    first, second = api.audience(tenant)["id"], api.audience(tenant)["id"]
    _post(api, tenant, first, "k")
    assert _post(api, tenant, second, "k").json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_keys_are_scoped_to_their_organization(api: Api) -> None:
    mine, theirs = api.tenant(), api.tenant()
    _post(api, mine, api.audience(mine)["id"], "shared")
    assert _post(api, theirs, api.audience(theirs)["id"], "shared").status_code == 202


@pytest.mark.parametrize(
    "key", ["k" * 121, "", "clé", "tab\there"], ids=["121-chars", "empty", "non-ascii", "control"]
)
def test_key_that_breaks_the_rules_is_400(api: Api, tenant: Tenant, key: str) -> None:
    audience_id = api.audience(tenant)["id"]
    headers = {**tenant.headers, "Idempotency-Key": key}
    url = f"{BASE}/audiences/{audience_id}/runs"
    reply = api.client.post(url, json={}, headers={k: v.encode() for k, v in headers.items()})
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "IDEMPOTENCY_KEY_INVALID"
    assert _runs(api, audience_id) == 0


def test_key_of_120_printable_characters_is_accepted(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    assert _post(api, tenant, audience_id, "~ !" * 40).status_code == 202


def test_refused_request_keeps_no_key(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    missing_date = {"runType": "manual", "dataDate": "2020-01-01"}
    assert _post(api, tenant, audience_id, "retry", missing_date).status_code == 422
    assert _post(api, tenant, audience_id, "retry").status_code == 202


def test_keys_older_than_24_hours_are_purged(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    _post(api, tenant, audience_id, "old")
    assert purge_idempotency_keys(api.store, api.clock() + timedelta(hours=23)) == 0
    assert purge_idempotency_keys(api.store, api.clock() + timedelta(hours=25)) == 1
    other_body = {"runType": "manual", "dataDate": "2026-11-26"}
    assert _post(api, tenant, audience_id, "old", other_body).status_code == 202


def _left_in_flight(api: Api, tenant: Tenant, audience_id: str, key: str) -> None:
    """A key reserved by a `{"runType": "manual"}` request whose process died before answering."""
    fingerprint = fingerprint_of(audience_id, json_bytes(RunCreate()))
    api.store.reserve_idempotency_key(OrgId(tenant.org_id), key, fingerprint, api.clock())


def test_key_left_in_flight_past_the_abandon_bound_is_taken_over(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    _left_in_flight(api, tenant, audience_id, "crashed")
    api.clock.advance(ABANDONED_AFTER.total_seconds() + 1)
    assert _post(api, tenant, audience_id, "crashed").status_code == 202
    assert _post(api, tenant, audience_id, "crashed").headers["idempotent-replayed"] == "true"
    assert _runs(api, audience_id) == 1


def test_key_left_in_flight_within_the_abandon_bound_is_409(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    _left_in_flight(api, tenant, audience_id, "crashed")
    api.clock.advance(ABANDONED_AFTER.total_seconds() - 1)
    assert _post(api, tenant, audience_id, "crashed").status_code == 409
