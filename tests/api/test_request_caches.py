"""What requests take from memory: what a presented key resolved to, live or refused, for a few
seconds; runs are always read, so a completion or a deleted audience shows at once."""

from collections.abc import Callable
from typing import Any

import pytest

from api.auth import KEY_TTL_SECONDS
from jobs import accounts
from tests.api.factories import BASE, Api, ApiMaker, SetTicker, Tenant

Counter = Callable[[str], list[Any]]


@pytest.fixture
def ticker() -> SetTicker:
    return SetTicker()


@pytest.fixture
def api(make_api: ApiMaker, ticker: SetTicker) -> Api:
    return make_api(ticker=ticker)


@pytest.fixture
def count_calls(api: Api, monkeypatch: pytest.MonkeyPatch) -> Counter:
    """`count_calls("get_run")`: from now on, the store records each call of that method."""

    def count(method: str) -> list[Any]:
        calls: list[Any] = []
        real = getattr(api.store, method)

        def counted(*args: Any, **kwargs: Any) -> Any:
            calls.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(api.store, method, counted)
        return calls

    return count


def _list_audiences(api: Api, headers: dict[str, str]) -> int:
    return api.client.get(f"{BASE}/audiences", headers=headers).status_code


def _results(api: Api, tenant: Tenant, audience_id: str, run_id: str) -> int:
    url = api.run_url(audience_id, run_id, "/results")
    return api.client.get(url, headers=tenant.headers).status_code


def test_revoked_key_works_until_the_key_ttl_passes_then_is_refused(
    api: Api, tenant: Tenant, ticker: SetTicker
) -> None:
    assert _list_audiences(api, tenant.headers) == 200
    accounts.revoke_api_key(api.store, tenant.key_id, api.clock())
    ticker.now += KEY_TTL_SECONDS - 0.1
    assert _list_audiences(api, tenant.headers) == 200
    ticker.now += 0.1
    assert _list_audiences(api, tenant.headers) == 401


def test_live_key_is_looked_up_once_within_the_key_ttl(
    api: Api, tenant: Tenant, count_calls: Counter
) -> None:
    lookups = count_calls("get_api_key")
    assert [_list_audiences(api, tenant.headers) for _ in range(3)] == [200] * 3
    assert len(lookups) == 1


def test_refused_key_is_looked_up_once_within_the_key_ttl(
    api: Api, tenant: Tenant, count_calls: Counter, ticker: SetTicker
) -> None:
    lookups = count_calls("get_api_key")
    unknown = {"x-api-key": f"sk_{tenant.key_id}_not-the-secret"}
    assert [_list_audiences(api, unknown) for _ in range(3)] == [401] * 3
    assert len(lookups) == 1
    ticker.now += KEY_TTL_SECONDS
    assert _list_audiences(api, unknown) == 401
    assert len(lookups) == 2


def test_a_run_completion_shows_at_once(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    run_id = api.queue_run(tenant, audience_id)["id"]
    assert _results(api, tenant, audience_id, run_id) == 202
    api.execute(run_id)
    assert _results(api, tenant, audience_id, run_id) == 200


def test_results_of_a_deleted_audience_are_refused_at_once(api: Api, tenant: Tenant) -> None:
    audience_id, run_id = api.completed_run(tenant)
    assert _results(api, tenant, audience_id, run_id) == 200
    reply = api.client.delete(f"{BASE}/audiences/{audience_id}", headers=tenant.headers)
    assert reply.status_code == 200
    assert _results(api, tenant, audience_id, run_id) == 404


def test_another_organizations_completed_run_stays_hidden_after_its_owner_read_it(
    api: Api, tenant: Tenant
) -> None:
    audience_id, run_id = api.completed_run(tenant)
    assert _results(api, tenant, audience_id, run_id) == 200
    assert _results(api, api.tenant(), audience_id, run_id) == 404


def test_an_address_that_spends_its_refused_key_budget_gets_429_before_any_lookup(
    make_api: ApiMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = make_api(refused_keys_per_minute=3)
    tenant = api.tenant()
    lookups: list[Any] = []
    real = api.store.get_api_key

    def counted(*args: Any, **kwargs: Any) -> Any:
        lookups.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(api.store, "get_api_key", counted)
    guesses = [{"x-api-key": f"sk_{tenant.key_id}_guess-{n}"} for n in range(6)]
    statuses = [_list_audiences(api, headers) for headers in guesses]
    assert statuses == [401, 401, 401, 429, 429, 429]
    assert len(lookups) == 3  # the budget was spent by the third: later guesses cost no query
    refused = api.client.get(f"{BASE}/audiences", headers=guesses[-1])
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["retry-after"]) >= 1


def test_refused_keys_do_not_spend_the_budget_of_a_live_key(make_api: ApiMaker) -> None:
    api = make_api(refused_keys_per_minute=2, rate_limit_per_minute=5)
    tenant = api.tenant()
    assert _list_audiences(api, tenant.headers) == 200
    for n in range(3):
        _list_audiences(api, {"x-api-key": f"sk_{tenant.key_id}_guess-{n}"})
    reply = api.client.get(f"{BASE}/audiences", headers=tenant.headers)
    assert reply.status_code == 200  # its key is known: no lookup, nothing to refuse
    assert reply.headers["ratelimit-remaining"] == "3"
