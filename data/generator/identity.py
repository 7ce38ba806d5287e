"""One chunk of people: company columns, department and title, place, name, age and contacts.

Every column is drawn for the whole chunk at once from small lookup tables built once per run.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa

from data.generator.companies import Companies
from data.generator.contacts import Person, contact_columns
from data.generator.industries import BASE_DEPARTMENT_WEIGHTS, GROUPS, INDUSTRIES, INDUSTRY_GROUP
from data.generator.names import NameTable, name_table
from data.generator.places import Geography, geography
from data.generator.roles import SENIORITY_AGE, TitleTable, title_table
from data.generator.sampling import choose, choose_by_row, cumulative, labels, masked
from engine.vocab import (
    AGE_RANGES,
    COMPANY_SIZES,
    DEPARTMENTS,
    GENDERS,
    REVENUE_RANGES,
    SENIORITIES,
)

DEPARTMENT_FILL: Final = (0.4, 0.85)  # without, with a known seniority
TITLE_FILL: Final = 0.7  # of people with both seniority and department: ~50% overall
NAME_FILL: Final = 0.7
GENDER_FILL: Final = (0.1, 0.85)  # without, with a shown name
AGE_FILL: Final = 0.5
AGE_SPREAD: Final = 0.9  # standard deviation around the seniority's mean age bucket
COUNTRY_FILL: Final = 0.92
STATE_FILL: Final = 0.88  # of people with a country
CITY_FILL: Final = 0.88  # of people with a state
UNKNOWN_AGE: Final = 2.0  # mean age bucket when seniority is unknown


@dataclass(frozen=True)
class Lookups:
    companies: Companies
    titles: TitleTable
    names: NameTable
    first_ascii: pa.Array
    last_ascii: pa.Array
    geo: Geography
    department_cdf: np.ndarray  # [groups + 1 (no company), departments]

    @classmethod
    def build(cls, companies: Companies) -> "Lookups":
        names = name_table()
        return cls(
            companies=companies,
            titles=title_table(),
            names=names,
            first_ascii=pa.array(names.ascii_first(), pa.string()),
            last_ascii=pa.array(names.ascii_last(), pa.string()),
            geo=geography(),
            department_cdf=cumulative(_department_weights()),
        )


def _department_weights() -> np.ndarray:
    base = np.array([BASE_DEPARTMENT_WEIGHTS[name] for name in DEPARTMENTS])
    rows = [base.copy() for _ in range(len(GROUPS) + 1)]
    for row, group in zip(rows, GROUPS, strict=False):
        for department, boost in group.departments:
            row[DEPARTMENTS.index(department)] *= boost
    return np.array(rows)


def person_chunk(
    rng: np.random.Generator,
    lookups: Lookups,
    company: np.ndarray,
    seniority: np.ndarray,
    offset: int,
) -> pa.Table:
    """People `offset + 1 ..` with the given (clustered) company and seniority codes."""
    columns = {"person_id": pa.array(np.arange(offset + 1, offset + len(company) + 1))}
    columns |= _company_columns(lookups.companies, company)
    columns |= _role_columns(rng, lookups, company, seniority)
    country, place = _place_columns(rng, lookups.geo, len(company))
    columns |= place
    first, last, identity = _name_columns(rng, lookups, country)
    columns |= identity
    columns["age_range"] = _age_ranges(rng, seniority)
    person = Person(
        first=first,
        last=last,
        country=country,
        company_domain=columns["company_domain"],
        company_name=columns["company_name"],
        job_title=columns["job_title"],
    )
    return pa.table(columns | contact_columns(rng, lookups.geo, person))


def _company_columns(companies: Companies, company: np.ndarray) -> dict[str, pa.Array]:
    known = company >= 0
    index = pa.array(np.maximum(company, 0), mask=~known)
    industry = np.where(known, companies.industry[company], -1)
    group = np.where(known, np.asarray(INDUSTRY_GROUP)[np.maximum(industry, 0)], -1)
    return {
        "company_name": companies.name.take(index),
        "company_domain": companies.domain.take(index),
        "company_industry": labels(INDUSTRIES, industry),
        "company_industry_group": labels([group.name for group in GROUPS], group),
        "company_size": labels(COMPANY_SIZES, np.where(known, companies.size[company], -1)),
        "company_revenue_range": labels(
            REVENUE_RANGES, np.where(known, companies.revenue[company], -1)
        ),
    }


def _role_columns(
    rng: np.random.Generator, lookups: Lookups, company: np.ndarray, seniority: np.ndarray
) -> dict[str, pa.Array]:
    """Department by the company's industry group; a title that fits seniority and department."""
    industry = lookups.companies.industry[company]
    group = np.where(company >= 0, np.asarray(INDUSTRY_GROUP)[industry], len(GROUPS))
    department = choose_by_row(rng, lookups.department_cdf, group)
    fill = np.where(seniority >= 0, DEPARTMENT_FILL[1], DEPARTMENT_FILL[0])
    department = np.where(rng.random(len(company)) < fill, department, -1)
    return {
        "seniority": labels(SENIORITIES, seniority),
        "department": labels(DEPARTMENTS, department),
        "job_title": _titles(rng, lookups.titles, seniority, department),
    }


def _titles(
    rng: np.random.Generator, titles: TitleTable, seniority: np.ndarray, department: np.ndarray
) -> pa.Array:
    known = (seniority >= 0) & (department >= 0)
    known &= rng.random(len(seniority)) < TITLE_FILL
    s, d = np.maximum(seniority, 0), np.maximum(department, 0)
    pick = titles.start[s, d] + (rng.random(len(s)) * titles.count[s, d]).astype(np.int64)
    return labels(titles.titles, np.where(known, pick, -1))


def _place_columns(
    rng: np.random.Generator, geo: Geography, size: int
) -> tuple[np.ndarray, dict[str, pa.Array]]:
    """The latent country of each person (for names and phones) and nested place columns."""
    city = choose(rng, geo.city_weight, size)
    country = geo.city_country[city]
    shown = rng.random(size) < COUNTRY_FILL
    state_shown = shown & (rng.random(size) < STATE_FILL)
    city_shown = state_shown & (rng.random(size) < CITY_FILL)
    return country, {
        "city": labels(geo.cities, np.where(city_shown, city, -1)),
        "state": labels(geo.states, np.where(state_shown, geo.city_state[city], -1)),
        "country": labels(geo.countries, np.where(shown, country, -1)),
    }


def _name_columns(
    rng: np.random.Generator, lookups: Lookups, country: np.ndarray
) -> tuple[pa.Array, pa.Array, dict[str, pa.Array]]:
    """ASCII first and last names of everyone (for contacts) and the shown name columns."""
    names, size = lookups.names, len(country)
    culture = choose_by_row(rng, lookups.geo.culture_cdf, country)
    gender = (rng.random(size) < 0.5).astype(np.int64)  # index into GENDERS
    first = names.first_start[culture, gender]
    first += (rng.random(size) * names.first_count[culture, gender]).astype(np.int64)
    last = names.last_start[culture]
    last += (rng.random(size) * names.last_count[culture]).astype(np.int64)
    shown = rng.random(size) < NAME_FILL
    gender_fill = np.where(shown, GENDER_FILL[1], GENDER_FILL[0])
    return (
        lookups.first_ascii.take(first),
        lookups.last_ascii.take(last),
        {
            "first_name": labels(names.first, np.where(shown, first, -1)),
            "last_name": labels(names.last, np.where(shown, last, -1)),
            "gender": labels(GENDERS, np.where(rng.random(size) < gender_fill, gender, -1)),
        },
    )


def _age_ranges(rng: np.random.Generator, seniority: np.ndarray) -> pa.Array:
    """Age bucket around the seniority's typical age (interns young, chiefs older)."""
    mean = np.where(seniority >= 0, np.asarray(SENIORITY_AGE)[seniority], UNKNOWN_AGE)
    bucket = np.clip(np.rint(mean + rng.normal(0.0, AGE_SPREAD, len(seniority))), 0, 5)
    return labels(AGE_RANGES, masked(rng, bucket.astype(np.int64), AGE_FILL))
