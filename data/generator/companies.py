"""Companies: an industry, a unique name and domain, and a size and revenue range that agree.

People are assigned to companies afterwards, in proportion to each company's headcount.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.generator.industries import (
    GROUPS,
    INDUSTRY_GROUP,
    INDUSTRY_WEIGHTS,
    NAME_QUALIFIERS,
    NAME_ROOTS,
    NAME_STEMS,
    SIZE_HEADCOUNT,
    SIZE_SHARES,
)
from data.generator.sampling import choose, labels, masked

SIZE_FILL: Final = 0.92
REVENUE_FILL: Final = 0.85
DOMAIN_FILL: Final = 0.95
PLAIN_NAMES: Final = 0.8  # share of company names without a qualifier ("group", "inc")
TLDS: Final = ("com", "net", "co", "io")
TLD_WEIGHTS: Final = (0.85, 0.05, 0.05, 0.05)
SUFFIXES: Final = tuple(suffix for group in GROUPS for suffix in group.name_suffixes)
SUFFIX_START: Final = np.cumsum([0] + [len(group.name_suffixes) for group in GROUPS])


@dataclass(frozen=True)
class Companies:
    """Columns of the company table, one element per company."""

    industry: np.ndarray  # index into industries.INDUSTRIES
    size: np.ndarray  # index into engine.vocab.COMPANY_SIZES, -1 when unknown
    revenue: np.ndarray  # index into engine.vocab.REVENUE_RANGES, -1 when unknown
    headcount: np.ndarray  # relative number of the dataset's people working there
    name: pa.Array
    domain: pa.Array


def build_companies(rng: np.random.Generator, count: int) -> Companies:
    industry = choose(rng, INDUSTRY_WEIGHTS, count)
    size = choose(rng, SIZE_SHARES, count)
    revenue = np.clip(np.rint(size * 9 / 7 + rng.normal(0.3, 0.9, count)), 0, 9).astype(np.int64)
    headcount = np.asarray(SIZE_HEADCOUNT)[size] * rng.lognormal(0.0, 0.5, count)
    group = np.asarray(INDUSTRY_GROUP)[industry]
    name, domain = _names(rng, group)
    return Companies(
        industry=industry,
        size=masked(rng, size, SIZE_FILL),
        revenue=masked(rng, revenue, REVENUE_FILL),
        headcount=headcount,
        name=name,
        domain=pc.if_else(pa.array(rng.random(count) < DOMAIN_FILL), domain, None),
    )


def _names(rng: np.random.Generator, group: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Unique names ("northwave systems", "ironbridge capital group") and their domains."""
    code, qualifier = _unique_codes(rng, group)
    suffixes = SUFFIX_START[group + 1] - SUFFIX_START[group]
    repeat, code = np.divmod(code, len(NAME_ROOTS) * len(NAME_STEMS) * suffixes)
    code, suffix = np.divmod(code, suffixes)
    root, stem = np.divmod(code, len(NAME_STEMS))
    brand = pc.binary_join_element_wise(labels(NAME_ROOTS, root), labels(NAME_STEMS, stem), "")
    words = [
        brand,
        labels(SUFFIXES, SUFFIX_START[group] + suffix),
        labels(NAME_QUALIFIERS, qualifier - 1),
        pc.cast(pa.array(repeat + 1, mask=repeat == 0), pa.string()),
    ]
    name = pc.binary_join_element_wise(*words, " ", null_handling="skip")
    return name, _domains(rng, group, pc.binary_join_element_wise(*words, "", null_handling="skip"))


def _unique_codes(rng: np.random.Generator, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per company a (name code, qualifier) pair used once in its industry group.

    About PLAIN_NAMES of the names go without a qualifier; codes past the capacity of the word
    lists get a number ("northwave systems 2"), which keeps names unique at any scale.
    """
    codes = np.zeros(len(group), dtype=np.int64)
    qualifiers = np.zeros(len(group), dtype=np.int64)
    for index, spec in enumerate(GROUPS):
        members = np.flatnonzero(group == index)
        capacity = len(NAME_ROOTS) * len(NAME_STEMS) * len(spec.name_suffixes)
        plain = min(round(PLAIN_NAMES * len(members)), capacity)
        qualifiers[members[plain:]] = rng.integers(
            1, len(NAME_QUALIFIERS) + 1, len(members) - plain
        )
        for qualifier in range(len(NAME_QUALIFIERS) + 1):
            same = members[qualifiers[members] == qualifier]
            codes[same] = rng.permutation(max(len(same), capacity))[: len(same)]
    return codes, qualifiers


def _domains(rng: np.random.Generator, group: np.ndarray, stems: pa.Array) -> pa.Array:
    tld = np.asarray(TLDS, dtype=object)[choose(rng, TLD_WEIGHTS, len(group))]
    group_tld = np.asarray([spec.tld for spec in GROUPS], dtype=object)[group]
    tld = np.where(group_tld == "com", tld, group_tld)
    return pc.binary_join_element_wise(stems, pa.array(tld, pa.string()), ".")
