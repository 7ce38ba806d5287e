"""deploy/grafana/intent-engine.json: every metric a panel queries is one /metrics exposes."""

import json
import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.api.factories import Api

DASHBOARD = Path(__file__).parents[2] / "deploy" / "grafana" / "intent-engine.json"
METRIC = re.compile(r"\bintent_[a-z0-9_]+")


def _queried_metrics() -> set[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    exprs = [target["expr"] for panel in panels for target in panel["targets"]]
    return {name for expr in exprs for name in METRIC.findall(expr)}


def test_every_metric_the_dashboard_queries_is_exposed(api: Api) -> None:
    tenant = api.tenant()
    audience_id, run_id = api.completed_run(tenant)
    export = api.client.get(api.run_url(audience_id, run_id, "/export.csv"), headers=tenant.headers)
    assert export.status_code == 200
    scraped = api.client.get("/metrics").text
    exposed = {
        sample.name
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
    }
    queried = _queried_metrics()
    assert len(queried) >= 8
    assert queried <= exposed, sorted(queried - exposed)


def test_exported_bytes_are_counted_by_format(api: Api) -> None:
    tenant = api.tenant()
    audience_id, run_id = api.completed_run(tenant)
    export = api.client.get(api.run_url(audience_id, run_id, "/export.csv"), headers=tenant.headers)
    counted = api.deps.metrics.registry.get_sample_value(
        "intent_export_bytes_total", {"format": "csv"}
    )
    assert counted == len(export.content)
