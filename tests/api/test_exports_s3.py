"""Stored exports with the snapshots on the local S3 server: written into the bucket beside the
snapshot and downloaded through a URL presigned by the store, with the TTL of signed links; until
the export is completed its link is the API's own, which answers 409 EXPORT_NOT_READY."""

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from data.metadata.models import ExportId
from data.s3_client import s3_client
from data.storage import open_store
from jobs.exports import build_queued_export
from tests import services
from tests.api.factories import Api, ApiMaker, Tenant

TTL = 900


@pytest.fixture
def s3_api(make_api: ApiMaker) -> Iterator[Api]:
    with services.temporary_bucket("intent-exports") as bucket:
        yield make_api(
            snapshots=f"s3://{bucket}/snapshots", s3=services.S3, export_url_ttl_seconds=TTL
        )


@pytest.fixture
def queued_s3_api(make_api: ApiMaker) -> Iterator[tuple[Api, list[str]]]:
    """An API on the bucket whose export builds wait in the returned list until built."""
    queue: list[str] = []
    with services.temporary_bucket("intent-exports") as bucket:
        api = make_api(
            snapshots=f"s3://{bucket}/snapshots",
            s3=services.S3,
            export_url_ttl_seconds=TTL,
            export_queue=queue,
        )
        yield api, queue


def _export(api: Api, tenant: Tenant, fmt: str) -> dict[str, Any]:
    run = api.completed_run(tenant)
    reply = api.client.post(
        api.run_url(*run, "/exports"), json={"format": fmt}, headers=tenant.headers
    )
    assert reply.status_code == 202, reply.text
    link: dict[str, Any] = reply.json()["data"]
    return link


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_the_presigned_url_downloads_the_export_from_the_bucket(s3_api: Api, fmt: str) -> None:
    tenant = s3_api.tenant()
    link = _export(s3_api, tenant, fmt)
    export = link["export"]
    assert export["status"] == "completed"
    assert export["storageProvider"] == "s3"
    url = urlparse(link["downloadUrl"])
    assert f"{url.scheme}://{url.netloc}" == services.S3.endpoint_url
    assert url.path == f"/{export['bucket']}/{export['fileName']}"
    assert export["fileName"].endswith(f".exports/results.{fmt}")
    reply = httpx.get(link["downloadUrl"])
    assert reply.status_code == 200
    assert len(reply.content) == export["byteSize"]
    assert hashlib.sha256(reply.content).hexdigest() == export["sha256"]
    assert reply.headers["content-disposition"] == (
        f'attachment; filename="run-{export["runId"]}.{fmt}"'
    )


def test_the_presigned_url_lives_as_long_as_a_signed_link(s3_api: Api) -> None:
    link = _export(s3_api, s3_api.tenant(), "csv")
    query = parse_qs(urlparse(link["downloadUrl"]).query)
    assert query["X-Amz-Expires"] == [str(TTL)]
    assert link["downloadUrlTtlSeconds"] == TTL
    expires = datetime.fromisoformat(link["downloadUrlExpiresAt"].replace("Z", "+00:00"))
    assert (expires - s3_api.clock()).total_seconds() == pytest.approx(TTL, abs=1)


def test_listed_exports_carry_fresh_presigned_urls(s3_api: Api) -> None:
    tenant = s3_api.tenant()
    link = _export(s3_api, tenant, "jsonl")
    export = link["export"]
    url = s3_api.run_url(export["audienceId"], export["runId"], "/exports")
    listed = s3_api.client.get(url, headers=tenant.headers).json()["data"]
    assert [item["export"]["id"] for item in listed] == [export["id"]]
    assert httpx.get(listed[0]["downloadUrl"]).content == httpx.get(link["downloadUrl"]).content


def test_an_export_on_local_disk_names_the_local_provider(api: Api) -> None:
    export = _export(api, api.tenant(), "csv")["export"]
    assert (export["storageProvider"], export["bucket"], export["fileName"]) == (
        "local",
        None,
        "results.csv",
    )


def _queue_export(api: Api, tenant: Tenant) -> tuple[str, dict[str, Any]]:
    run = api.completed_run(tenant)
    url = api.run_url(*run, "/exports")
    reply = api.client.post(url, json={"format": "csv"}, headers=tenant.headers)
    assert reply.status_code == 202, reply.text
    return url, reply.json()["data"]


def _get(api: Api, tenant: Tenant, url: str, export_id: str) -> dict[str, Any]:
    link: dict[str, Any] = api.client.get(f"{url}/{export_id}", headers=tenant.headers).json()
    return link["data"]


def test_a_processing_export_on_s3_is_not_handed_a_url_of_its_missing_object(
    queued_s3_api: tuple[Api, list[str]],
) -> None:
    api, queue = queued_s3_api
    tenant = api.tenant()
    url, link = _queue_export(api, tenant)
    assert link["export"]["status"] == "processing"
    assert queue == [link["export"]["id"]]
    for shown in (link, _get(api, tenant, url, link["export"]["id"])):
        assert urlparse(shown["downloadUrl"]).path.startswith("/v1/downloads/")
        early = api.client.get(urlparse(shown["downloadUrl"]).path)
        assert (early.status_code, early.json()["error"]["code"]) == (409, "EXPORT_NOT_READY")
    listed = api.client.get(url, headers=tenant.headers).json()["data"]
    assert urlparse(listed[0]["downloadUrl"]).path.startswith("/v1/downloads/")


def test_a_failed_export_on_s3_is_not_handed_a_url_of_its_missing_object(
    queued_s3_api: tuple[Api, list[str]],
) -> None:
    api, _ = queued_s3_api
    tenant = api.tenant()
    url, link = _queue_export(api, tenant)
    export_id = link["export"]["id"]
    run = api.store.get_run(link["export"]["runId"])
    assert run is not None
    assert run.snapshot_path is not None
    open_store(run.snapshot_path, services.S3).delete_tree("results.parquet")
    build_queued_export(api.deps, ExportId(export_id))
    failed = _get(api, tenant, url, export_id)
    assert failed["export"]["status"] == "failed"
    reply = api.client.get(urlparse(failed["downloadUrl"]).path)
    assert (reply.status_code, reply.json()["error"]["code"]) == (409, "EXPORT_NOT_READY")


def test_an_attempt_aborts_the_upload_a_killed_attempt_left_open_at_its_object(
    queued_s3_api: tuple[Api, list[str]],
) -> None:
    api, _ = queued_s3_api
    tenant = api.tenant()
    url, early = _queue_export(api, tenant)
    export = api.store.get_export(ExportId(early["export"]["id"]))
    assert export is not None
    assert export.path is not None
    bucket, _, key = export.path.removeprefix("s3://").partition("/")
    client = s3_client(services.S3)
    client.create_multipart_upload(Bucket=bucket, Key=key)  # the attempt a SIGKILL cut short
    client.create_multipart_upload(Bucket=bucket, Key=key + ".other")  # not this object's
    build_queued_export(api.deps, export.id)
    assert _get(api, tenant, url, export.id)["export"]["status"] == "completed"
    left = client.list_multipart_uploads(Bucket=bucket, Prefix=key).get("Uploads", [])
    assert [upload["Key"] for upload in left] == [key + ".other"]


def test_the_link_given_while_processing_leads_to_the_object_once_completed(
    queued_s3_api: tuple[Api, list[str]],
) -> None:
    api, _ = queued_s3_api
    tenant = api.tenant()
    url, early = _queue_export(api, tenant)
    export_id = early["export"]["id"]
    build_queued_export(api.deps, ExportId(export_id))
    done = _get(api, tenant, url, export_id)
    assert done["export"]["status"] == "completed"
    assert (
        f"/{done['export']['bucket']}/{done['export']['fileName']}"
        == urlparse(done["downloadUrl"]).path
    )
    stored = httpx.get(done["downloadUrl"]).content
    assert hashlib.sha256(stored).hexdigest() == done["export"]["sha256"]
    path = urlparse(early["downloadUrl"]).path
    for method in ("GET", "HEAD"):
        redirect = api.client.request(method, path, follow_redirects=False)
        assert redirect.status_code == 307
        target = urlparse(redirect.headers["location"])
        assert target.path == f"/{done['export']['bucket']}/{done['export']['fileName']}"
    assert httpx.get(api.client.get(path, follow_redirects=False).headers["location"]).content == (
        stored
    )
    head = httpx.head(api.client.head(path, follow_redirects=False).headers["location"])
    assert (head.status_code, int(head.headers["content-length"])) == (200, len(stored))
