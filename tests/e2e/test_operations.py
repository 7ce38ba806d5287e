"""Operations across real processes: two API processes and a separate worker on Redis and
PostgreSQL. Every scrape of /metrics, whichever process answers, counts the runs the store holds
and every request either process served; JSON log lines parse one by one, each line about a run
carries its run_id, and no line holds an API key, the signing secret or an e-mail address."""

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from data.metadata.connect import open_store
from engine.states import TERMINAL, RunStatus
from jobs import accounts
from tests.e2e.conftest import StartIntent
from tests.e2e.processes import IntentProcess, free_port, wait_for, wait_until_ready

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
SIGNING_SECRET = "e2e-signing-secret-4f1c9a"
RUNS_SECONDS = 120.0
HEALTH_CHECKS = 20


def _samples(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def _json_lines(process: IntentProcess) -> list[dict[str, object]]:
    lines = [line for line in process.output().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line is one JSON object


@pytest.fixture
def own_dataset(tmp_path: Path, e2e_dataset: Path) -> Path:
    """A copy of the session's dataset that this test may take a date away from."""
    return Path(shutil.copytree(e2e_dataset, tmp_path / "dataset"))


def test_metrics_and_json_logs_across_two_api_processes_and_a_worker(
    start_intent: StartIntent,
    intent_env: dict[str, str],
    own_dataset: Path,
    topic_ids: list[int],
) -> None:
    intent_env.update(
        INTENT_LOG_FORMAT="json",
        INTENT_SIGNING_SECRET=SIGNING_SECRET,
        INTENT_DATASET=str(own_dataset),
        INTENT_METRICS_TOKEN="scrape-token",
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = start_intent("serve", ["serve", "--port", str(port), "--workers", "2"])
    wait_until_ready(serve, base)
    store = open_store(intent_env["INTENT_DATABASE_URL"], upgrade=False)
    accounts.create_organization(store, "ops", 10, datetime.now(UTC))
    api_key = accounts.create_api_key(store, "ops", datetime.now(UTC))[1]
    headers = {"x-api-key": api_key}
    runs = []
    with httpx.Client(base_url=f"{base}/v1/intent", headers=headers, timeout=30) as client:
        config = {"topicIds": topic_ids[:3], "minScore": 50}
        audience = client.post("/audiences", json={"name": "ops", "config": config}).json()
        audience_id = audience["data"]["id"]
        for data_date in ("2026-11-27", "2026-11-27", "2026-11-26", "2026-11-26"):
            reply = client.post(f"/audiences/{audience_id}/runs", json={"dataDate": data_date})
            assert reply.status_code == 202, reply.text
            runs.append(reply.json()["data"]["id"])
        # The worker finds 2026-11-26 gone: its two runs fail for good (DATA_NOT_AVAILABLE).
        (own_dataset / "intent" / "data_date=2026-11-26" / "_manifest.json").unlink()
        worker = start_intent("worker", ["worker"])

        def all_finished() -> bool | None:
            return all(store.get_run(run_id).status in TERMINAL for run_id in runs) or None

        wait_for(all_finished, RUNS_SECONDS, "every run to finish")
        pages = [client.get(f"/audiences/{audience_id}/runs/{run}/results") for run in runs[:2]]
    emails = {
        row[field]
        for page in pages
        for row in page.json()["data"]["results"]
        for field in ("businessEmail", "personalEmail")
        if row.get(field)
    }
    assert emails, "the completed runs should have results with e-mail addresses"
    statuses = [store.get_run(run_id).status for run_id in runs]
    assert statuses == [RunStatus.COMPLETED] * 2 + [RunStatus.FAILED] * 2
    for _ in range(HEALTH_CHECKS):
        assert httpx.get(f"{base}/health").status_code == 200  # a new connection each

    tally = store.run_tally()
    auth = {"Authorization": "Bearer scrape-token"}
    assert httpx.get(f"{base}/metrics").status_code == 401
    for _ in range(6):  # several connections: both processes answer some of them
        samples = _samples(httpx.get(f"{base}/metrics", headers=auth).text)
        counted = samples["intent_runs_total"]
        for status in TERMINAL:
            total = sum(v for labels, v in counted.items() if ("status", status) in labels)
            assert total == tally.count(status)
        assert counted[(("run_type", "manual"), ("status", "completed"))] == 2
        assert counted[(("run_type", "manual"), ("status", "failed"))] == 2
        assert samples["intent_queue_depth"][()] == 0
        health = (("method", "GET"), ("route", "/health"), ("status", "200"))
        assert samples["intent_http_requests_total"][health] == HEALTH_CHECKS

    worker.stop()
    lines = _json_lines(serve) + _json_lines(worker)
    about_runs = [line for line in lines if any(run in str(line["message"]) for run in runs)]
    assert about_runs
    for line in about_runs:
        assert line.get("run_id") in runs, line
    text = serve.output() + worker.output()
    for secret in (api_key, SIGNING_SECRET, *emails):
        assert secret not in text
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", text)
