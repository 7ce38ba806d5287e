"""The people table: roles, companies, places, names and contacts that agree with each other.

Person ids follow the (company_industry, seniority) clustering, so the table is written unsorted.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa

from data.contract import PEOPLE_SCHEMA
from data.generator.companies import Companies, build_companies
from data.generator.contacts import hashed_emails, unique_emails
from data.generator.identity import Lookups, person_chunk
from data.generator.industries import INDUSTRIES
from data.generator.roles import SENIORITY_LARGE, SENIORITY_SMALL
from data.generator.sampling import choose, choose_by_row, cumulative, masked
from engine.vocab import SENIORITIES

PEOPLE_PER_COMPANY: Final = 25
COMPANY_FILL: Final = 0.82
SENIORITY_FILL: Final = 0.85
SMALL_COMPANY_SIZES: Final = 2  # the first two size buckets: 1-10 and 11-50 people
CHUNK_ROWS: Final = 1 << 20


@dataclass(frozen=True)
class Population:
    """What intent generation needs to know about the people: ids are 1..count."""

    count: int
    industry_range: np.ndarray  # [len(INDUSTRIES), 2]: first and past-last row of each industry


def build_people(
    rng: np.random.Generator, count: int, progress: Callable[[float], None]
) -> tuple[pa.Table, Population]:
    """`count` people in cluster order, and where each company industry sits in it."""
    companies = build_companies(rng, math.ceil(count / PEOPLE_PER_COMPANY))
    company, seniority = _clustered_roles(rng, count, companies)
    lookups = Lookups.build(companies)
    chunks = []
    for start in range(0, count, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, count)
        chunks.append(person_chunk(rng, lookups, company[start:stop], seniority[start:stop], start))
        progress(stop / count)
    table = _with_unique_emails(pa.concat_tables(chunks))
    return table.select(PEOPLE_SCHEMA.names), Population(
        count, _industry_ranges(company, companies)
    )


def _clustered_roles(
    rng: np.random.Generator, count: int, companies: Companies
) -> tuple[np.ndarray, np.ndarray]:
    """Company (-1: none) and seniority (-1: unknown) per person, ordered by cluster key."""
    employed = rng.random(count) < COMPANY_FILL
    company = np.where(employed, choose(rng, companies.headcount, count), -1)
    small = (company >= 0) & (companies.size[company] >= 0)
    small &= companies.size[company] < SMALL_COMPANY_SIZES
    seniority_cdf = cumulative(np.array([SENIORITY_LARGE, SENIORITY_SMALL]))
    seniority = masked(
        rng, choose_by_row(rng, seniority_cdf, small.astype(np.int64)), SENIORITY_FILL
    )
    order = np.argsort(_cluster_key(company, seniority, companies), kind="stable")
    return company[order], seniority[order]


def _cluster_key(company: np.ndarray, seniority: np.ndarray, companies: Companies) -> np.ndarray:
    """Sorts like (company_industry, seniority) as strings, nulls last."""
    industry_rank = _alphabetical_ranks(INDUSTRIES)[companies.industry[company]]
    industry_rank = np.where(company >= 0, industry_rank, len(INDUSTRIES))
    seniority_rank = np.where(seniority >= 0, _alphabetical_ranks(SENIORITIES)[seniority], 15)
    return np.asarray(industry_rank * 16 + seniority_rank, dtype=np.int32)


def _alphabetical_ranks(values: tuple[str, ...]) -> np.ndarray:
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[sorted(range(len(values)), key=values.__getitem__)] = np.arange(len(values))
    return ranks


def _industry_ranges(company: np.ndarray, companies: Companies) -> np.ndarray:
    """Rows [start, stop) of each industry in cluster order (each industry is contiguous)."""
    industry = np.where(company >= 0, companies.industry[company], -1)
    ranks = _alphabetical_ranks(INDUSTRIES)
    key = np.where(industry >= 0, ranks[industry], len(INDUSTRIES))
    starts = np.searchsorted(key, ranks, side="left")
    stops = np.searchsorted(key, ranks, side="right")
    return np.stack([starts, stops], axis=1)


def _with_unique_emails(table: pa.Table) -> pa.Table:
    person_id = table.column("person_id")
    business = unique_emails(table.column("business_email"), person_id)
    personal = unique_emails(table.column("personal_email"), person_id)
    table = table.set_column(
        table.schema.get_field_index("business_email"), "business_email", business
    )
    table = table.set_column(
        table.schema.get_field_index("personal_email"), "personal_email", personal
    )
    return table.append_column("hashed_email", hashed_emails(business, personal, person_id))
