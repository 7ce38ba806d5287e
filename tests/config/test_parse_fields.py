"""Top-level config fields: topics, scores, overlap, sourceUrl, defaults, clamping and errors."""

from typing import Any

import pytest

from engine.config import parse_config
from engine.errors import ConfigError, EngineError, Problem
from tests.config.conftest import DROP, MakeRaw, fields_of, problems_of


def test_defaults_fill_every_optional_field(make_raw: MakeRaw) -> None:
    config = parse_config(make_raw())
    assert (config.min_score, config.max_score, config.min_topic_overlap) == (50, 99, 1)
    assert (config.filters, config.source_url) == ((), None)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({"topicIds": [9, 1, 5]}, (1, 5, 9), id="sorted"),
        pytest.param({"topicIds": [4, 4, 2, 4]}, (2, 4), id="duplicates-merged"),
        pytest.param({"topicIds": [0]}, (0,), id="zero-is-an-id"),
        pytest.param({"topicIds": [2**31 - 1]}, (2**31 - 1,), id="int32-max"),
        pytest.param({"topicIds": list(range(250))}, tuple(range(250)), id="250-topics"),
        pytest.param({"topicIds": [1] * 300}, (1,), id="300-copies-of-one-topic"),
    ],
)
def test_topic_ids_are_sorted_and_distinct(
    make_raw: MakeRaw, overrides: dict[str, Any], expected: tuple[int, ...]
) -> None:
    assert parse_config(make_raw(**overrides)).topic_ids == expected


@pytest.mark.parametrize(
    ("overrides", "scores"),
    [
        pytest.param({"minScore": None}, (50, 99), id="null-min-is-floor"),
        pytest.param({"minScore": 0}, (50, 99), id="min-0-clamps-to-50"),
        pytest.param({"minScore": 49}, (50, 99), id="min-49-clamps-to-50"),
        pytest.param({"minScore": 50}, (50, 99), id="min-50-kept"),
        pytest.param({"minScore": 80, "maxScore": 90}, (80, 90), id="both-kept"),
        pytest.param({"minScore": 99, "maxScore": 99}, (99, 99), id="equal-bounds"),
        pytest.param({"minScore": 10, "maxScore": 50}, (50, 50), id="clamped-min-meets-max"),
        pytest.param({"maxScore": None}, (50, 99), id="null-max-is-99"),
    ],
)
def test_scores_clamp_min_up_to_50_and_default_max_to_99(
    make_raw: MakeRaw, overrides: dict[str, Any], scores: tuple[int, int]
) -> None:
    config = parse_config(make_raw(**overrides))
    assert (config.min_score, config.max_score) == scores


@pytest.mark.parametrize(
    ("topics", "overlap", "expected"),
    [
        pytest.param([1, 2, 3], None, 1, id="null-is-1"),
        pytest.param([1, 2, 3], 3, 3, id="equal-to-topic-count"),
        pytest.param([1, 1, 2], 2, 2, id="counts-distinct-topics"),
    ],
)
def test_min_topic_overlap_up_to_the_number_of_topics_is_kept(
    make_raw: MakeRaw, topics: list[int], overlap: int | None, expected: int
) -> None:
    raw = make_raw(topicIds=topics, minTopicOverlap=overlap)
    assert parse_config(raw).min_topic_overlap == expected


def test_source_url_is_kept_verbatim(make_raw: MakeRaw) -> None:
    url = "https://Example.com/Page?q=1"
    assert parse_config(make_raw(sourceUrl=url)).source_url == url


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"topicIds": DROP}, "config.topicIds", "required", id="topics-missing"),
        pytest.param({"topicIds": None}, "config.topicIds", "required", id="topics-null"),
        pytest.param({"topicIds": []}, "config.topicIds", "1 to 250", id="topics-empty"),
        pytest.param({"topicIds": 5}, "config.topicIds", "list", id="topics-not-a-list"),
        pytest.param({"topicIds": "1,2"}, "config.topicIds", "list", id="topics-a-string"),
        pytest.param({"topicIds": [1, True]}, "config.topicIds[1]", "topic id", id="topic-bool"),
        pytest.param({"topicIds": [1.5]}, "config.topicIds[0]", "topic id", id="topic-fraction"),
        pytest.param({"topicIds": ["1"]}, "config.topicIds[0]", "topic id", id="topic-string"),
        pytest.param({"topicIds": [-1]}, "config.topicIds[0]", "topic id", id="topic-negative"),
        pytest.param({"topicIds": [2**31]}, "config.topicIds[0]", "topic id", id="topic-int64"),
        pytest.param({"topicIds": [{}]}, "config.topicIds[0]", "topic id", id="topic-object"),
        pytest.param(
            {"topicIds": list(range(251))}, "config.topicIds", "at most 250", id="251-topics"
        ),
        pytest.param({"minScore": 100}, "config.minScore", "0 to 99", id="min-100"),
        pytest.param({"minScore": -1}, "config.minScore", "0 to 99", id="min-negative"),
        pytest.param({"minScore": 60.5}, "config.minScore", "integer", id="min-float"),
        pytest.param({"minScore": True}, "config.minScore", "integer", id="min-bool"),
        pytest.param({"minScore": "60"}, "config.minScore", "integer", id="min-string"),
        pytest.param({"maxScore": 49}, "config.maxScore", "50 to 99", id="max-49"),
        pytest.param({"maxScore": 100}, "config.maxScore", "50 to 99", id="max-100"),
        pytest.param({"maxScore": False}, "config.maxScore", "integer", id="max-bool"),
        pytest.param(
            {"minScore": 80, "maxScore": 70}, "config.minScore", "maxScore (70)", id="min-above-max"
        ),
        pytest.param({"minTopicOverlap": 0}, "config.minTopicOverlap", "1 to 250", id="overlap-0"),
        pytest.param(
            {"minTopicOverlap": 251}, "config.minTopicOverlap", "1 to 250", id="overlap-251"
        ),
        pytest.param(
            {"minTopicOverlap": 3},
            "config.minTopicOverlap",
            "topics (2)",
            id="overlap-above-topics",
        ),
        pytest.param(
            {"minTopicOverlap": "2"}, "config.minTopicOverlap", "integer", id="overlap-string"
        ),
        pytest.param({"sourceUrl": 5}, "config.sourceUrl", "string", id="url-not-string"),
        pytest.param({"sourceUrl": "x" * 2049}, "config.sourceUrl", "2048", id="url-too-long"),
        pytest.param({"topicsIds": [1]}, "config.topicsIds", "unknown field", id="unknown-field"),
        pytest.param({"filters": []}, "config.filters", "object", id="filters-a-list"),
    ],
)
def test_invalid_field_is_reported_at_its_path(
    make_raw: MakeRaw, overrides: dict[str, Any], field: str, message: str
) -> None:
    problems = problems_of(make_raw(**overrides))
    assert [p.field for p in problems] == [field]
    assert message in problems[0].message


def test_whole_numbers_written_with_a_fraction_point_are_integers(make_raw: MakeRaw) -> None:
    """JSON (and JSON Schema's `integer`) does not tell 70.0 from 70."""
    raw = make_raw(topicIds=[3.0, 1], minScore=70.0, maxScore=90.0, minTopicOverlap=2.0)
    config = parse_config(raw)
    assert (config.topic_ids, config.min_score, config.max_score) == ((1, 3), 70, 90)
    assert config.min_topic_overlap == 2
    assert all(type(value) is int for value in (*config.topic_ids, config.min_score))


def test_source_url_of_2048_characters_is_accepted(make_raw: MakeRaw) -> None:
    assert parse_config(make_raw(sourceUrl="x" * 2048)).source_url == "x" * 2048


def test_unknown_topic_ids_are_reported_one_by_one(make_raw: MakeRaw) -> None:
    problems = problems_of(make_raw(topicIds=[1, 8, 2, 9]), known_topic_ids={1, 2})
    assert problems == [
        Problem("config.topicIds[1]", "unknown topic id 8"),
        Problem("config.topicIds[3]", "unknown topic id 9"),
    ]


def test_known_topic_ids_accept_a_config_using_only_them(make_raw: MakeRaw) -> None:
    assert parse_config(make_raw(topicIds=[1, 2]), known_topic_ids={1, 2, 3}).topic_ids == (1, 2)


def test_every_problem_is_reported_not_just_the_first(make_raw: MakeRaw) -> None:
    raw = make_raw(topicIds=[1, "x"], minScore=120, maxScore=20, colour="red")
    assert fields_of(raw) == [
        "config.colour",
        "config.topicIds[1]",
        "config.minScore",
        "config.maxScore",
    ]


def test_field_prefix_starts_every_path(make_raw: MakeRaw) -> None:
    raw = make_raw(minScore=120, filters={"role.seniority": ["boss"]})
    fields = fields_of(raw, field_prefix="body.config")
    assert fields == ["body.config.minScore", "body.config.filters.role.seniority[0]"]


@pytest.mark.parametrize("raw", [[], "config", None, 7], ids=["list", "string", "null", "number"])
def test_a_config_that_is_not_an_object_is_one_problem_at_the_prefix(raw: object) -> None:
    assert problems_of(raw) == [Problem("config", "must be an object")]


def test_config_error_is_an_engine_error_that_is_never_retried(make_raw: MakeRaw) -> None:
    with pytest.raises(EngineError) as caught:
        parse_config(make_raw(minScore=500))
    assert isinstance(caught.value, ConfigError)
    assert caught.value.retryable is False


def test_config_error_message_lists_each_field(make_raw: MakeRaw) -> None:
    with pytest.raises(ConfigError, match=r"config\.minScore: .*; config\.maxScore: "):
        parse_config(make_raw(minScore=500, maxScore=500))
