"""The topic taxonomy: unique research topics drawn from the word families, with popularity.

Plain names ("CRM Software") come first and are the most popular; prefixed ones fill the tail.
"""

from dataclasses import dataclass
from functools import cache
from typing import Final, NamedTuple

import numpy as np
import pyarrow as pa

from data.errors import DatasetError
from data.generator.industries import INDUSTRIES
from data.generator.sampling import zipf_weights
from data.generator.taxonomy_words import FAMILIES

POPULARITY_EXPONENT: Final = 1.05
MAX_KEYWORDS: Final = 4
POPULARITY_OFFSET: Final = 50.0  # flattens the head: the top topic gets well under 1% of rows


class Candidate(NamedTuple):
    family: int
    prefix: str
    subject: str
    suffix: str
    name: str


@dataclass(frozen=True)
class Taxonomy:
    """The topics table in topic_id order, with what the intent generator needs per topic."""

    table: pa.Table
    popularity: np.ndarray  # share of a day's intent rows, per topic
    audience: np.ndarray  # index into INDUSTRIES of the industry researching it most, or -1


def build_taxonomy(rng: np.random.Generator, count: int) -> Taxonomy:
    """`count` distinct topics; the same generator state always gives the same taxonomy."""
    by_rank = _ranked(rng, count)
    popularity = zipf_weights(count, POPULARITY_EXPONENT, POPULARITY_OFFSET)
    order = sorted(range(count), key=lambda rank: _sort_key(by_rank[rank]))
    chosen = [by_rank[rank] for rank in order]
    return Taxonomy(_table(chosen), popularity[order], _audiences(rng, chosen))


def _ranked(rng: np.random.Generator, count: int) -> list[Candidate]:
    """`count` topics, most popular first: plain names, then prefixed ones."""
    if count < 1:
        raise DatasetError(f"topics: must be at least 1, got {count}")
    plain = plain_candidates()
    if count <= len(plain):
        return _pick(rng, plain, count)
    prefixed = prefixed_candidates()
    if count > len(plain) + len(prefixed):
        raise DatasetError(f"topics: at most {len(plain) + len(prefixed)}, got {count}")
    return _pick(rng, plain, len(plain)) + _pick(rng, prefixed, count - len(plain))


@cache
def plain_candidates() -> tuple[Candidate, ...]:
    """Every distinct topic without a prefix ("CRM Software"), in word-list order."""
    return _spell(with_prefix=False, taken=frozenset())


@cache
def prefixed_candidates() -> tuple[Candidate, ...]:
    """Every other distinct topic, with a prefix ("Healthcare CRM Software")."""
    return _spell(with_prefix=True, taken=frozenset(c.name for c in plain_candidates()))


def _spell(*, with_prefix: bool, taken: frozenset[str]) -> tuple[Candidate, ...]:
    seen: set[str] = set(taken)
    found: list[Candidate] = []
    for index, family in enumerate(FAMILIES):
        for prefix in family.prefixes if with_prefix else ("",):
            for subject in family.subjects:
                for suffix in family.suffixes:
                    name = " ".join(part for part in (prefix, subject, suffix) if part)
                    if _reads_well(prefix, subject, suffix) and name not in seen:
                        seen.add(name)
                        found.append(Candidate(index, prefix, subject, suffix, name))
    return tuple(found)


def _reads_well(prefix: str, subject: str, suffix: str) -> bool:
    """No word said twice ("Cloud Cloud Security", "Sales Training Training")."""
    first, second, third = _words(prefix), _words(subject), _words(suffix)
    return not (first & second or first & third or second & third)


@cache
def _words(phrase: str) -> frozenset[str]:
    return frozenset(phrase.lower().replace("-", " ").split())


def _pick(rng: np.random.Generator, pool: tuple[Candidate, ...], count: int) -> list[Candidate]:
    chosen = rng.choice(len(pool), size=count, replace=False)
    return [pool[index] for index in chosen]


def _sort_key(candidate: Candidate) -> tuple[str, str, str, str]:
    family = FAMILIES[candidate.family]
    return (family.type, family.industry, family.category, candidate.name)


def _table(chosen: list[Candidate]) -> pa.Table:
    families = [FAMILIES[candidate.family] for candidate in chosen]
    return pa.table(
        {
            "topic_id": pa.array(range(1, len(chosen) + 1), pa.int32()),
            "name": [candidate.name for candidate in chosen],
            "type": [family.type for family in families],
            "industry": [family.industry for family in families],
            "category": [family.category for family in families],
            "keywords": [_keywords(candidate) for candidate in chosen],
        }
    )


def _keywords(candidate: Candidate) -> list[str]:
    """Two to four lower-case search keywords, from the name's words and its place in the tree."""
    family = FAMILIES[candidate.family]
    words = (
        candidate.subject,
        candidate.suffix,
        candidate.prefix,
        family.category,
        family.industry,
    )
    return list(dict.fromkeys(word.lower() for word in words if word))[:MAX_KEYWORDS]


def _audiences(rng: np.random.Generator, chosen: list[Candidate]) -> np.ndarray:
    audience = np.full(len(chosen), -1, dtype=np.int64)
    picks = rng.random(len(chosen))
    for position, candidate in enumerate(chosen):
        industries = FAMILIES[candidate.family].audience
        if industries:
            pick = industries[int(picks[position] * len(industries))]
            audience[position] = INDUSTRIES.index(pick)
    return audience
