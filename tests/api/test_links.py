"""The origin of the links the API builds: INTENT_PUBLIC_URL, else the connection's own address;
forwarding headers and Host count only from a trusted proxy."""

from typing import Any
from urllib.parse import urlparse

import pytest

from api.links import link_origin
from tests.api.factories import Api, ApiMaker, Tenant

PROXY = ("10.0.0.0/8",)
PUBLIC = "https://api.example.com"
HOSTILE = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "https",
    "Forwarded": "proto=https;host=evil.example",
}


def scope(client: str, headers: dict[str, str], server: Any = ("10.1.2.3", 8000)) -> Any:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return {
        "type": "http",
        "scheme": "http",
        "client": (client, 5000),
        "server": server,
        "headers": raw,
    }


def _links(api: Api, tenant: Tenant, headers: dict[str, str]) -> list[str]:
    """downloadUrl of every answer that carries one: create, list and get."""
    run = api.run_url(*api.completed_run(tenant), "/exports")
    both = {**tenant.headers, **headers}
    created = api.client.post(run, json={}, headers=both).json()["data"]
    listed = api.client.get(run, headers=both).json()["data"]
    one = api.client.get(f"{run}/{created['export']['id']}", headers=both).json()["data"]
    return [created["downloadUrl"], *(link["downloadUrl"] for link in listed), one["downloadUrl"]]


def test_every_download_url_starts_with_the_public_url_whatever_the_host(
    make_api: ApiMaker,
) -> None:
    api = make_api(public_url=PUBLIC, trusted_proxies=PROXY)
    urls = _links(api, api.tenant(), HOSTILE)
    assert urls
    assert all(url.startswith(PUBLIC + "/v1/downloads/") for url in urls), urls


def test_download_url_on_the_public_url_still_downloads(make_api: ApiMaker) -> None:
    api = make_api(public_url=PUBLIC)
    [url, *_] = _links(api, api.tenant(), {})
    assert api.client.get(urlparse(url).path).status_code == 200


def test_without_public_url_a_client_chosen_host_never_reaches_the_link(api: Api) -> None:
    urls = _links(api, api.tenant(), HOSTILE)
    assert all(url.startswith("http://testserver.local/v1/downloads/") for url in urls), urls


def test_openapi_document_names_the_public_url_as_its_server(make_api: ApiMaker) -> None:
    api = make_api(public_url=PUBLIC)
    assert api.client.get("/schema/openapi.json").json()["servers"] == [{"url": PUBLIC}]


def test_public_url_wins_over_a_trusted_proxy() -> None:
    assert link_origin(PUBLIC + "/intent", PROXY, scope("10.0.0.1", HOSTILE)) == PUBLIC + "/intent"


@pytest.mark.parametrize(
    "headers",
    [HOSTILE, {"Host": "evil.example"}, {}],
    ids=["forwarding-headers", "host", "nothing"],
)
def test_untrusted_peer_gets_the_servers_own_address(headers: dict[str, str]) -> None:
    assert link_origin(None, PROXY, scope("192.0.2.7", headers)) == "http://10.1.2.3:8000"


def test_nothing_is_trusted_when_no_proxy_is_configured() -> None:
    assert link_origin(None, (), scope("10.0.0.1", HOSTILE)) == "http://10.1.2.3:8000"


def test_trusted_proxy_forwarded_header_gives_the_origin() -> None:
    headers = {
        "Forwarded": "for=192.0.2.1;proto=http;host=a.example, "
        'for=10.0.0.2;proto=https;host="api.example:8443"'
    }
    assert link_origin(None, PROXY, scope("10.0.0.1", headers)) == "https://api.example:8443"


def test_trusted_proxy_x_forwarded_headers_give_the_origin() -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example", "Host": "internal"}
    assert link_origin(None, PROXY, scope("10.0.0.1", headers)) == "https://api.example"


def test_trusted_proxy_host_is_used_when_it_forwards_nothing_else() -> None:
    assert (
        link_origin(None, PROXY, scope("10.0.0.1", {"Host": "api.example"})) == "http://api.example"
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-Host": "evil.example/path@x"},
        {"X-Forwarded-Proto": "javascript", "X-Forwarded-Host": "api.example"},
        {"Forwarded": 'host="a b"'},
    ],
    ids=["host-with-path", "odd-scheme", "host-with-space"],
)
def test_malformed_forwarding_from_a_trusted_proxy_falls_back_to_the_own_address(
    headers: dict[str, str],
) -> None:
    assert link_origin(None, PROXY, scope("10.0.0.1", headers)) == "http://10.1.2.3:8000"


@pytest.mark.parametrize(
    ("server", "scheme_origin"),
    [(("::1", 8000), "http://[::1]:8000"), (("127.0.0.1", 80), "http://127.0.0.1")],
    ids=["ipv6", "default-port"],
)
def test_own_address_is_written_as_a_url_origin(server: Any, scheme_origin: str) -> None:
    assert link_origin(None, (), scope("192.0.2.7", {}, server)) == scheme_origin
