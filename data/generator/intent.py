"""Daily intent rows: who researched which topic how strongly, with day-to-day churn.

Each day keeps about KEEP_SHARE of yesterday's (person, topic) pairs with drifted scores and adds
new pairs drawn by topic popularity, the topic's interest that day and person activity; all of it
as packed int64 keys.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa

from data.generator.people import Population
from data.generator.sampling import drift, scores
from data.generator.taxonomy import Taxonomy

ROWS_PER_PERSON: Final = 10.0  # expected topics per person per day
KEEP_SHARE: Final = 0.8  # share of yesterday's pairs still there today
AFFINITY_SHARE: Final = 0.4  # share of a b2b topic's new researchers from its audience industry
ACTIVITY_SPREAD: Final = 0.8  # lognormal sigma of how much research one person does
BLOCK_DRAWS: Final = 1 << 22  # new pairs are drawn in blocks of whole topics of about this size
DRAW_ROUNDS: Final = 4  # rounds of redrawing pairs that collapsed into one
# A topic's interest wanders from day to day (a mean-reverting walk of its log factor), so
# audiences rise and fall and some topics move much more than others.
INTEREST_STEP: Final = 0.6  # standard deviation of one day's change of the log factor
INTEREST_PULL: Final = 0.3  # share of the way back to the usual interest walked each day

# A state key packs one row, sorted by (topic, person): topic << 39 | person << 7 | score.
# An output key sorts in contract order: topic << 39 | (99 - score) << 32 | person.
TOPIC_SHIFT: Final = 39
PERSON_SHIFT: Final = 7
SCORE_MASK: Final = (1 << PERSON_SHIFT) - 1
PERSON_MASK: Final = (1 << 32) - 1


@dataclass(frozen=True)
class Day:
    """One date's rows as sorted state keys (at most one per topic and person)."""

    keys: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.keys)

    def table(self) -> pa.Table:
        """The rows in contract order and schema types (topic id = index + 1, same for persons).

        Built with in-place operations on two scratch arrays: a big day fits in a few times its
        own size.
        """
        ordered = self._output_keys()
        scratch = np.right_shift(ordered, 32)
        scratch &= SCORE_MASK
        np.subtract(99, scratch, out=scratch)
        score = scratch.astype(np.int8)
        np.right_shift(ordered, TOPIC_SHIFT, out=scratch)
        scratch += 1
        topic_id = scratch.astype(np.int32)
        del scratch
        ordered &= PERSON_MASK
        ordered += 1
        return pa.table(
            {
                "person_id": pa.array(ordered),
                "topic_id": pa.array(topic_id),
                "score": pa.array(score),
            }
        )

    def _output_keys(self) -> np.ndarray:
        """Sorted keys in contract order: topic << 39 | (99 - score) << 32 | person."""
        ordered = self.keys >> TOPIC_SHIFT
        ordered <<= TOPIC_SHIFT
        scratch = self.keys & SCORE_MASK
        np.subtract(99, scratch, out=scratch)
        scratch <<= 32
        ordered |= scratch
        np.right_shift(self.keys, PERSON_SHIFT, out=scratch)
        scratch &= PERSON_MASK
        ordered |= scratch
        del scratch
        ordered.sort()
        return ordered


class PersonSampler:
    """Draws people weighted by how active they are, some within a topic's audience industry."""

    def __init__(self, rng: np.random.Generator, population: Population) -> None:
        activity = rng.lognormal(0.0, ACTIVITY_SPREAD, population.count)
        self._cdf = np.cumsum(activity) / activity.sum()
        start, stop = population.industry_range[:, 0], population.industry_range[:, 1]
        self._low = np.where(start > 0, self._cdf[np.maximum(start - 1, 0)], 0.0)
        self._high = np.where(stop > start, self._cdf[np.maximum(stop - 1, 0)], self._low)

    @property
    def count(self) -> int:
        return len(self._cdf)

    def draw(self, rng: np.random.Generator, topic: np.ndarray, audience: np.ndarray) -> np.ndarray:
        """Distinct (topic, person) pair keys, sorted, from one draw per element of `topic`.

        `audience` is the industry index per topic, -1 for anyone.
        """
        person = self._people_at(self._positions(rng, audience[topic]))
        return _sorted_unique((topic << TOPIC_SHIFT) | (person << PERSON_SHIFT))

    def _positions(self, rng: np.random.Generator, industry: np.ndarray) -> np.ndarray:
        """Positions on the cumulative activity line; some inside the industry's own stretch."""
        low, high = self._low[np.maximum(industry, 0)], self._high[np.maximum(industry, 0)]
        affine = (industry >= 0) & (high > low) & (rng.random(len(industry)) < AFFINITY_SHARE)
        position = rng.random(len(industry))
        return np.where(affine, low + position * (high - low), position)

    def _people_at(self, position: np.ndarray) -> np.ndarray:
        """The person whose stretch of the activity line holds each position.

        The binary search runs over sorted positions (several times faster than scattered ones);
        position and draw index are packed into one int64 so a plain sort orders both.
        """
        index_bits = max((len(position) - 1).bit_length(), 1)
        resolution = float(1 << (62 - index_bits))
        key = (position * resolution).astype(np.int64)
        key <<= index_bits
        key |= np.arange(len(position))
        key.sort()
        found = np.searchsorted(self._cdf, (key >> index_bits) / resolution, side="right")
        person = np.empty(len(position), dtype=np.int64)
        person[key & ((1 << index_bits) - 1)] = np.minimum(found, self.count - 1)
        return person


def next_interest(rng: np.random.Generator, previous: np.ndarray | None, count: int) -> np.ndarray:
    """Each topic's log interest factor for the next day (all 0 on the first day)."""
    if previous is None:
        return np.zeros(count)
    return previous * (1.0 - INTEREST_PULL) + rng.normal(0.0, INTEREST_STEP, count)


def next_day(
    rng: np.random.Generator,
    sampler: PersonSampler,
    taxonomy: Taxonomy,
    previous: Day | None,
    progress: Callable[[float], None],
    interest: np.ndarray | None = None,
) -> Day:
    """The day after `previous`, or the first day when it is None; `interest` is each topic's
    log interest factor that day (see `next_interest`)."""
    new_share = 1.0 if previous is None else 1.0 - KEEP_SHARE
    weight = taxonomy.popularity if interest is None else taxonomy.popularity * np.exp(interest)
    counts = rng.poisson(ROWS_PER_PERSON * sampler.count * weight * new_share)
    yesterday = np.zeros(0, dtype=np.int64) if previous is None else previous.keys
    today = np.concatenate(
        [_kept(rng, yesterday), *_new(rng, sampler, taxonomy.audience, counts, yesterday, progress)]
    )
    today.sort()
    return Day(today)


def _kept(rng: np.random.Generator, yesterday: np.ndarray) -> np.ndarray:
    """About KEEP_SHARE of yesterday's rows, their scores drifted; still sorted."""
    kept = yesterday[rng.random(len(yesterday), dtype=np.float32) < KEEP_SHARE]
    score = (kept & SCORE_MASK).astype(np.int8)
    kept &= ~SCORE_MASK
    kept |= drift(rng, score)
    return kept


def _new(
    rng: np.random.Generator,
    sampler: PersonSampler,
    audience: np.ndarray,
    counts: np.ndarray,
    yesterday: np.ndarray,
    progress: Callable[[float], None],
) -> Iterator[np.ndarray]:
    """New rows, block by block: distinct pairs that were not there yesterday, fresh scores."""
    for start, stop in _blocks(counts):
        pairs = _new_pairs(rng, sampler, audience, counts, start, stop, yesterday)
        yield pairs | scores(rng, len(pairs)).astype(np.int64)
        progress(stop / len(counts))


def _new_pairs(
    rng: np.random.Generator,
    sampler: PersonSampler,
    audience: np.ndarray,
    counts: np.ndarray,
    start: int,
    stop: int,
    yesterday: np.ndarray,
) -> np.ndarray:
    """Sorted distinct (topic, person) keys for topics [start, stop), none of them yesterday's.

    Repeated draws collapse, so the missing ones are drawn again for a few rounds; a topic whose
    audience is smaller than its count simply ends up short.
    """
    pairs = np.zeros(0, dtype=np.int64)
    missing = counts[start:stop]
    for _ in range(DRAW_ROUNDS):
        topic = np.repeat(np.arange(start, stop, dtype=np.int64), missing)
        drawn = sampler.draw(rng, topic, audience)
        drawn = drawn[~(_contains(yesterday, drawn) | _contains(pairs, drawn))]
        pairs = np.sort(np.concatenate([pairs, drawn]))
        missing = missing - np.bincount((drawn >> TOPIC_SHIFT) - start, minlength=stop - start)
        if not missing.any():
            break
    return pairs


def _blocks(counts: np.ndarray) -> Iterator[tuple[int, int]]:
    """Consecutive topic ranges [start, stop) with about BLOCK_DRAWS draws each."""
    ends = np.searchsorted(np.cumsum(counts), np.arange(BLOCK_DRAWS, counts.sum(), BLOCK_DRAWS))
    edges = np.unique(np.concatenate([[0], ends + 1, [len(counts)]]).clip(0, len(counts)))
    yield from zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True)


def _contains(sorted_keys: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Per (topic, person) key of `pairs`, whether `sorted_keys` has a row for it (any score)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(pairs), dtype=bool)
    found = np.minimum(np.searchsorted(sorted_keys, pairs), len(sorted_keys) - 1)
    return np.asarray(sorted_keys[found] & ~SCORE_MASK == pairs)


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    """`keys` sorted without repeats (np.unique hashes, which is far slower for big arrays)."""
    keys = np.sort(keys)
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return keys[first]
