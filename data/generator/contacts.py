"""Contact columns: emails that look real, E.164 phones, LinkedIn URLs and headlines.

Addresses can repeat here (two John Smiths at gmail); data.generator.emails makes them unique.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.generator.places import Geography
from data.generator.sampling import choose, choose_by_row, labels

BUSINESS_EMAIL_FILL: Final = 0.77  # of people whose company has a domain: ~60% overall
PERSONAL_EMAIL_FILL: Final = 0.5
PHONE_FILL: Final = 0.3
LINKEDIN_FILL: Final = 0.55
HEADLINE_FILL: Final = 0.9  # of people with a job title
BUSINESS_FORMATS: Final = (0.45, 0.15, 0.25, 0.05, 0.10)  # first.last, first, flast, firstl, f_l
PERSONAL_FORMATS: Final = (0.3, 0.15, 0.25, 0.15, 0.1, 0.05)
LINKEDIN_PREFIX: Final = "https://www.linkedin.com/in/"


@dataclass(frozen=True)
class Person:
    """What contact details are made of, one element per person of a chunk."""

    first: pa.Array  # ASCII lower-case first name, never null
    last: pa.Array  # ASCII lower-case last name, never null
    country: np.ndarray  # index into Geography.countries, never -1
    company_domain: pa.Array  # nullable
    company_name: pa.Array  # nullable
    job_title: pa.Array  # nullable


def contact_columns(
    rng: np.random.Generator, geo: Geography, person: Person
) -> dict[str, pa.Array]:
    size = len(person.country)
    return {
        "business_email": _present(rng, _business_email(rng, person), BUSINESS_EMAIL_FILL),
        "personal_email": _present(rng, _personal_email(rng, geo, person), PERSONAL_EMAIL_FILL),
        "phone": _present(rng, _phone(rng, geo, person.country), PHONE_FILL),
        "linkedin_url": _present(rng, _linkedin(rng, person, size), LINKEDIN_FILL),
        "headline": _present(rng, _headline(person), HEADLINE_FILL),
    }


def _business_email(rng: np.random.Generator, person: Person) -> pa.Array:
    first, last = person.first, person.last
    locals_ = (
        pc.binary_join_element_wise(first, last, "."),
        first,
        pc.binary_join_element_wise(_initial(first), last, ""),
        pc.binary_join_element_wise(first, _initial(last), ""),
        pc.binary_join_element_wise(first, last, "_"),
    )
    pick = choose(rng, BUSINESS_FORMATS, len(first)).astype(np.int8)
    return pc.binary_join_element_wise(pc.choose(pick, *locals_), person.company_domain, "@")


def _personal_email(rng: np.random.Generator, geo: Geography, person: Person) -> pa.Array:
    first, last, size = person.first, person.last, len(person.first)
    number = pc.cast(pa.array(rng.integers(1, 100, size)), pa.string())
    year = pc.cast(pa.array(rng.integers(1960, 2006, size)), pa.string())
    locals_ = (
        pc.binary_join_element_wise(first, last, "."),
        pc.binary_join_element_wise(first, last, ""),
        pc.binary_join_element_wise(first, ".", last, number, ""),
        pc.binary_join_element_wise(_initial(first), last, number, ""),
        pc.binary_join_element_wise(first, "_", last, number, ""),
        pc.binary_join_element_wise(first, year, ""),
    )
    pick = choose(rng, PERSONAL_FORMATS, size).astype(np.int8)
    domain = labels(geo.webmail, choose_by_row(rng, geo.webmail_cdf, person.country))
    return pc.binary_join_element_wise(pc.choose(pick, *locals_), domain, "@")


def _phone(rng: np.random.Generator, geo: Geography, country: np.ndarray) -> pa.Array:
    """E.164: "+", the calling code, then a national mobile number of the country's length."""
    low, high = geo.national[country, 0], geo.national[country, 1]
    national = pc.cast(pa.array(rng.integers(low, high + 1)), pa.string())
    return pc.binary_join_element_wise(labels(geo.calling_code, country), national, "")


def _linkedin(rng: np.random.Generator, person: Person, size: int) -> pa.Array:
    handle = pc.cast(pa.array(rng.integers(100_000, 100_000_000, size)), pa.string())
    slug = pc.binary_join_element_wise(person.first, person.last, handle, "-")
    return pc.binary_join_element_wise(LINKEDIN_PREFIX, slug, "")


def _headline(person: Person) -> pa.Array:
    """ "VP of Sales at Northwave Systems", or the bare title when the company is unknown."""
    company = pc.utf8_title(person.company_name)
    return pc.coalesce(
        pc.binary_join_element_wise(person.job_title, company, " at "), person.job_title
    )


def _initial(names: pa.Array) -> pa.Array:
    return pc.utf8_slice_codeunits(names, 0, 1)


def _present(rng: np.random.Generator, values: pa.Array, fill_rate: float) -> pa.Array:
    """`values` with about (1 - fill_rate) of them (and every null) left null."""
    return pc.if_else(pa.array(rng.random(len(values)) < fill_rate), values, None)
