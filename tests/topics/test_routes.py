"""Topic discovery over HTTP: shapes (checked by JSON schema), figures against an independent
computation, refusals naming the field, the per-address budget, and reloading on a new date."""

import time
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from data.writer import write_intent_date
from tests.topics import handmade, oracle, schemas
from tests.topics.conftest import Client, MakeClient

BASE = "/v1/intent/topics"


def _valid(schema: dict[str, Any], body: Any) -> Any:
    jsonschema_rs.validate(schema, body)
    return body


def _get(client: Client, path: str, schema: dict[str, Any], status: int = 200) -> Any:
    reply = client.get(f"{BASE}{path}")
    assert reply.status_code == status, reply.text
    return _valid(schema, reply.json())


def test_browse_answers_a_page_with_its_meta(client: Client) -> None:
    body = _get(client, "?type=b2b&industry=SOFTWARE&page=2&pageSize=2", schemas.BROWSE)
    assert [t["topicId"] for t in body["data"]] == [3, 4]
    meta = body["meta"]
    assert (meta["total"], meta["page"], meta["pageSize"], meta["hasMore"]) == (6, 2, 2, True)


def test_browse_filters_by_text_and_category(client: Client) -> None:
    body = _get(client, "?q=running&category=footwear", schemas.BROWSE)
    assert [t["topicName"] for t in body["data"]] == ["Running Shoes", "Trail Running Shoes"]
    assert body["meta"]["hasMore"] is False


def test_facets_count_topics_by_value_most_first(client: Client) -> None:
    data = _get(client, "/facets", schemas.FACETS)["data"]
    assert data["types"] == [{"value": "b2b", "count": 7}, {"value": "b2c", "count": 2}]
    assert data["categories"][0] == {"value": "crm", "count": 6}


def test_search_answers_topic_objects(client: Client) -> None:
    body = _get(client, "/search?q=crm&limit=3", schemas.SEARCH)
    assert len(body["data"]) == 3


@pytest.mark.parametrize("topic_id", [t[0] for t in handmade.TOPICS])
def test_trend_equals_an_independent_computation(
    client: Client, handmade_dataset: Path, topic_id: int
) -> None:
    data = _get(client, f"/{topic_id}/trend", schemas.TREND)["data"]
    topic = next(t for t in handmade.TOPICS if t[0] == topic_id)
    named = {"topicName": topic[1], "type": topic[2], "industry": topic[3], "category": topic[4]}
    assert data == [{**day, **named} for day in oracle.series(handmade_dataset, topic_id)]


def test_trend_of_a_topic_missing_on_a_date_has_zeros_that_day(client: Client) -> None:
    data = _get(client, "/3/trend", schemas.TREND)["data"]
    assert [day["date"] for day in data] == list(handmade.DATES)
    assert data[1]["totalSignals"] == data[1]["uniqueAudience"] == 0
    assert data[1]["avgScore"] == 0


def test_trend_days_keeps_the_latest_dates(client: Client) -> None:
    data = _get(client, "/1/trend?days=2", schemas.TREND)["data"]
    assert [day["date"] for day in data] == list(handmade.DATES[1:])


def test_compare_answers_in_the_order_asked_and_equals_the_computation(
    client: Client, handmade_dataset: Path
) -> None:
    reply = client.post(f"{BASE}/compare", json={"topicIds": [9, 3, 1]})
    assert reply.status_code == 200
    data = _valid(schemas.COMPARE, reply.json())["data"]
    assert [series["topicId"] for series in data] == [9, 3, 1]
    for series in data:
        assert series["data"] == oracle.series(handmade_dataset, series["topicId"])


def _movers(handmade_dataset: Path, up: bool, minimum: int = 10) -> list[dict[str, Any]]:
    """Movers computed from the oracle's figures of the last two dates."""
    today = oracle.day_figures(handmade_dataset, handmade.DATES[-1])
    yesterday = oracle.day_figures(handmade_dataset, handmade.DATES[-2])
    found = []
    for topic_id, name, kind, industry, _, _ in handmade.TOPICS:
        now = int(str(today.get(topic_id, oracle.missing_day("")).get("uniqueAudience")))
        before = int(str(yesterday.get(topic_id, oracle.missing_day("")).get("uniqueAudience")))
        if before >= minimum and (now > before if up else now < before):
            found.append(
                {
                    "topicId": topic_id,
                    "topicName": name,
                    "type": kind,
                    "industry": industry,
                    "todayAudience": now,
                    "yesterdayAudience": before,
                    "pctChange": oracle.pct(now, before),
                }
            )
    sign = -1 if up else 1
    return sorted(found, key=lambda m: (sign * m["pctChange"], m["topicId"]))


@pytest.mark.parametrize("direction", ["up", "down"])
def test_movers_equal_an_independent_computation(
    client: Client, handmade_dataset: Path, direction: str
) -> None:
    data = _get(client, f"/movers?direction={direction}", schemas.MOVERS)["data"]
    assert data == _movers(handmade_dataset, up=direction == "up")


def test_movers_ties_go_by_topic_id_and_small_audiences_are_left_out(client: Client) -> None:
    up = _get(client, "/movers", schemas.MOVERS)["data"]
    assert [(m["topicId"], m["pctChange"]) for m in up][:2] == [(1, 50.0), (2, 50.0)]
    assert 4 not in [m["topicId"] for m in up]  # 9 people the day before: under the minimum
    down = _get(client, "/movers?direction=down", schemas.MOVERS)["data"]
    assert [(m["topicId"], m["pctChange"]) for m in down] == [(5, -50.0), (6, -50.0)]


def test_movers_minimum_is_a_setting(make_client: MakeClient) -> None:
    client = make_client(movers_min_audience=1)
    up = _get(client, "/movers?limit=50", schemas.MOVERS)["data"]
    assert 4 in [m["topicId"] for m in up]


def test_movers_filter_by_type_and_limit(client: Client) -> None:
    data = _get(client, "/movers?direction=down&type=b2c&limit=1", schemas.MOVERS)["data"]
    assert [m["topicId"] for m in data] == [6]


def test_unknown_topic_is_404(client: Client) -> None:
    body = _get(client, "/999/trend", schemas.ERROR, status=404)
    assert body["error"]["code"] == "NOT_FOUND"
    assert body["error"]["details"][0]["field"] == "topicId"


def test_malformed_topic_id_is_404(client: Client) -> None:
    assert client.get(f"{BASE}/abc/trend").status_code == 404


def test_compare_with_an_unknown_topic_is_404_naming_it(client: Client) -> None:
    reply = client.post(f"{BASE}/compare", json={"topicIds": [1, 999]})
    assert reply.status_code == 404
    assert _valid(schemas.ERROR, reply.json())["error"]["details"][0]["field"] == "topicIds[1]"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("?type=b2x", "type"),
        ("?pageSize=0", "pageSize"),
        ("?pageSize=201", "pageSize"),
        ("?page=0", "page"),
        ("/search?q=crm&limit=0", "limit"),
        ("/search?q=crm&limit=51", "limit"),
        ("/search?q=crm&type=b3b", "type"),
        ("/search", "q"),
        ("/search?q=", "q"),
        (f"/search?q={'x' * 101}", "q"),
        ("/movers?limit=51", "limit"),
        ("/movers?direction=sideways", "direction"),
        ("/movers?type=both2", "type"),
        ("/1/trend?days=0", "days"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(client: Client, path: str, field: str) -> None:
    body = _get(client, path, schemas.ERROR, status=400)
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert body["error"]["details"][0]["field"] == field


@pytest.mark.parametrize(
    ("topic_ids", "field"),
    [
        ([], "topicIds"),
        (list(range(1, 12)), "topicIds"),
        ([1, "two"], "topicIds[1]"),
        ([1, 1], "topicIds[1]"),
        (None, "topicIds"),
    ],
)
def test_bad_topic_ids_are_400_naming_the_field(client: Client, topic_ids: Any, field: str) -> None:
    reply = client.post(f"{BASE}/compare", json={"topicIds": topic_ids})
    assert reply.status_code == 400
    assert _valid(schemas.ERROR, reply.json())["error"]["details"][0]["field"] == field


def test_routes_need_no_key_and_carry_the_address_budget(client: Client) -> None:
    reply = client.get(f"{BASE}/facets")
    assert reply.status_code == 200
    assert reply.headers["ratelimit-limit"] == "300"


def test_an_address_over_its_budget_is_refused_and_forwarding_headers_change_nothing(
    make_client: MakeClient,
) -> None:
    client = make_client(topics_rate_limit_per_minute=2)
    assert [client.get(f"{BASE}/facets").status_code for _ in range(2)] == [200, 200]
    reply = client.get(f"{BASE}/facets", headers={"X-Forwarded-For": "203.0.113.9"})
    assert reply.status_code == 429
    assert reply.json()["error"]["code"] == "RATE_LIMITED"
    assert int(reply.headers["retry-after"]) > 0


def test_a_newly_completed_date_is_served_without_a_restart(
    make_client: MakeClient, dataset_copy: Path
) -> None:
    client = make_client(dataset=dataset_copy)
    assert len(_get(client, "/1/trend", schemas.TREND)["data"]) == 3
    intent = handmade.intent_table(handmade.DATES[0])
    write_intent_date(dataset_copy, "2026-11-28", intent, handmade.PEOPLE_VERSION)
    deadline = time.monotonic() + 30  # rebuilt in the background; the old index answers meanwhile
    data = _get(client, "/1/trend", schemas.TREND)["data"]
    while data[-1]["date"] != "2026-11-28" and time.monotonic() < deadline:
        time.sleep(0.02)
        data = _get(client, "/1/trend", schemas.TREND)["data"]
    assert [day["date"] for day in data][-1] == "2026-11-28"
    assert data[-1]["uniqueAudience"] == 12
