"""The Orbit flow with the dataset, the snapshots and the stored exports on the local S3 server
(real `intent serve` and `intent worker` processes on Redis and PostgreSQL) gives the same rows as
the same flow on local disk: create an audience, run it, page its results, read its stats, stream
CSV, Parquet and JSON Lines, and download each stored export by its presigned URL."""

import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from data.storage import open_store
from tests import services
from tests.dataset.test_store_catalog import upload_tree
from tests.e2e.processes import IntentProcess, free_port, wait_for, wait_until_ready
from tests.e2e.test_walk import data, queue_run, run_path, streamed, wait_until_completed

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]
FORMATS = ("csv", "parquet", "jsonl")
PAGE = 1000


def orbit_flow(client: httpx.Client, topic_ids: list[int]) -> dict[str, Any]:
    """Everything a client reads of one run, and the stored export objects as they were told."""
    run = wait_until_completed(client, queue_run(client, {"topicIds": topic_ids, "minScore": 50}))
    rows: list[Any] = []
    while len(rows) < run["resultCount"]:
        params = {"limit": PAGE, "offset": len(rows)}
        rows += data(client.get(run_path(run) + "/results", params=params), 200)["results"]
    exports = {fmt: stored_export(client, run, fmt) for fmt in FORMATS}
    return {
        "results": rows,
        "stats": data(client.get(run_path(run) + "/stats"), 200)["stats"],
        "streamed": {fmt: streamed(client, run, fmt) for fmt in FORMATS},
        "stored": {fmt: download(link) for fmt, link in exports.items()},
        "exports": {fmt: link["export"] for fmt, link in exports.items()},
        "links": {fmt: link["downloadUrl"] for fmt, link in exports.items()},
    }


def s3_requests(scrape: str) -> dict[str, float]:
    return {
        sample.labels["operation"]: sample.value
        for family in text_string_to_metric_families(scrape)
        for sample in family.samples
        if sample.name == "intent_s3_requests_total"
    }


def stored_export(client: httpx.Client, run: dict[str, Any], fmt: str) -> dict[str, Any]:
    queued = data(client.post(run_path(run) + "/exports", json={"format": fmt}), 202)
    path = run_path(run) + f"/exports/{queued['export']['id']}"

    def completed() -> dict[str, Any] | None:
        link: dict[str, Any] = data(client.get(path), 200)
        assert link["export"]["status"] != "failed", link
        return link if link["export"]["status"] == "completed" else None

    return wait_for(completed, 60, f"the {fmt} export to complete")


def download(link: dict[str, Any]) -> bytes:
    reply = httpx.get(link["downloadUrl"], timeout=30)  # no API key: signed or presigned
    assert reply.status_code == 200, reply.text
    assert len(reply.content) == link["export"]["byteSize"]
    return reply.content


@contextmanager
def s3_client(
    intent_env: dict[str, str], api_key: str, tmp_path: Path, worker_metrics_port: int
) -> Iterator[httpx.Client]:
    """`intent serve` and `intent worker` (its metrics on `worker_metrics_port`) with every
    storage setting in a fresh bucket; the same database as the local processes, so the same
    key works."""
    with services.temporary_bucket("intent-orbit") as bucket:
        dataset = open_store(f"s3://{bucket}/dataset", services.S3)
        upload_tree(Path(intent_env["INTENT_DATASET"]), dataset)
        env = {
            **intent_env,
            **services.aws_env(),
            "INTENT_HOME": str(tmp_path / "home-s3"),
            "INTENT_DATASET": dataset.uri,
            "INTENT_SNAPSHOTS": f"s3://{bucket}/snapshots",
            "INTENT_QUEUE_NAME": f"e2e-s3-{uuid.uuid4().hex[:12]}",
        }
        port = free_port()
        processes = [
            IntentProcess(["serve", "--port", str(port)], env, tmp_path / "serve-s3.log"),
            IntentProcess(
                ["worker", "--metrics-port", str(worker_metrics_port)],
                env,
                tmp_path / "worker-s3.log",
            ),
        ]
        try:
            wait_until_ready(processes[0], f"http://127.0.0.1:{port}")
            base = f"http://127.0.0.1:{port}"
            headers = {"x-api-key": api_key}
            with httpx.Client(base_url=f"{base}/v1/intent", headers=headers, timeout=30) as http:
                yield http
        finally:
            for process in processes:
                process.stop(signal.SIGKILL)


def test_the_orbit_flow_on_s3_gives_the_rows_of_local_disk(
    client: httpx.Client,
    start_intent: Any,
    intent_env: dict[str, str],
    api_key: str,
    topic_ids: list[int],
    tmp_path: Path,
) -> None:
    start_intent("worker", ["worker"])
    local = orbit_flow(client, topic_ids)
    worker_metrics = free_port()
    with s3_client(intent_env, api_key, tmp_path, worker_metrics) as remote_client:
        remote = orbit_flow(remote_client, topic_ids)
        served = s3_requests(httpx.get(f"{remote_client.base_url.join('/metrics')}").text)
        worker_scrape = httpx.get(f"http://127.0.0.1:{worker_metrics}/metrics").text

    # The API read pages and streamed exports through the block cache; the worker's run child
    # published the snapshot and the worker uploaded the stored exports.
    assert min(served["head"], served["get"]) >= 1, served
    ran = s3_requests(worker_scrape)
    assert ran["put"] >= 3 + len(FORMATS), ran  # results, stats, manifest, each stored export
    assert min(ran["list"], ran["get"]) >= 1, ran
    durations = {
        sample.labels["stage"]: sample.value
        for family in text_string_to_metric_families(worker_scrape)
        for sample in family.samples
        if sample.name == "intent_run_duration_seconds_count"
    }
    assert durations["total"] == 1  # observed by the worker that ran the one run

    assert len(local["results"]) > 0
    assert remote["results"] == local["results"]
    assert remote["stats"] == local["stats"]
    assert remote["streamed"] == local["streamed"]
    assert remote["stored"] == local["stored"]
    assert remote["stored"]["csv"] == remote["streamed"]["csv"]
    for fmt in FORMATS:
        export, link = remote["exports"][fmt], urlparse(remote["links"][fmt])
        assert (export["storageProvider"], local["exports"][fmt]["storageProvider"]) == (
            "s3",
            "local",
        )
        assert f"{link.scheme}://{link.netloc}" == services.S3.endpoint_url
        assert link.path == f"/{export['bucket']}/{export['fileName']}"
        assert export["sha256"] == local["exports"][fmt]["sha256"]
