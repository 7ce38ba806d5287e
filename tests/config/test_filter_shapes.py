"""Filters in both wire shapes normalize to one dotted, sorted, lower-cased form."""

from typing import Any

import pytest

from engine.config import config_hash, parse_config
from engine.config_filters import BoolFilter, TextFilter, ValuesFilter
from engine.filters import TextMode, TextOperator
from tests.config.conftest import MakeRaw

SAME_FILTERS = [
    pytest.param(
        {"role.seniority": {"values": ["director", "vp"]}},
        {"role": {"seniority": ["director", "vp"]}},
        id="values",
    ),
    pytest.param(
        {"role.seniority": ["vp"], "company.industries": ["software"]},
        {"company": {"industries": ["software"]}, "role": {"seniority": ["vp"]}},
        id="two-groups",
    ),
    pytest.param(
        {"contact.hasBusinessEmail": True, "role.isDecisionMaker": {"value": False}},
        {"contact": {"hasBusinessEmail": True}, "role": {"isDecisionMaker": False}},
        id="booleans",
    ),
    pytest.param(
        {"jobTitle.include": {"values": ["cfo"], "operator": "equals", "mode": "all"}},
        {"jobTitle": {"include": ["cfo"], "includeOperator": "equals", "includeMode": "all"}},
        id="title-include-options",
    ),
    pytest.param(
        {"jobTitle.exclude": {"values": ["intern"], "operator": "startsWith"}},
        {"jobTitle": {"exclude": ["intern"], "excludeOperator": "startsWith"}},
        id="title-exclude-options",
    ),
    pytest.param(
        {"jobTitle.exact": {"values": ["ceo"]}, "jobTitle.include": ["chief"]},
        {"jobTitle": {"exact": ["ceo"], "include": ["chief"]}},
        id="title-exact-and-include",
    ),
    pytest.param(
        {"company.domains": {"values": ["acme.com"]}},
        {"company": {"domains": {"values": ["acme.com"]}}},
        id="nested-object-form",
    ),
]


@pytest.mark.parametrize(("dotted", "nested"), SAME_FILTERS)
def test_dotted_and_nested_shapes_give_the_same_config(
    make_raw: MakeRaw, dotted: dict[str, Any], nested: dict[str, Any]
) -> None:
    assert parse_config(make_raw(filters=dotted)) == parse_config(make_raw(filters=nested))


@pytest.mark.parametrize(("dotted", "nested"), SAME_FILTERS)
def test_dotted_and_nested_shapes_give_the_same_hash(
    make_raw: MakeRaw, dotted: dict[str, Any], nested: dict[str, Any]
) -> None:
    first, second = parse_config(make_raw(filters=dotted)), parse_config(make_raw(filters=nested))
    assert config_hash(first) == config_hash(second)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param(
            {"company.industries": ["  Software ", "SOFTWARE", "banking"]},
            ValuesFilter("company.industries", ("banking", "software")),
            id="trimmed-lowered-distinct-sorted",
        ),
        pytest.param(
            {"company.domains": ["WWW.Acme.com", "acme.com", " www.beta.io"]},
            ValuesFilter("company.domains", ("acme.com", "beta.io")),
            id="domains-lose-www",
        ),
        pytest.param(
            {"company.domains": ["www.www.acme.com"]},
            ValuesFilter("company.domains", ("acme.com",)),
            id="domains-lose-every-leading-www",
        ),
        pytest.param(
            {"company.names": ["www.example"]},
            ValuesFilter("company.names", ("www.example",)),
            id="only-domains-lose-www",
        ),
        pytest.param(
            {"role.seniority": ["C_SUITE", " vp"]},
            ValuesFilter("role.seniority", ("c_suite", "vp")),
            id="fixed-vocabulary-case-insensitive",
        ),
        pytest.param(
            {"jobTitle.include": ["VP of  Sales ", "cfo"]},
            TextFilter("jobTitle.include", ("cfo", "vp of  sales")),
            id="title-terms-keep-inner-spaces",
        ),
        pytest.param(
            {"jobTitle.include": {"values": ["cfo"], "operator": None, "mode": None}},
            TextFilter("jobTitle.include", ("cfo",), TextOperator.CONTAINS, TextMode.ANY),
            id="null-options-are-defaults",
        ),
        pytest.param(
            {"contact.hasPhone": {"value": True}},
            BoolFilter("contact.hasPhone", True),
            id="boolean-object-form",
        ),
        pytest.param(
            {"demographics.ageRanges": ("65+", "18-24")},
            ValuesFilter("demographics.ageRanges", ("18-24", "65+")),
            id="tuple-from-python-callers",
        ),
    ],
)
def test_filter_values_are_normalized(
    make_raw: MakeRaw, filters: dict[str, Any], expected: object
) -> None:
    assert parse_config(make_raw(filters=filters)).filters == (expected,)


def test_text_filter_defaults_to_contains_any(make_raw: MakeRaw) -> None:
    (title,) = parse_config(make_raw(filters={"jobTitle.exclude": ["intern"]})).filters
    assert title == TextFilter("jobTitle.exclude", ("intern",), TextOperator.CONTAINS, TextMode.ANY)


def test_filters_are_sorted_by_key(make_raw: MakeRaw) -> None:
    filters = {"role.seniority": ["vp"], "contact.hasPhone": True, "company.sizes": ["1-10"]}
    keys = [f.key for f in parse_config(make_raw(filters=filters)).filters]
    assert keys == ["company.sizes", "contact.hasPhone", "role.seniority"]


def test_empty_filters_object_means_no_filters(make_raw: MakeRaw) -> None:
    assert parse_config(make_raw(filters={})).filters == ()


def test_null_filters_means_no_filters(make_raw: MakeRaw) -> None:
    assert parse_config(make_raw(filters=None)).filters == ()
