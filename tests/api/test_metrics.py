"""GET /metrics: Prometheus text whose run counters equal the store, requests labelled by route
template (never an id), and an optional bearer token."""

from dataclasses import replace
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from data.metadata.models import RunId
from engine.errors import EngineError
from engine.states import TERMINAL, RunStatus
from jobs.execute import execute_run
from jobs.work import InlineRunner
from tests.api.factories import Api, ApiMaker


def _refused(order: Any) -> Any:
    raise EngineError("the engine refuses this input")  # permanent: failed at once


def scrape(api: Api, **headers: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    reply = api.client.get("/metrics", headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/plain")
    assert reply.headers["content-type"].count("charset") == 1
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(reply.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def test_run_counters_equal_what_the_store_says(api: Api) -> None:
    tenant = api.tenant()
    api.completed_run(tenant)
    api.completed_run(tenant)
    audience_id = api.audience(tenant)["id"]
    failing = api.queue_run(tenant, audience_id)
    execute_run(replace(api.deps, runner=InlineRunner(_refused)), RunId(failing["id"]))
    api.queue_run(tenant, audience_id)
    samples = scrape(api)
    tally = api.store.run_tally()
    runs = {
        (labels["status"], labels["run_type"]): value
        for labels, value in samples["intent_runs_total"]
    }
    for status in TERMINAL:
        counted = sum(value for (found, _), value in runs.items() if found == status)
        assert counted == tally.count(status)
    assert runs[("completed", "manual")] == 2
    assert runs[("failed", "manual")] == 1
    assert samples["intent_queue_depth"] == [({}, 1.0)]
    attempts = {labels["outcome"]: value for labels, value in samples["intent_run_attempts_total"]}
    assert attempts == {"started": 3, "retried": 0, "lease_expired": 0, "gave_up": 0}


def test_requests_are_labelled_by_route_template_without_ids(api: Api) -> None:
    tenant = api.tenant()
    audience_id, run_id = api.completed_run(tenant)
    api.client.get(api.run_url(audience_id, run_id), headers=tenant.headers)
    api.client.get("/v1/intent/no/such/route", headers=tenant.headers)
    samples = scrape(api)
    routes = {labels["route"] for labels, _ in samples["intent_http_requests_total"]}
    assert "/v1/intent/audiences/{audience_id}/runs/{run_id}" in routes
    text = api.client.get("/metrics").text
    for secret in (audience_id, run_id, tenant.org_id, tenant.key_id, tenant.api_key):
        assert secret not in text


def test_request_durations_are_a_histogram_by_route_and_method(api: Api) -> None:
    api.client.get("/health")
    samples = scrape(api)
    counts = {
        (labels["route"], labels["method"]): value
        for labels, value in samples["intent_http_request_duration_seconds_count"]
    }
    assert counts[("/health", "GET")] >= 1


def test_a_configured_token_is_required_as_a_bearer_token(make_api: ApiMaker) -> None:
    api = make_api(metrics_token="scrape-secret")
    refused = api.client.get("/metrics")
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "UNAUTHORIZED")
    wrong = api.client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert "intent_runs_total" in scrape(api, Authorization="Bearer scrape-secret")


def test_the_queue_age_is_that_of_the_oldest_queued_run(api: Api) -> None:
    tenant = api.tenant()
    audience_id = api.audience(tenant)["id"]
    api.queue_run(tenant, audience_id)
    api.clock.advance(90)
    assert scrape(api)["intent_queue_oldest_seconds"] == [({}, 90.0)]


def test_a_running_run_shows_its_stage_on_get(api: Api) -> None:
    tenant = api.tenant()
    audience_id = api.audience(tenant)["id"]
    run = api.queue_run(tenant, audience_id)
    claimed = api.store.claim_run(RunId(run["id"]), api.clock(), api.clock())
    assert claimed is not None
    api.store.set_run_stage(claimed.id, claimed.attempts, "people", 0.25)
    body = api.client.get(api.run_url(audience_id, run["id"]), headers=tenant.headers).json()
    assert body["data"]["status"] == RunStatus.RUNNING
    assert (body["data"]["stage"], body["data"]["progress"]) == ("people", 0.25)


def test_a_refused_request_is_counted_with_its_status(api: Api) -> None:
    assert api.client.get("/v1/intent/audiences").status_code == 401
    samples = scrape(api)
    counted = {
        (labels["route"], labels["status"]): value
        for labels, value in samples["intent_http_requests_total"]
    }
    assert counted[("/v1/intent/audiences", "401")] == 1


def test_webhook_deliveries_are_counted_from_the_store_and_timed_by_event(api: Api) -> None:
    from data.metadata.models import OrgId
    from jobs.urlguard import UrlGuard
    from jobs.webhooks import create_endpoint, webhook_tick

    tenant = api.tenant()
    org = OrgId(tenant.org_id)
    create_endpoint(api.store, org, "http://127.0.0.1:9/hooks", ["run.completed"], api.clock(),
                    UrlGuard(allow_private=True))  # fmt: skip
    api.completed_run(tenant)
    api.completed_run(tenant)
    answers = iter([204, 500])
    webhook_tick(api.deps, lambda endpoint, delivery, timeout: next(answers))
    samples = scrape(api)
    ended = {
        (labels["event"], labels["outcome"]): value
        for labels, value in samples["intent_webhook_deliveries_total"]
    }
    assert ended[("run.completed", "succeeded")] == 1
    assert ended[("run.completed", "failed")] == 0
    pending = {
        labels["event"]: value for labels, value in samples["intent_webhook_deliveries_pending"]
    }
    assert pending["run.completed"] == 1  # the one that got a 500 waits for its retry
    timed = {
        labels["event"]: value
        for labels, value in samples["intent_webhook_delivery_duration_seconds_count"]
    }
    assert timed == {"run.completed": 2, "run.failed": 0, "export.completed": 0}
