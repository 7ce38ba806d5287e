"""Audiences over HTTP: create, list, get, patch, delete, and the organization's slots."""

from typing import Any

from tests.api.factories import BASE, Api, ApiMaker, Tenant


def _patch(api: Api, tenant: Tenant, audience_id: str, **body: Any) -> Any:
    return api.client.patch(f"{BASE}/audiences/{audience_id}", json=body, headers=tenant.headers)


def test_created_audience_is_a_draft_with_its_normalized_config(api: Api, tenant: Tenant) -> None:
    created = api.audience(tenant, config=api.config(topicIds=[5, 3, 3], minScore=20))
    assert created["status"] == "draft"
    assert created["organizationId"] == tenant.org_id
    assert created["accessType"] == "paid"
    assert created["dailyRefreshEnabled"] is False
    assert created["audienceSize"] is None
    assert created["config"]["topicIds"] == [3, 5]
    assert created["config"]["minScore"] == 50
    assert len(created["configHash"]) == 64


def test_invalid_config_lists_every_problem_with_its_field_path(api: Api, tenant: Tenant) -> None:
    config = {"topicIds": [], "minScore": 120, "filters": {"role.seniority": ["general"]}}
    body = {"name": "x", "config": config}
    reply = api.client.post(f"{BASE}/audiences", json=body, headers=tenant.headers)
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "VALIDATION_ERROR"
    fields = {d["field"] for d in reply.json()["error"]["details"]}
    assert {"config.topicIds", "config.minScore"} <= fields
    assert any(f.startswith("config.filters.role.seniority") for f in fields)


def test_unknown_topic_is_refused_against_the_dataset(api: Api, tenant: Tenant) -> None:
    body = {"name": "x", "config": {"topicIds": [999_999]}}
    reply = api.client.post(f"{BASE}/audiences", json=body, headers=tenant.headers)
    assert reply.json()["error"]["details"][0]["field"] == "config.topicIds[0]"


def test_name_outside_1_to_255_characters_is_refused(api: Api, tenant: Tenant) -> None:
    for name in ("", "n" * 256):
        body = {"name": name, "config": api.config()}
        reply = api.client.post(f"{BASE}/audiences", json=body, headers=tenant.headers)
        assert reply.status_code == 400
        assert reply.json()["error"]["details"][0]["field"] == "name"


def test_list_is_newest_first_with_total_and_paging(api: Api, tenant: Tenant) -> None:
    ids = []
    for n in range(3):
        ids.append(api.audience(tenant, name=f"a{n}")["id"])
        api.clock.advance(1)
    reply = api.client.get(f"{BASE}/audiences?limit=2&offset=1", headers=tenant.headers)
    assert [a["id"] for a in reply.json()["data"]] == [ids[1], ids[0]]
    meta = reply.json()["meta"]
    assert (meta["total"], meta["limit"], meta["offset"]) == (3, 2, 1)


def test_list_filters_by_status(api: Api, tenant: Tenant) -> None:
    api.audience(tenant)
    active = api.audience(tenant, status="active")["id"]
    reply = api.client.get(f"{BASE}/audiences?status=active", headers=tenant.headers)
    assert [a["id"] for a in reply.json()["data"]] == [active]


def test_get_returns_the_audience_with_its_config(api: Api, tenant: Tenant) -> None:
    created = api.audience(tenant)
    reply = api.client.get(f"{BASE}/audiences/{created['id']}", headers=tenant.headers)
    assert reply.json()["data"] == created


def test_patch_renames_pauses_and_edits_the_config(api: Api, tenant: Tenant) -> None:
    created = api.audience(tenant, status="active")
    api.clock.advance(5)
    new_config = api.config(minScore=80)
    reply = _patch(api, tenant, created["id"], name="Renamed", status="paused", config=new_config)
    updated = reply.json()["data"]
    assert (updated["name"], updated["status"]) == ("Renamed", "paused")
    assert updated["config"]["minScore"] == 80
    assert updated["configHash"] != created["configHash"]
    assert updated["updatedAt"] > created["updatedAt"]


def test_patch_with_an_invalid_config_changes_nothing(api: Api, tenant: Tenant) -> None:
    created = api.audience(tenant)
    reply = _patch(api, tenant, created["id"], name="New", config={"topicIds": "all"})
    assert reply.status_code == 400
    again = api.client.get(f"{BASE}/audiences/{created['id']}", headers=tenant.headers)
    assert again.json()["data"]["name"] == created["name"]


def test_existing_runs_keep_their_config_when_the_audience_changes(
    api: Api, tenant: Tenant
) -> None:
    created = api.audience(tenant)
    run = api.queue_run(tenant, created["id"])
    _patch(api, tenant, created["id"], config=api.config(minScore=90))
    reply = api.client.get(api.run_url(created["id"], run["id"]), headers=tenant.headers)
    assert reply.json()["data"]["configHash"] == created["configHash"]


def test_deleted_audience_and_its_runs_are_gone(api: Api, tenant: Tenant) -> None:
    audience_id, run_id = api.completed_run(tenant)
    reply = api.client.delete(f"{BASE}/audiences/{audience_id}", headers=tenant.headers)
    assert reply.json()["data"] == {"id": audience_id, "deleted": True}
    for url in (f"{BASE}/audiences/{audience_id}", api.run_url(audience_id, run_id, "/results")):
        assert api.client.get(url, headers=tenant.headers).status_code == 404


def test_audience_size_is_the_result_count_of_the_latest_completed_run(
    api: Api, tenant: Tenant
) -> None:
    audience_id, run_id = api.completed_run(tenant)
    run = api.client.get(api.run_url(audience_id, run_id), headers=tenant.headers).json()["data"]
    audience = api.client.get(f"{BASE}/audiences/{audience_id}", headers=tenant.headers)
    assert audience.json()["data"]["audienceSize"] == run["resultCount"] > 0
    assert audience.json()["data"]["lastRefreshedAt"] == run["completedAt"]


def test_creating_an_active_audience_without_a_free_slot_is_403_and_leaves_nothing(
    make_api: ApiMaker,
) -> None:
    api = make_api()
    tenant = api.tenant(slots=1)
    api.audience(tenant, status="active")
    body = {"name": "second", "status": "active", "config": api.config()}
    reply = api.client.post(f"{BASE}/audiences", json=body, headers=tenant.headers)
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == "SLOTS_FULL"
    listed = api.client.get(f"{BASE}/audiences", headers=tenant.headers).json()
    assert listed["meta"]["total"] == 1


def test_activating_without_a_free_slot_is_403_until_another_pauses(make_api: ApiMaker) -> None:
    api = make_api()
    tenant = api.tenant(slots=1)
    first = api.audience(tenant, status="active")["id"]
    second = api.audience(tenant)["id"]
    assert _patch(api, tenant, second, status="active").json()["error"]["code"] == "SLOTS_FULL"
    _patch(api, tenant, first, status="paused")
    assert _patch(api, tenant, second, status="active").json()["data"]["status"] == "active"


def test_draft_and_paused_audiences_take_no_slot(make_api: ApiMaker) -> None:
    api = make_api()
    tenant = api.tenant(slots=1)
    api.audience(tenant)
    api.audience(tenant, status="paused")
    assert api.audience(tenant, status="active")["status"] == "active"


def test_slots_are_counted_per_organization(make_api: ApiMaker) -> None:
    api = make_api()
    first, second = api.tenant(slots=1), api.tenant(slots=1)
    api.audience(first, status="active")
    assert api.audience(second, status="active")["status"] == "active"
