"""People: vocabularies, fill rates, contacts and fields that agree with each other."""

import hashlib
import re
from collections import defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from engine.vocab import COMPANY_SIZES, DECISION_MAKERS, FIXED_VOCABULARIES, REVENUE_RANGES

EMAIL = re.compile(r"^[a-z0-9._+]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
LINKEDIN = re.compile(r"^https://www\.linkedin\.com/in/[a-z0-9]+-[a-z0-9]+-[0-9]+$")
OPEN_LOWER_CASE = (
    "company_name", "company_domain", "company_industry", "company_industry_group", "city",
    "state", "country",
)  # fmt: skip


def values(people: pa.Table, column: str) -> list[str]:
    return [value for value in people.column(column).to_pylist() if value is not None]


def pairs(people: pa.Table, key: str, value: str) -> dict[str, set[str]]:
    """For each non-null `key`, the set of non-null `value`s seen with it."""
    seen: dict[str, set[str]] = defaultdict(set)
    for row in people.select([key, value]).to_pylist():
        if row[key] is not None and row[value] is not None:
            seen[row[key]].add(row[value])
    return seen


@pytest.mark.parametrize("column", sorted(FIXED_VOCABULARIES))
def test_fixed_vocabulary_columns_hold_only_vocabulary_values(
    people: pa.Table, column: str
) -> None:
    assert set(values(people, column)) <= set(FIXED_VOCABULARIES[column])


@pytest.mark.parametrize("column", OPEN_LOWER_CASE)
def test_open_vocabulary_columns_are_lower_case(people: pa.Table, column: str) -> None:
    assert all(value == value.lower() for value in values(people, column))


@pytest.mark.parametrize(
    ("column", "low", "high"),
    [
        ("first_name", 0.6, 0.8),
        ("last_name", 0.6, 0.8),
        ("job_title", 0.4, 0.6),
        ("phone", 0.25, 0.35),
        ("business_email", 0.5, 0.7),
        ("personal_email", 0.4, 0.6),
        ("linkedin_url", 0.45, 0.65),
        ("company_industry", 0.7, 0.9),
        ("seniority", 0.75, 0.95),
        ("country", 0.85, 0.97),
    ],
)
def test_fill_rate_is_realistic(people: pa.Table, column: str, low: float, high: float) -> None:
    assert low <= 1 - people.column(column).null_count / len(people) <= high


def test_hashed_email_is_never_null(people: pa.Table) -> None:
    assert people.column("hashed_email").null_count == 0


def test_hashed_email_is_unique(people: pa.Table) -> None:
    assert len(pc.unique(people.column("hashed_email"))) == len(people)


def test_hashed_email_is_sha256_of_business_email_when_present(people: pa.Table) -> None:
    rows = people.filter(pc.is_valid(people.column("business_email"))).to_pylist()
    assert rows
    for row in rows:
        assert row["hashed_email"] == hashlib.sha256(row["business_email"].encode()).hexdigest()


def test_hashed_email_is_sha256_of_personal_email_without_business_email(
    people: pa.Table,
) -> None:
    only_personal = pc.and_(
        pc.is_null(people.column("business_email")), pc.is_valid(people.column("personal_email"))
    )
    rows = people.filter(only_personal).to_pylist()
    assert rows
    for row in rows:
        assert row["hashed_email"] == hashlib.sha256(row["personal_email"].encode()).hexdigest()


@pytest.mark.parametrize("column", ["business_email", "personal_email"])
def test_emails_look_valid_and_are_unique(people: pa.Table, column: str) -> None:
    emails = values(people, column)
    assert all(EMAIL.match(email) for email in emails)
    assert len(set(emails)) == len(emails)


def test_business_emails_use_the_company_domain(people: pa.Table) -> None:
    rows = people.filter(pc.is_valid(people.column("business_email"))).to_pylist()
    assert all(row["business_email"].endswith("@" + row["company_domain"]) for row in rows)


def test_phones_are_e164(people: pa.Table) -> None:
    assert all(E164.match(phone) for phone in values(people, "phone"))


def test_linkedin_urls_are_profile_urls(people: pa.Table) -> None:
    assert all(LINKEDIN.match(url) for url in values(people, "linkedin_url"))


def test_some_names_have_non_ascii_letters(people: pa.Table) -> None:
    assert any(not name.isascii() for name in values(people, "first_name"))
    assert any(not name.isascii() for name in values(people, "last_name"))


@pytest.mark.parametrize("column", ["job_title", "company_name", "headline", "first_name"])
def test_no_text_starts_like_a_spreadsheet_formula(people: pa.Table, column: str) -> None:
    assert not [value for value in values(people, column) if value[0] in "=+-@\t\r"]


def test_each_industry_belongs_to_one_group(people: pa.Table) -> None:
    groups = pairs(people, "company_industry", "company_industry_group")
    assert groups
    assert all(len(group) == 1 for group in groups.values())


@pytest.mark.parametrize(
    "column", ["company_industry", "company_size", "company_revenue_range", "company_domain"]
)
def test_company_name_determines_company_column(people: pa.Table, column: str) -> None:
    assert all(len(seen) == 1 for seen in pairs(people, "company_name", column).values())


def test_larger_companies_have_larger_revenue(people: pa.Table) -> None:
    sizes, revenues = [], []
    for row in people.select(["company_size", "company_revenue_range"]).to_pylist():
        if row["company_size"] and row["company_revenue_range"]:
            sizes.append(COMPANY_SIZES.index(row["company_size"]))
            revenues.append(REVENUE_RANGES.index(row["company_revenue_range"]))
    assert np.corrcoef(sizes, revenues)[0, 1] > 0.6


@pytest.mark.parametrize(
    ("seniority", "pattern"),
    [
        ("vp", r"^(VP of|Vice President of|SVP,) "),
        ("director", r"Director"),
        ("c_suite", r"^(Chief .* Officer|General Counsel)$"),
        ("senior", r"^(Senior|Lead) "),
        ("owner", r"^(Owner|Founder|Co-Founder|Founder & CEO)$"),
    ],
)
def test_job_title_fits_seniority(people: pa.Table, seniority: str, pattern: str) -> None:
    titles = pairs(people, "seniority", "job_title")[seniority]
    assert titles
    assert all(re.search(pattern, title) for title in titles)


def test_decision_makers_are_a_minority(people: pa.Table) -> None:
    known = values(people, "seniority")
    assert 0.1 < sum(value in DECISION_MAKERS for value in known) / len(known) < 0.4


def test_headline_names_title_and_company(people: pa.Table) -> None:
    rows = people.filter(pc.is_valid(people.column("headline"))).to_pylist()
    assert rows
    for row in rows:
        expected = row["job_title"]
        if row["company_name"]:
            expected += " at " + row["company_name"].title()
        assert row["headline"] == expected


def test_each_city_lies_in_one_state_and_each_state_in_one_country(people: pa.Table) -> None:
    assert all(len(states) == 1 for states in pairs(people, "city", "state").values())
    assert all(len(countries) == 1 for countries in pairs(people, "state", "country").values())


def test_a_shown_city_always_comes_with_its_state_and_country(people: pa.Table) -> None:
    rows = people.filter(pc.is_valid(people.column("city"))).select(["state", "country"])
    assert rows.column("state").null_count == rows.column("country").null_count == 0
