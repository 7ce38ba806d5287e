"""Reading runs over HTTP: results, stats and streamed exports with the 202 / 200 / 409 rule."""

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from data.metadata.models import RunId
from engine.leaf_fields import LEAF_FIELDS
from tests.api.factories import Api, Tenant

READS = ["/results", "/stats", "/export.csv", "/export.parquet", "/export.jsonl"]
ROW_KEYS = {
    "hashedEmail", "firstName", "lastName", "fullName", "businessEmail", "personalEmail", "email",
    "primaryContactEmail", "phone", "linkedinUrl", "headline", "jobTitle", "seniority",
    "department", "company", "location", "demographics", "intent",
}  # fmt: skip


@pytest.fixture
def completed(api: Api, tenant: Tenant) -> tuple[str, str]:
    return api.completed_run(tenant)


def _queued(api: Api, tenant: Tenant) -> tuple[str, str]:
    audience_id = api.audience(tenant)["id"]
    return audience_id, api.queue_run(tenant, audience_id)["id"]


@pytest.mark.parametrize("tail", READS)
def test_queued_run_answers_202_with_its_state(api: Api, tenant: Tenant, tail: str) -> None:
    audience_id, run_id = _queued(api, tenant)
    reply = api.client.get(api.run_url(audience_id, run_id, tail), headers=tenant.headers)
    assert reply.status_code == 202
    assert reply.json()["data"]["state"] == "queued"
    assert reply.json()["data"]["run"]["id"] == run_id


def test_running_run_answers_202_with_no_results(api: Api, tenant: Tenant) -> None:
    audience_id, run_id = _queued(api, tenant)
    api.store.claim_run(RunId(run_id), api.clock(), api.clock())
    url = api.run_url(audience_id, run_id, "/results")
    data = api.client.get(url, headers=tenant.headers).json()["data"]
    assert (data["state"], data["results"], data["total"]) == ("running", [], 0)


@pytest.mark.parametrize("tail", READS)
def test_cancelled_run_answers_409_not_servable(api: Api, tenant: Tenant, tail: str) -> None:
    audience_id, run_id = _queued(api, tenant)
    api.store.cancel_run(RunId(run_id), api.clock())
    reply = api.client.get(api.run_url(audience_id, run_id, tail), headers=tenant.headers)
    assert reply.status_code == 409
    assert reply.json()["error"]["code"] == "RUN_NOT_SERVABLE"


def test_failed_run_answers_409_not_servable(api: Api, tenant: Tenant) -> None:
    audience_id, run_id = _queued(api, tenant)
    claimed = api.store.claim_run(RunId(run_id), api.clock(), api.clock())
    assert claimed is not None
    api.store.fail_run(RunId(run_id), claimed.attempts, "INTERNAL", "boom", api.clock())
    url = api.run_url(audience_id, run_id, "/stats")
    assert api.client.get(url, headers=tenant.headers).status_code == 409


def test_completed_run_serves_pages_of_nested_rows(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    url = api.run_url(*completed, "/results?limit=2&offset=1")
    data = api.client.get(url, headers=tenant.headers).json()["data"]
    assert (data["limit"], data["offset"]) == (2, 1)
    assert "state" not in data
    assert data["total"] == data["run"]["resultCount"] > 2
    row = data["results"][0]
    assert set(row) == ROW_KEYS
    assert set(row["intent"]) == {"score", "topicOverlap", "matchedTopics"}
    assert set(row["company"]) == {
        "name",
        "domain",
        "industry",
        "industryGroup",
        "size",
        "revenueRange",
    }


def test_pages_follow_rank_order(api: Api, tenant: Tenant, completed: tuple[str, str]) -> None:
    whole = api.client.get(api.run_url(*completed, "/results?limit=4"), headers=tenant.headers)
    tail = api.client.get(
        api.run_url(*completed, "/results?limit=2&offset=2"), headers=tenant.headers
    )
    assert whole.json()["data"]["results"][2:] == tail.json()["data"]["results"]


def test_page_beyond_the_end_is_empty(api: Api, tenant: Tenant, completed: tuple[str, str]) -> None:
    url = api.run_url(*completed, "/results?offset=100000")
    data = api.client.get(url, headers=tenant.headers).json()["data"]
    assert data["results"] == []
    assert data["total"] > 0


def test_page_size_above_1000_is_refused(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    url = api.run_url(*completed, "/results?limit=1001")
    assert api.client.get(url, headers=tenant.headers).status_code == 400


def test_stats_have_fill_rates_histogram_and_averages(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    stats = api.client.get(api.run_url(*completed, "/stats"), headers=tenant.headers).json()
    stats = stats["data"]["stats"]
    assert stats["total"] > 0
    assert stats["fillRates"]["company.name"]["percent"] == round(
        stats["fillRates"]["company.name"]["percent"], 2
    )
    assert [b["bucket"] for b in stats["scoreHistogram"]] == ["50-69", "70-89", "90-99"]
    assert sum(b["count"] for b in stats["scoreHistogram"]) == stats["total"]
    assert set(stats["averages"]) == {"score", "topicOverlap"}


def test_csv_export_streams_every_row_as_an_attachment(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    reply = api.client.get(api.run_url(*completed, "/export.csv"), headers=tenant.headers)
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert reply.headers["content-type"].startswith("text/csv")
    assert reply.headers["content-disposition"].startswith("attachment")
    assert int(reply.headers["x-export-row-count"]) == len(rows) > 0
    assert "company.name" in rows[0]
    assert "intent.matchedTopics" in rows[0]


def test_jsonl_export_has_one_flat_row_per_line_keyed_by_dotted_leaf_names(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    reply = api.client.get(api.run_url(*completed, "/export.jsonl"), headers=tenant.headers)
    lines = [json.loads(line) for line in reply.text.splitlines()]
    assert int(reply.headers["x-export-row-count"]) == len(lines)
    assert list(lines[0]) == list(LEAF_FIELDS)


def test_parquet_export_holds_the_same_rows(
    api: Api, tenant: Tenant, completed: tuple[str, str]
) -> None:
    reply = api.client.get(api.run_url(*completed, "/export.parquet"), headers=tenant.headers)
    table = pq.read_table(io.BytesIO(reply.content))
    assert table.num_rows == int(reply.headers["x-export-row-count"])
    assert "company" in table.column_names
