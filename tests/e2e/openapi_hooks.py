"""Schemathesis hooks of the OpenAPI run: a schema-valid body is made valid in the ways JSON
Schema cannot say (API.md), and nothing else is touched. Only bodies generated as valid change.

Topic ids are mapped onto ids of the served dataset (distinct ids stay distinct, as far as there
are known ids); in a config, minScore and maxScore are put in order, minTopicOverlap is kept
within the topics and generated filters are dropped (their keys and shapes come from the filter
catalog); a backfill's dates are put in order, at most 31 days apart; a URL to analyze points at
the page the test serves (fetching arbitrary hosts is not a test's business); NUL characters are
replaced in every string (API.md: no string of a body holds one).
"""

import os
from datetime import date, timedelta
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation

TOPIC_IDS_VARIABLE = "INTENT_OPENAPI_TOPIC_IDS"
PAGE_URL_VARIABLE = "INTENT_OPENAPI_PAGE_URL"
MAX_BACKFILL_DATES = 31


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY):
        return case
    if isinstance(case.body, dict):
        case.body = _without_nul(case.body)
        config = case.body.get("config")
        for candidate in (config, case.body):
            if isinstance(candidate, dict) and isinstance(candidate.get("topicIds"), list):
                candidate["topicIds"] = _known_topics(candidate["topicIds"])
                _make_valid(candidate)
        _order_range(case.body)
        _local_page(case.body)
    return case


def _known_topics(generated: list[Any]) -> list[Any]:
    known = [int(t) for t in os.environ.get(TOPIC_IDS_VARIABLE, "").split(",") if t]
    if not known:
        return generated
    slots: dict[Any, int] = {}
    for item in generated:
        slots.setdefault(item, known[len(slots) % len(known)])
    return [slots[item] for item in generated]


def _make_valid(config: dict[str, Any]) -> None:
    overlap = config.get("minTopicOverlap")
    if _number(overlap):
        config["minTopicOverlap"] = min(overlap, len(set(config["topicIds"])))
    low, high = config.get("minScore"), config.get("maxScore")
    if _number(low) and _number(high) and low > high:
        config["minScore"], config["maxScore"] = high, low
    if isinstance(config.get("filters"), dict):
        config["filters"] = {}


def _order_range(body: dict[str, Any]) -> None:
    try:
        first, last = sorted([date.fromisoformat(body["from"]), date.fromisoformat(body["to"])])
    except (KeyError, TypeError, ValueError):
        return
    last = min(last, first + timedelta(days=MAX_BACKFILL_DATES - 1))
    body["from"], body["to"] = first.isoformat(), last.isoformat()


def _local_page(body: dict[str, Any]) -> None:
    page = os.environ.get(PAGE_URL_VARIABLE)
    if page and isinstance(body.get("url"), str):
        body["url"] = page


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "_")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
