"""Every wrong filter is reported at the path where it was written, in either shape."""

from typing import Any

import pytest

from engine.errors import Problem
from engine.vocab import COMPANY_SIZES
from tests.config.conftest import MakeRaw, problems_of

F = "config.filters"


# (id, filters, field under config.filters, part of the message)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("typo-key", {"role.senority": ["vp"]}, "role.senority", "did you mean 'role.seniority'"),
    ("unknown-key", {"role.colour": ["red"]}, "role.colour", "unknown filter key"),
    ("unknown-group", {"roles": {"seniority": ["vp"]}}, "roles", "unknown filter group"),
    ("unknown-nested", {"role": {"level": ["vp"]}}, "role.level", "unknown filter key"),
    ("group-not-object", {"role": ["vp"]}, "role", "must be an object"),
    ("vocab", {"role.seniority": ["boss"]}, "role.seniority[0]", "unknown value 'boss'"),
    ("nested-vocab", {"role": {"seniority": ["vp", "Boss"]}}, "role.seniority[1]", "'boss'"),
    ("object-vocab", {"role.seniority": {"values": ["vp", "ceo"]}}, "role.seniority.values[1]",
     "allowed: c_suite"),
    ("gender-vocab", {"demographics.genders": ["other"]}, "demographics.genders[0]", "'other'"),
    ("size-vocab", {"company.sizes": ["1 - 10"]}, "company.sizes[0]", "unknown value"),
    ("empty-list", {"company.industries": []}, "company.industries", "non-empty"),
    ("string-not-list", {"company.industries": "it"}, "company.industries", "list of strings"),
    ("number-value", {"company.industries": [3]}, "company.industries[0]", "must be a string"),
    ("blank-value", {"company.industries": ["  "]}, "company.industries[0]", "blank"),
    ("domain-only-www", {"company.domains": ["www."]}, "company.domains[0]", "blank"),
    ("extra-field", {"company.industries": {"vals": ["x"], "values": ["x"]}},
     "company.industries.vals", "allowed: values"),
    ("operator-on-values", {"company.industries": {"operator": "contains", "values": ["x"]}},
     "company.industries.operator", "unknown field"),
    ("bool-string", {"contact.hasPhone": "yes"}, "contact.hasPhone", "true or false"),
    ("bool-number", {"contact.hasPhone": 1}, "contact.hasPhone", "true or false"),
    ("bool-null", {"contact.hasPhone": {"value": None}}, "contact.hasPhone.value", "true or false"),
    ("bool-object-empty", {"contact.hasPhone": {}}, "contact.hasPhone.value", "required"),
    ("operator", {"jobTitle.include": {"values": ["x"], "operator": "like"}},
     "jobTitle.include.operator", "contains, equals, startsWith"),
    ("operator-case", {"jobTitle.include": {"values": ["x"], "operator": "startswith"}},
     "jobTitle.include.operator", "startsWith"),
    ("mode", {"jobTitle.include": {"values": ["x"], "mode": "some"}}, "jobTitle.include.mode",
     "any, all"),
    ("nested-mode", {"jobTitle": {"include": ["x"], "includeMode": "most"}},
     "jobTitle.includeMode", "any, all"),
    ("nested-operator", {"jobTitle": {"exclude": ["x"], "excludeOperator": 1}},
     "jobTitle.excludeOperator", "contains"),
    ("mode-without-terms", {"jobTitle": {"includeMode": "all"}}, "jobTitle.includeMode",
     "needs config.filters.jobTitle.include"),
    ("option-of-absent-filter", {"jobTitle": {"include": ["x"], "excludeOperator": "equals"}},
     "jobTitle.excludeOperator", "needs config.filters.jobTitle.exclude"),
    ("option-given-twice",
     {"jobTitle": {"include": {"values": ["x"], "mode": "all"}, "includeMode": "any"}},
     "jobTitle.includeMode", "repeats config.filters.jobTitle.include.mode"),
    ("title-object-without-values", {"jobTitle.include": {"operator": "equals"}},
     "jobTitle.include.values", "required"),
    ("both-shapes", {"role.seniority": ["vp"], "role": {"seniority": ["director"]}},
     "role.seniority", "both the dotted and the nested"),
    ("both-shapes-title", {"jobTitle": {"include": ["a"]}, "jobTitle.include": ["b"]},
     "jobTitle.include", "both the dotted and the nested"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("filters", "field", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_invalid_filter_is_reported_at_its_path(
    make_raw: MakeRaw, filters: dict[str, Any], field: str, message: str
) -> None:
    problems = problems_of(make_raw(filters=filters))
    assert [p.field for p in problems] == [f"{F}.{field}"]
    assert message in problems[0].message


@pytest.mark.parametrize(
    ("filters", "wrong", "missing"),
    [
        pytest.param(
            {"company.industries": {"value": ["x"]}}, "value", "values", id="value-for-values"
        ),
        pytest.param(
            {"contact.hasPhone": {"values": [True]}}, "values", "value", id="values-for-value"
        ),
    ],
)
def test_object_form_with_the_wrong_payload_name_names_both_fields(
    make_raw: MakeRaw, filters: dict[str, Any], wrong: str, missing: str
) -> None:
    (key,) = filters
    assert problems_of(make_raw(filters=filters)) == [
        Problem(f"{F}.{key}.{wrong}", f"unknown field; allowed: {missing}"),
        Problem(f"{F}.{key}.{missing}", "is required"),
    ]


def test_every_bad_value_of_a_list_is_reported(make_raw: MakeRaw) -> None:
    problems = problems_of(make_raw(filters={"role.departments": ["sales", "x", 4, "y"]}))
    assert [p.field for p in problems] == [
        f"{F}.role.departments[1]",
        f"{F}.role.departments[2]",
        f"{F}.role.departments[3]",
    ]


def test_problems_of_different_filters_are_all_reported(make_raw: MakeRaw) -> None:
    filters = {"contact": {"hasPhone": "no"}, "company.sizes": ["huge"], "jobTitle.exact": []}
    assert problems_of(make_raw(filters=filters)) == [
        Problem(f"{F}.contact.hasPhone", "must be true or false"),
        Problem(
            f"{F}.company.sizes[0]", f"unknown value 'huge'; allowed: {', '.join(COMPANY_SIZES)}"
        ),
        Problem(f"{F}.jobTitle.exact", "must be a non-empty list of strings"),
    ]
