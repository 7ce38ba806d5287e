"""The people table: roles, companies, places, names and contacts that agree with each other.

Person ids follow the (company_industry, seniority) clustering, so chunks come out in file order.
"""

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa

from data.contract import PEOPLE_SCHEMA
from data.generator.companies import Companies, build_companies
from data.generator.emails import EmailRegistry, hashed_emails
from data.generator.identity import Lookups, person_chunk
from data.generator.industries import INDUSTRIES
from data.generator.roles import SENIORITY_LARGE, SENIORITY_SMALL
from data.generator.sampling import choose_by_row, choose_sorted, cumulative, masked
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
) -> tuple[Population, Iterator[pa.Table]]:
    """Where each company industry sits, and `count` people in cluster order, chunk by chunk.

    Chunks are made as they are consumed, so only one is in memory at a time.
    """
    companies = build_companies(rng, math.ceil(count / PEOPLE_PER_COMPANY))
    company, seniority = _clustered_roles(rng, count, companies)
    population = Population(count, _industry_ranges(company, companies))
    return population, _chunks(rng, Lookups.build(companies), company, seniority, progress)


def _chunks(
    rng: np.random.Generator,
    lookups: Lookups,
    company: np.ndarray,
    seniority: np.ndarray,
    progress: Callable[[float], None],
) -> Iterator[pa.Table]:
    registry = EmailRegistry()
    for start in range(0, len(company), CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, len(company))
        chunk = person_chunk(rng, lookups, company[start:stop], seniority[start:stop], start)
        yield _with_unique_emails(chunk, registry).select(PEOPLE_SCHEMA.names)
        progress(stop / len(company))


def _clustered_roles(
    rng: np.random.Generator, count: int, companies: Companies
) -> tuple[np.ndarray, np.ndarray]:
    """Company (-1: none) and seniority (-1: unknown) per person, ordered by cluster key."""
    employed = rng.random(count) < COMPANY_FILL
    company = np.where(employed, choose_sorted(rng, companies.headcount, count), -1)
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
    return np.asarray(industry_rank * 16 + seniority_rank, dtype=np.int16)  # radix-sortable


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


def _with_unique_emails(chunk: pa.Table, registry: EmailRegistry) -> pa.Table:
    person_id = chunk.column("person_id").combine_chunks()
    emails = {
        name: registry.claim(chunk.column(name).combine_chunks(), person_id)
        for name in ("business_email", "personal_email")
    }
    for name, column in emails.items():
        chunk = chunk.set_column(chunk.schema.get_field_index(name), name, column)
    hashed = hashed_emails(emails["business_email"], emails["personal_email"], person_id)
    return chunk.append_column("hashed_email", hashed)
