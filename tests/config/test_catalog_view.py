"""The filter catalog as `GET /audiences/filters` serves it: groups, filters, values and counts."""

from typing import Any

import pytest

from engine.catalog_view import filter_catalog
from engine.filters import CATALOG
from engine.vocab import SENIORITIES

COUNTS = {
    "seniority": {"vp": 5, "manager": 7, "c_suite": 2},
    "company_industry": {"software": 9, "banking": 9, "mining": 1},
    "company_domain": {"acme.com": 3},
    "phone": {"true": 30, "false": 70},
}


def catalog_filters(counts: Any = COUNTS, **kwargs: Any) -> dict[str, dict[str, Any]]:
    groups = filter_catalog(counts, **kwargs)["groups"]
    return {f["key"]: f for group in groups for f in group["filters"]}  # type: ignore[attr-defined]


def test_every_catalog_key_is_served_once_in_catalog_order() -> None:
    assert list(catalog_filters()) == [spec.key for spec in CATALOG]


def test_groups_follow_the_key_prefixes() -> None:
    groups = filter_catalog(COUNTS)["groups"]
    assert [g["key"] for g in groups] == [  # type: ignore[attr-defined]
        "company", "role", "jobTitle", "contact", "location", "demographics",
    ]  # fmt: skip


def test_summary_says_filters_combine_with_and() -> None:
    assert filter_catalog(COUNTS)["summary"]["defaultFieldLogic"] == "and"  # type: ignore[index]


@pytest.mark.parametrize(
    ("key", "kind", "value_type", "operators"),
    [
        pytest.param("role.seniority", "multi_select", "string", ["in"], id="values"),
        pytest.param("company.domains", "multi_select", "string", ["in"], id="domains"),
        pytest.param("contact.hasPhone", "boolean", "boolean", ["is"], id="presence"),
        pytest.param("role.isDecisionMaker", "boolean", "boolean", ["is"], id="decision-maker"),
        pytest.param(
            "jobTitle.include", "text_terms", "string", ["contains", "equals", "startsWith"],
            id="text-terms",
        ),
    ],
)  # fmt: skip
def test_each_filter_has_its_type_value_type_and_operators(
    key: str, kind: str, value_type: str, operators: list[str]
) -> None:
    served = catalog_filters()[key]
    assert (served["type"], served["valueType"], served["operators"]) == (
        kind,
        value_type,
        operators,
    )


def test_fixed_vocabulary_lists_every_value_in_order_with_zero_for_unseen() -> None:
    values = catalog_filters()["role.seniority"]["values"]
    assert [v["value"] for v in values] == list(SENIORITIES)
    assert [v["count"] for v in values][:4] == [2, 5, 0, 7]


def test_values_carry_readable_labels() -> None:
    values = catalog_filters()["role.seniority"]["values"]
    assert values[1] == {"value": "vp", "label": "VP", "count": 5}


def test_open_vocabulary_lists_the_commonest_values_first() -> None:
    values = catalog_filters(max_values=2)["company.industries"]["values"]
    assert [(v["value"], v["count"]) for v in values] == [("banking", 9), ("software", 9)]


def test_domains_are_their_own_labels() -> None:
    (value,) = catalog_filters()["company.domains"]["values"]
    assert value["label"] == "acme.com"


def test_presence_filter_counts_come_from_true_and_false() -> None:
    assert catalog_filters()["contact.hasPhone"]["values"] == [
        {"value": True, "label": "Yes", "count": 30},
        {"value": False, "label": "No", "count": 70},
    ]


def test_decision_maker_counts_sum_the_seniorities() -> None:
    values = catalog_filters()["role.isDecisionMaker"]["values"]
    assert [v["count"] for v in values] == [7, 7]


def test_text_terms_offer_no_values() -> None:
    assert catalog_filters()["jobTitle.include"]["values"] == []


def test_missing_counts_give_zero_counts_and_no_open_values() -> None:
    served = catalog_filters({})
    assert {v["count"] for v in served["role.seniority"]["values"]} == {0}
    assert served["company.industries"]["values"] == []


def test_every_filter_has_a_description() -> None:
    assert all(f["description"] for f in catalog_filters().values())
