"""Stored exports and their signed download links, with Range support."""

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from data.metadata.models import ExportId
from jobs.exports import build_queued_export
from tests.api.factories import Api, ApiMaker, Tenant


@pytest.fixture
def completed(api: Api, tenant: Tenant) -> tuple[str, str]:
    return api.completed_run(tenant)


def _create(api: Api, tenant: Tenant, run: tuple[str, str], fmt: str = "csv") -> Any:
    url = api.run_url(*run, "/exports")
    return api.client.post(url, json={"format": fmt}, headers=tenant.headers)


def _download(api: Api, link: dict[str, Any], **headers: str) -> Any:
    return api.client.get(urlparse(link["downloadUrl"]).path, headers=headers)


def test_first_create_queues_it_with_202_and_a_repeat_reuses_it_with_200(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    first, again = _create(api, tenant, completed), _create(api, tenant, completed)
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["data"]["export"]["id"] == again.json()["data"]["export"]["id"]
    export = first.json()["data"]["export"]
    assert (export["status"], export["exportType"]) == ("completed", "csv")
    assert export["rowCount"] > 0
    assert len(export["sha256"]) == 64


def test_link_expires_after_the_configured_ttl(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    link = _create(api, tenant, completed, "jsonl").json()["data"]
    assert link["downloadUrlTtlSeconds"] == api.deps.settings.export_url_ttl_seconds
    assert link["downloadUrl"].startswith("http")
    assert link["downloadUrlExpiresAt"] > link["export"]["createdAt"]


def test_download_is_the_whole_file_matching_its_checksum(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    link = _create(api, tenant, completed, "parquet").json()["data"]
    reply = _download(api, link)
    assert reply.status_code == 200
    assert reply.headers["accept-ranges"] == "bytes"
    assert len(reply.content) == link["export"]["byteSize"]
    assert hashlib.sha256(reply.content).hexdigest() == link["export"]["sha256"]


def test_range_request_returns_206_with_that_slice(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    link = _create(api, tenant, completed).json()["data"]
    whole = _download(api, link).content
    part = _download(api, link, Range="bytes=10-19")
    assert part.status_code == 206
    assert part.content == whole[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(whole)}"


def test_range_past_the_end_is_416(api: Api, tenant: Tenant, completed: tuple[str, str]) -> None:
    link = _create(api, tenant, completed).json()["data"]
    reply = _download(api, link, Range="bytes=999999999-")
    assert reply.status_code == 416


def test_tampered_link_is_403(api: Api, tenant: Tenant, completed: tuple[str, str]) -> None:
    link = _create(api, tenant, completed).json()["data"]
    path = urlparse(link["downloadUrl"]).path
    reply = api.client.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == "FORBIDDEN"


def test_expired_link_is_403(api: Api, tenant: Tenant, completed: tuple[str, str]) -> None:
    link = _create(api, tenant, completed).json()["data"]
    api.clock.advance(link["downloadUrlTtlSeconds"] + 1)
    assert _download(api, link).status_code == 403


def test_link_of_one_export_cannot_name_another(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    csv_link = _create(api, tenant, completed, "csv").json()["data"]
    other_id = _create(api, tenant, completed, "jsonl").json()["data"]["export"]["id"]
    _, expires, signature = urlparse(csv_link["downloadUrl"]).path.rsplit("/", 1)[1].split(".")
    reply = api.client.get(f"/v1/downloads/{other_id}.{expires}.{signature}")
    assert reply.status_code == 403


def test_exports_are_listed_and_fetched_with_fresh_links(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    created = _create(api, tenant, completed).json()["data"]
    api.clock.advance(30)
    listed = api.client.get(api.run_url(*completed, "/exports"), headers=tenant.headers)
    one = api.client.get(
        api.run_url(*completed, f"/exports/{created['export']['id']}"), headers=tenant.headers
    )
    assert [e["export"]["id"] for e in listed.json()["data"]] == [created["export"]["id"]]
    assert one.json()["data"]["downloadUrlExpiresAt"] > created["downloadUrlExpiresAt"]


def test_export_of_a_queued_run_is_409(api: Api, tenant: Tenant) -> None:
    audience_id = api.audience(tenant)["id"]
    run_id = api.queue_run(tenant, audience_id)["id"]
    reply = _create(api, tenant, (audience_id, run_id))
    assert reply.status_code == 409
    assert reply.json()["error"]["code"] == "RUN_NOT_SERVABLE"


def test_unknown_format_is_a_validation_error(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    assert _create(api, tenant, completed, "xlsx").status_code == 400


def test_downloads_stop_when_the_audience_is_deleted(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    link = _create(api, tenant, completed).json()["data"]
    api.client.delete(f"/v1/intent/audiences/{completed[0]}", headers=tenant.headers)
    assert _download(api, link).status_code == 404


@pytest.fixture
def queue() -> list[str]:
    return []


@pytest.fixture
def queued_api(make_api: ApiMaker, queue: list[str]) -> Api:
    """An API whose export builds wait in `queue` until a test builds them."""
    return make_api(export_queue=queue)


def _get(api: Api, tenant: Tenant, run: tuple[str, str], export_id: str) -> Any:
    url = api.run_url(*run, f"/exports/{export_id}")
    return api.client.get(url, headers=tenant.headers).json()["data"]


def test_a_queued_export_is_processing_and_not_downloadable_until_built(
    queued_api: Api, queue: list[str]
) -> None:
    api = queued_api
    tenant = api.tenant()
    run = api.completed_run(tenant)
    first, again = _create(api, tenant, run), _create(api, tenant, run)
    assert (first.status_code, again.status_code) == (202, 202)
    link = first.json()["data"]
    export_id = link["export"]["id"]
    assert (link["export"]["status"], again.json()["data"]["export"]["id"]) == (
        "processing",
        export_id,
    )
    assert queue == [export_id]  # queued once
    assert _get(api, tenant, run, export_id)["export"]["status"] == "processing"
    early = _download(api, link)
    assert (early.status_code, early.json()["error"]["code"]) == (409, "EXPORT_NOT_READY")

    build_queued_export(api.deps, ExportId(export_id))
    assert _get(api, tenant, run, export_id)["export"]["status"] == "completed"
    assert _download(api, link).status_code == 200
    reused = _create(api, tenant, run)
    assert (reused.status_code, reused.json()["data"]["export"]["id"]) == (200, export_id)


def test_an_export_whose_build_failed_shows_its_error_and_is_queued_again(
    queued_api: Api, queue: list[str]
) -> None:
    api = queued_api
    tenant = api.tenant()
    run = api.completed_run(tenant)
    link = _create(api, tenant, run).json()["data"]
    export_id = link["export"]["id"]
    snapshot = api.store.get_run(run[1]).snapshot_path  # type: ignore[union-attr]
    results = Path(str(snapshot)) / "results.parquet"
    kept = results.rename(results.with_name("kept.parquet"))
    build_queued_export(api.deps, ExportId(export_id))
    failed = _get(api, tenant, run, export_id)["export"]
    assert (failed["status"], failed["errorCode"]) == ("failed", "INTERNAL")
    assert _download(api, link).status_code == 409
    kept.rename(results)
    again = _create(api, tenant, run)
    assert (again.status_code, again.json()["data"]["export"]["status"]) == (202, "processing")
    assert queue == [export_id, export_id]
