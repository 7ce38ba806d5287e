"""Download links as HTTP clients use them: HEAD, conditional ranges, content types, the origin of
the link and its expiry."""

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.api.factories import Api, Tenant

# Headers that differ between any two responses, whatever the method.
PER_RESPONSE = {"date", "x-request-id"}


@pytest.fixture
def completed(api: Api, tenant: Tenant) -> tuple[str, str]:
    return api.completed_run(tenant)


def _link(api: Api, tenant: Tenant, run: tuple[str, str], fmt: str = "csv") -> dict[str, Any]:
    url = api.run_url(*run, "/exports")
    reply = api.client.post(url, json={"format": fmt}, headers=tenant.headers)
    assert reply.status_code in (200, 202), reply.text
    return dict(reply.json()["data"])


def _path(link: dict[str, Any]) -> str:
    return urlparse(link["downloadUrl"]).path


def _comparable(headers: Any) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in PER_RESPONSE}


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_head_answers_200_with_the_headers_of_get_and_no_body(
    api: Api, tenant: Tenant, completed: tuple[str, str], fmt: str
) -> None:
    link = _link(api, tenant, completed, fmt)
    head, get = api.client.head(_path(link)), api.client.get(_path(link))
    assert (head.status_code, get.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers["content-length"] == str(link["export"]["byteSize"])
    assert head.headers["accept-ranges"] == "bytes"
    assert _comparable(head.headers) == _comparable(get.headers)


def test_head_ignores_a_range(api: Api, tenant: Tenant, completed: tuple[str, str]) -> None:
    link = _link(api, tenant, completed)
    head = api.client.head(_path(link), headers={"Range": "bytes=0-9"})
    assert head.status_code == 200
    assert head.headers["content-length"] == str(link["export"]["byteSize"])


def test_head_of_a_tampered_link_is_403(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    path = _path(_link(api, tenant, completed))
    assert api.client.head(path[:-2] + "xx").status_code == 403


def test_if_range_with_the_current_etag_gives_the_range(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    path = _path(_link(api, tenant, completed))
    etag = api.client.head(path).headers["etag"]
    reply = api.client.get(path, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert (reply.status_code, len(reply.content)) == (206, 10)
    assert reply.headers["etag"] == etag


def test_if_range_with_the_last_modified_date_gives_the_range(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    path = _path(_link(api, tenant, completed))
    modified = api.client.head(path).headers["last-modified"]
    reply = api.client.get(path, headers={"Range": "bytes=0-9", "If-Range": modified})
    assert reply.status_code == 206


@pytest.mark.parametrize(
    "validator",
    ['"something-else"', 'W/"weak"', "Thu, 01 Jan 1998 00:00:00 GMT", "garbage"],
    ids=["other-etag", "weak-etag", "other-date", "garbage"],
)
def test_if_range_that_does_not_match_gives_200_and_the_whole_file(
    api: Api, tenant: Tenant, completed: tuple[str, str], validator: str
) -> None:
    link = _link(api, tenant, completed)
    reply = api.client.get(_path(link), headers={"Range": "bytes=0-9", "If-Range": validator})
    assert reply.status_code == 200
    assert len(reply.content) == link["export"]["byteSize"]
    assert "content-range" not in reply.headers


def test_if_range_that_does_not_match_overrides_an_unsatisfiable_range(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    path = _path(_link(api, tenant, completed))
    reply = api.client.get(path, headers={"Range": "bytes=999999999-", "If-Range": '"old"'})
    assert reply.status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Range": "bytes=0-9"}], ids=["whole", "range"])
def test_csv_download_says_its_charset_once(
    api: Api, tenant: Tenant, completed: tuple[str, str], headers: dict[str, str]
) -> None:
    path = _path(_link(api, tenant, completed))
    for reply in (api.client.get(path, headers=headers), api.client.head(path, headers=headers)):
        assert reply.headers["content-type"] == "text/csv; charset=utf-8"


def test_streamed_csv_export_says_its_charset_once(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    reply = api.client.get(api.run_url(*completed, "/export.csv"), headers=tenant.headers)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/csv; charset=utf-8"


def test_link_works_until_the_expiry_it_shows(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    api.clock.advance(0.75)  # a moment between two whole seconds
    link = _link(api, tenant, completed)
    expires = _instant(link["downloadUrlExpiresAt"])
    api.clock.now = expires - timedelta(milliseconds=1)
    assert api.client.get(_path(link)).status_code == 200
    api.clock.now = expires
    assert api.client.get(_path(link)).status_code == 403


def test_shown_expiry_is_never_later_than_the_ttl(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    api.clock.advance(0.75)
    created = api.clock.now
    link = _link(api, tenant, completed)
    expires = _instant(link["downloadUrlExpiresAt"])
    ttl = timedelta(seconds=link["downloadUrlTtlSeconds"])
    assert created + ttl - timedelta(seconds=1) < expires <= created + ttl
