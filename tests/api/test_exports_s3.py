"""Stored exports with the snapshots on the local S3 server: written into the bucket beside the
snapshot and downloaded through a URL presigned by the store, with the TTL of signed links."""

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests import services
from tests.api.factories import Api, ApiMaker, Tenant

TTL = 900


@pytest.fixture
def s3_api(make_api: ApiMaker) -> Iterator[Api]:
    with services.temporary_bucket("intent-exports") as bucket:
        yield make_api(
            snapshots=f"s3://{bucket}/snapshots", s3=services.S3, export_url_ttl_seconds=TTL
        )


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
