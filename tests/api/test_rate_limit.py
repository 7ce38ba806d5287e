"""The per-key rate limit over HTTP: 429 with RateLimit-* and Retry-After, keyed by API key."""

from tests.api.factories import BASE, Api, ApiMaker


def _spend(api: Api, headers: dict[str, str], times: int) -> list[int]:
    return [api.client.get(f"{BASE}/audiences", headers=headers).status_code for _ in range(times)]


def test_spent_budget_answers_429_with_rate_limit_headers(make_api: ApiMaker) -> None:
    api = make_api(rate_limit_per_minute=3)
    tenant = api.tenant()
    assert _spend(api, tenant.headers, 3) == [200, 200, 200]
    reply = api.client.get(f"{BASE}/audiences", headers=tenant.headers)
    assert reply.status_code == 429
    assert reply.json()["error"]["code"] == "RATE_LIMITED"
    assert reply.headers["ratelimit-limit"] == "3"
    assert reply.headers["ratelimit-remaining"] == "0"
    assert int(reply.headers["retry-after"]) == int(reply.headers["ratelimit-reset"]) > 0


def test_forwarding_headers_do_not_reset_the_budget(make_api: ApiMaker) -> None:
    api = make_api(rate_limit_per_minute=2)
    tenant = api.tenant()
    _spend(api, tenant.headers, 2)
    spoofed = {**tenant.headers, "X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"}
    assert _spend(api, spoofed, 1) == [429]


def test_other_keys_keep_their_own_budget(make_api: ApiMaker) -> None:
    api = make_api(rate_limit_per_minute=1)
    first, second = api.tenant(), api.tenant()
    assert _spend(api, first.headers, 2) == [200, 429]
    assert _spend(api, second.headers, 1) == [200]


def test_successful_answers_show_the_remaining_budget(make_api: ApiMaker) -> None:
    api = make_api(rate_limit_per_minute=5)
    reply = api.client.get(f"{BASE}/audiences", headers=api.tenant().headers)
    assert reply.headers["ratelimit-remaining"] == "4"


def test_keyed_requests_are_answered_while_the_shared_rate_limit_storage_is_down(
    make_api: ApiMaker, caplog
) -> None:
    api = make_api(rate_limit_per_minute=2, broker_url="redis://127.0.0.1:1/0")  # nothing there
    tenant = api.tenant()
    assert _spend(api, tenant.headers, 3) == [200, 200, 429]  # counted in the process meanwhile
    warnings = [r.getMessage() for r in caplog.records if r.name == "api.ratelimit"]
    keys = [message for message in warnings if "intent-runs:keys budgets" in message]
    assert len(keys) == 1  # once, not once per request
    assert "in this process" in keys[0]
