"""Webhook endpoints over HTTP: the secret is shown once, the log is paged, others' are 404."""

from tests.api.factories import BASE, Api, Tenant

HOOK = {"url": "https://93.184.215.14/hooks", "events": ["run.completed", "run.failed"]}


def test_created_endpoint_shows_its_secret_once(api: Api, tenant: Tenant) -> None:
    created = api.client.post(f"{BASE}/webhooks", json=HOOK, headers=tenant.headers)
    assert created.status_code == 201, created.text
    shown = created.json()["data"]
    assert shown["secret"].startswith("whsec_")
    assert (shown["status"], shown["events"]) == ("enabled", ["run.completed", "run.failed"])
    listed = api.client.get(f"{BASE}/webhooks", headers=tenant.headers).json()["data"]
    assert [w["id"] for w in listed] == [shown["id"]]
    assert "secret" not in listed[0]


def test_private_url_and_unknown_event_are_400_naming_the_field(api: Api, tenant: Tenant) -> None:
    cases = [
        ({"url": "http://127.0.0.1:8000/h", "events": ["run.completed"]}, "url"),
        ({"url": "http://10.0.0.5/h", "events": ["run.completed"]}, "url"),
        ({"url": HOOK["url"], "events": []}, "events"),
    ]
    for body, field in cases:
        reply = api.client.post(f"{BASE}/webhooks", json=body, headers=tenant.headers)
        assert reply.status_code == 400, (body, reply.text)
        assert field in [d["field"] for d in reply.json()["error"]["details"]]
    bad_event = {"url": HOOK["url"], "events": ["run.started"]}
    assert (
        api.client.post(f"{BASE}/webhooks", json=bad_event, headers=tenant.headers).status_code
        == 400
    )


def test_deleted_endpoint_and_another_organizations_are_404(api: Api, tenant: Tenant) -> None:
    shown = api.client.post(f"{BASE}/webhooks", json=HOOK, headers=tenant.headers).json()["data"]
    url = f"{BASE}/webhooks/{shown['id']}"
    stranger = api.tenant()
    assert api.client.get(f"{url}/deliveries", headers=stranger.headers).status_code == 404
    assert api.client.delete(url, headers=stranger.headers).status_code == 404
    assert api.client.get(f"{url}/deliveries", headers=tenant.headers).json()["data"] == []
    assert api.client.delete(url, headers=tenant.headers).json()["data"]["deleted"] is True
    assert api.client.delete(url, headers=tenant.headers).status_code == 404
    assert api.client.get(f"{BASE}/webhooks", headers=tenant.headers).json()["data"] == []
