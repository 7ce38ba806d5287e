"""Config size limits and NUL characters: refused at validation, naming the field."""

from typing import Any

import pytest

from engine.catalog_view import filter_catalog
from engine.config import parse_config
from engine.filters import MAX_FILTER_VALUES, MAX_TOPICS
from tests.config.conftest import MakeRaw, problems_of


def terms(count: int) -> list[str]:
    return [f"term {i}" for i in range(count)]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"jobTitle": {"exclude": terms(MAX_FILTER_VALUES + 1)}},
         "config.filters.jobTitle.exclude"),
        ({"jobTitle.include": {"values": terms(MAX_FILTER_VALUES + 1)}},
         "config.filters.jobTitle.include.values"),
        ({"company": {"names": terms(MAX_FILTER_VALUES + 1)}}, "config.filters.company.names"),
    ],
)  # fmt: skip
def test_one_value_more_than_the_maximum_is_refused_naming_the_filter(
    make_raw: MakeRaw, filters: dict[str, Any], field: str
) -> None:
    [problem] = problems_of(make_raw(filters=filters))
    assert problem.field == field
    assert f"at most {MAX_FILTER_VALUES} values" in problem.message


def test_the_maximum_number_of_values_in_include_and_exclude_is_accepted(
    make_raw: MakeRaw,
) -> None:
    title = {"include": terms(MAX_FILTER_VALUES), "exclude": terms(MAX_FILTER_VALUES)}
    config = parse_config(make_raw(filters={"jobTitle": title}))
    assert [len(f.values) for f in config.filters] == [MAX_FILTER_VALUES] * 2  # type: ignore[union-attr]


def test_one_topic_more_than_the_maximum_is_refused_naming_topic_ids(make_raw: MakeRaw) -> None:
    [problem] = problems_of(make_raw(topicIds=list(range(MAX_TOPICS + 1))))
    assert problem.field == "config.topicIds"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"filters": {"jobTitle": {"include": ["ok", "bad\x00"]}}},
         "config.filters.jobTitle.include[1]"),
        ({"filters": {"location.cities": {"values": ["\x00"]}}},
         "config.filters.location.cities.values[0]"),
        ({"sourceUrl": "https://example.com/\x00"}, "config.sourceUrl"),
    ],
)  # fmt: skip
def test_a_nul_character_is_refused_naming_the_field(
    make_raw: MakeRaw, overrides: dict[str, Any], field: str
) -> None:
    [problem] = problems_of(make_raw(**overrides))
    assert problem.field == field
    assert "NUL" in problem.message


def test_the_filter_catalog_states_the_limits() -> None:
    catalog = filter_catalog({})
    assert catalog["summary"] == {
        "defaultFieldLogic": "and",
        "maxTopicIds": MAX_TOPICS,
        "maxValuesPerFilter": MAX_FILTER_VALUES,
    }
    filters = [f for group in catalog["groups"] for f in group["filters"]]  # type: ignore[attr-defined]
    limits = {f["key"]: f["maxValues"] for f in filters}
    assert limits["jobTitle.exclude"] == MAX_FILTER_VALUES
    assert limits["contact.hasPhone"] is None
