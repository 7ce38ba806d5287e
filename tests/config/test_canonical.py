"""Canonical JSON, configHash (pinned golden values), the round trip and applied filters."""

import hashlib
import json
from typing import Any

import pytest

from engine.config import (
    applied_filters,
    canonical_json,
    config_from_canonical,
    config_hash,
    parse_config,
    to_canonical,
)
from engine.errors import ConfigError

MINIMAL: dict[str, Any] = {"topicIds": [42]}
SCORES: dict[str, Any] = {
    "topicIds": [3, 1, 2],
    "minScore": 70,
    "maxScore": 95,
    "minTopicOverlap": 2,
}
VALUES: dict[str, Any] = {
    "topicIds": [1001, 17],
    "filters": {
        "role.seniority": {"values": ["VP", "director"]},
        "company.industries": ["Software", "banking"],
        "company.domains": ["www.acme.com"],
    },
}
NESTED: dict[str, Any] = {
    "topicIds": [5, 6, 7],
    "minScore": 30,
    "filters": {
        "role": {"isDecisionMaker": True},
        "contact": {"hasBusinessEmail": True, "hasPhone": False},
        "jobTitle": {"include": ["CFO", "finance"], "includeMode": "any", "exclude": ["intern"]},
    },
}
SOURCED: dict[str, Any] = {
    "topicIds": [9],
    "sourceUrl": "https://example.com/blog/kubernetes-security",
    "filters": {"location.cities": ["München", "Zürich"], "demographics.genders": ["female"]},
}
GOLDEN = [
    pytest.param(
        MINIMAL,
        "c8299f1af69e3682e59242daf953f54877ab9ce7a197ef8a0d6eb575b5a3c547",
        id="minimal",
    ),
    pytest.param(
        SCORES,
        "6da50cdfd4536a48bfd5e0014b82c47030c1150854b3485cf8c3879274992e44",
        id="scores-and-overlap",
    ),
    pytest.param(
        VALUES,
        "a1ee10ffc1ced21a58607524a6a163316cfb9e5044bb1aa603ced9cff037876b",
        id="value-filters",
    ),
    pytest.param(
        NESTED,
        "d594c735b3fecd0a6c8f03bfd41ae7b4e4eec9490ac9a02fb2c2d3bb132fd1d9",
        id="nested-booleans-and-titles",
    ),
    pytest.param(
        SOURCED,
        "6dead641a3b658073b748c09651a6c7a74d01c2e359ac9ef5e4f3314799a1cb9",
        id="source-url-and-unicode",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), GOLDEN)
def test_config_hash_is_pinned(raw: dict[str, Any], expected: str) -> None:
    assert config_hash(parse_config(raw)) == expected


@pytest.mark.parametrize("raw", [case.values[0] for case in GOLDEN], ids=[c.id for c in GOLDEN])
def test_round_trip_through_canonical_gives_the_same_object(raw: dict[str, Any]) -> None:
    canonical = to_canonical(parse_config(raw))
    assert to_canonical(config_from_canonical(canonical)) == canonical


def test_canonical_json_is_sorted_compact_and_dotted() -> None:
    assert canonical_json(parse_config(NESTED)) == (
        '{"filters":{"contact.hasBusinessEmail":{"value":true},"contact.hasPhone":{"value":false},'
        '"jobTitle.exclude":{"mode":"any","operator":"contains","values":["intern"]},'
        '"jobTitle.include":{"mode":"any","operator":"contains","values":["cfo","finance"]},'
        '"role.isDecisionMaker":{"value":true}},'
        '"maxScore":99,"minScore":50,"minTopicOverlap":1,"topicIds":[5,6,7]}'
    )


def test_canonical_json_keeps_non_ascii_characters() -> None:
    assert '"values":["münchen","zürich"]' in canonical_json(parse_config(SOURCED))


def test_source_url_is_left_out_of_canonical_json_when_null() -> None:
    assert "sourceUrl" not in to_canonical(parse_config(MINIMAL))


def test_source_url_changes_the_hash() -> None:
    with_url = parse_config({**MINIMAL, "sourceUrl": "https://example.com"})
    assert config_hash(with_url) != config_hash(parse_config(MINIMAL))


def test_canonical_json_is_what_the_hash_covers() -> None:
    config = parse_config(VALUES)
    assert config_hash(config) == hashlib.sha256(canonical_json(config).encode()).hexdigest()


def test_differently_written_equal_configs_share_a_hash() -> None:
    messy = {
        "topicIds": [6, 5, 7, 5],
        "minScore": None,
        "maxScore": 99,
        "filters": {
            "jobTitle.exclude": {"values": [" Intern "], "operator": "contains", "mode": "any"},
            "jobTitle": {"include": ["finance", "cfo", "CFO"]},
            "contact.hasPhone": {"value": False},
            "contact": {"hasBusinessEmail": True},
            "role.isDecisionMaker": True,
        },
    }
    assert config_hash(parse_config(messy)) == config_hash(parse_config(NESTED))


def test_config_from_canonical_rejects_a_corrupt_object() -> None:
    canonical = to_canonical(parse_config(SCORES))
    with pytest.raises(ConfigError, match=r"config\.minTopicOverlap"):
        config_from_canonical({**canonical, "minTopicOverlap": 9})


def test_canonical_object_survives_json_encoding() -> None:
    canonical = to_canonical(parse_config(NESTED))
    assert json.loads(json.dumps(canonical)) == canonical


def test_applied_filters_list_each_filter_with_label_and_type() -> None:
    assert applied_filters(parse_config(NESTED)) == [
        {"key": "contact.hasBusinessEmail", "label": "Has business email", "type": "boolean",
         "value": True},
        {"key": "contact.hasPhone", "label": "Has phone", "type": "boolean", "value": False},
        {"key": "jobTitle.exclude", "label": "Job title excludes", "type": "text_terms",
         "mode": "any", "operator": "contains", "values": ["intern"]},
        {"key": "jobTitle.include", "label": "Job title includes", "type": "text_terms",
         "mode": "any", "operator": "contains", "values": ["cfo", "finance"]},
        {"key": "role.isDecisionMaker", "label": "Decision maker", "type": "boolean",
         "value": True},
    ]  # fmt: skip


def test_applied_filters_of_a_config_without_filters_is_empty() -> None:
    assert applied_filters(parse_config(MINIMAL)) == []
