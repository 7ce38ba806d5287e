"""A client's whole walk over HTTP against real `intent serve` and `intent worker` processes on
Redis and PostgreSQL: builder, audience, run, results, stats, exports, downloads, cancel rules."""

import csv
import hashlib
import io
import json
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest

from tests.e2e.conftest import StartIntent
from tests.e2e.processes import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]
RUN_SECONDS = 90.0


def data(reply: httpx.Response, status: int) -> Any:
    assert reply.status_code == status, reply.text
    return reply.json()["data"]


def run_path(run: dict[str, Any]) -> str:
    return f"/audiences/{run['audienceId']}/runs/{run['id']}"


def queue_run(client: httpx.Client, config: dict[str, Any]) -> dict[str, Any]:
    audience = data(client.post("/audiences", json={"name": "walk", "config": config}), 201)
    run: dict[str, Any] = data(client.post(f"/audiences/{audience['id']}/runs", json={}), 202)
    return run


def wait_until_completed(client: httpx.Client, run: dict[str, Any]) -> dict[str, Any]:
    def completed() -> dict[str, Any] | None:
        current: dict[str, Any] = data(client.get(run_path(run)), 200)
        assert current["status"] not in ("failed", "cancelled"), current
        return current if current["status"] == "completed" else None

    return wait_for(completed, RUN_SECONDS, f"run {run['id']} to complete")


def check_builder(client: httpx.Client, config: dict[str, Any]) -> None:
    validated = data(client.post("/audiences/validate", json=config), 200)
    assert validated["valid"] is True
    preview = data(client.post("/audiences/preview", json=config), 200)
    assert preview["configHash"] == validated["configHash"]
    assert preview["totalCount"] > 0


def check_served(client: httpx.Client, run: dict[str, Any]) -> None:
    page = data(client.get(run_path(run) + "/results", params={"limit": 100}), 200)
    assert page["total"] == run["resultCount"] > 0
    assert len(page["results"]) == min(100, run["resultCount"])
    stats = data(client.get(run_path(run) + "/stats"), 200)["stats"]
    assert stats["total"] == run["resultCount"]
    assert sum(bucket["count"] for bucket in stats["scoreHistogram"]) == run["resultCount"]


def streamed(client: httpx.Client, run: dict[str, Any], fmt: str) -> bytes:
    reply = client.get(run_path(run) + f"/export.{fmt}")
    assert reply.status_code == 200, reply.text
    assert reply.headers["x-export-row-count"] == str(run["resultCount"])
    return reply.content


def check_streamed_exports(client: httpx.Client, run: dict[str, Any], tmp_path: Any) -> bytes:
    csv_bytes = streamed(client, run, "csv")
    assert len(list(csv.DictReader(io.StringIO(csv_bytes.decode())))) == run["resultCount"]
    lines = streamed(client, run, "jsonl").decode().splitlines()
    assert all(json.loads(line)["hashedEmail"] for line in lines)
    assert len(lines) == run["resultCount"]
    (tmp_path / "run.parquet").write_bytes(streamed(client, run, "parquet"))
    assert pq.read_metadata(tmp_path / "run.parquet").num_rows == run["resultCount"]
    return csv_bytes


def completed_export(client: httpx.Client, export_path: str) -> dict[str, Any] | None:
    link = data(client.get(export_path), 200)
    return link if link["export"]["status"] == "completed" else None


def check_stored_export(client: httpx.Client, run: dict[str, Any], csv_bytes: bytes) -> None:
    queued = data(client.post(run_path(run) + "/exports", json={"format": "csv"}), 202)
    export_path = run_path(run) + f"/exports/{queued['export']['id']}"
    link = wait_for(lambda: completed_export(client, export_path), 60, "the export to complete")
    assert (
        data(client.post(run_path(run) + "/exports", json={}), 200)["export"]["id"]
        == (link["export"]["id"])
    )
    download = httpx.get(link["downloadUrl"], timeout=30)  # signed: no key needed
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == link["export"]["sha256"]
    assert download.content == csv_bytes


def test_client_walks_a_run_from_validation_to_download_across_real_processes(
    client: httpx.Client, start_intent: StartIntent, topic_ids: list[int], tmp_path: Any
) -> None:
    config = {"topicIds": topic_ids, "minScore": 50}
    check_builder(client, config)
    queued = queue_run(client, config)
    assert client.get(run_path(queued) + "/results").status_code == 202  # no worker yet
    start_intent("worker", ["worker"])
    run = wait_until_completed(client, queued)
    check_served(client, run)
    check_stored_export(client, run, check_streamed_exports(client, run, tmp_path))
    refused = client.delete(run_path(run))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "RUN_NOT_CANCELLABLE"


def test_queued_run_is_cancelled_once_and_then_not_served(
    client: httpx.Client, topic_ids: list[int]
) -> None:
    queued = queue_run(client, {"topicIds": topic_ids})  # no worker runs: it stays queued
    cancelled = data(client.delete(run_path(queued)), 200)
    assert cancelled["status"] == "cancelled"
    again = client.delete(run_path(queued))
    assert (again.status_code, again.json()["error"]["code"]) == (409, "RUN_NOT_CANCELLABLE")
    results = client.get(run_path(queued) + "/results")
    assert (results.status_code, results.json()["error"]["code"]) == (409, "RUN_NOT_SERVABLE")
