"""The OpenAPI document lists the seven topic routes with their parameters, body and answer
schemas, without the API key, with the per-address 429."""

from typing import Any

import pytest

from tests.topics.conftest import Client

BASE = "/v1/intent/topics"
ROUTES = {
    ("get", BASE): "TopicPage",
    ("get", f"{BASE}/facets"): "FacetsEnvelope",
    ("get", f"{BASE}/search"): "TopicList",
    ("get", f"{BASE}/{{topic_id}}/trend"): "TrendEnvelope",
    ("post", f"{BASE}/compare"): "CompareEnvelope",
    ("get", f"{BASE}/movers"): "MoversEnvelope",
    ("post", f"{BASE}/analyze"): "AnalysisEnvelope",
}


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    return dict(client.get("/schema/openapi.json").json())


@pytest.mark.parametrize(("method", "path"), list(ROUTES))
def test_route_answers_its_envelope_without_a_key(
    document: dict[str, Any], method: str, path: str
) -> None:
    operation = document["paths"][path][method]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith(f"/{ROUTES[(method, path)]}")
    assert "security" not in operation
    assert "429" in operation["responses"]
    assert operation["tags"] == ["Topic Discovery"]


def test_parameters_carry_their_bounds(document: dict[str, Any]) -> None:
    browse = {p["name"]: p for p in document["paths"][BASE]["get"]["parameters"]}
    assert browse["pageSize"]["schema"]["maximum"] == 200
    search = {p["name"]: p for p in document["paths"][f"{BASE}/search"]["get"]["parameters"]}
    assert search["q"]["required"] is True
    assert search["limit"]["schema"]["maximum"] == 50


def test_schemas_name_the_wire_fields(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert set(schemas["TopicOut"]["properties"]) == {
        "topicId", "topicName", "type", "industry", "category"
    }  # fmt: skip
    assert "request_id" in schemas["Meta"]["properties"]
    assert {"total", "page", "pageSize", "hasMore"} <= set(schemas["PageMeta"]["properties"])
    assert "topicIds" in schemas["CompareInput"]["properties"]
    assert "matchedKeyword" in schemas["AnalyzedTopic"]["properties"]
