"""Vectorized random building blocks: weighted choices, Zipf popularity, intent scores, labels.

Every function takes the numpy Generator it draws from, so one seed fixes every value.
"""

from collections.abc import Sequence
from functools import cache
from typing import Final

import numpy as np
import pyarrow as pa

Ints = np.ndarray  # numpy integer array; numpy's generic types add nothing here

SCORE_SHAPE: Final = (1.8, 2.6)  # Beta shape of everyday research intensity
SURGE_SHAPE: Final = (5.0, 1.5)  # Beta shape of the few surging (person, topic) pairs
SURGE_SHARE: Final = 0.05
SCORE_TABLE_SIZE: Final = 1 << 16
DRIFT_SD: Final = 5.0  # day-to-day wobble of a kept score, in percentile points


def normalized(weights: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(weights, dtype=np.float64)
    return np.asarray(array / array.sum())


def cumulative(weights: np.ndarray) -> np.ndarray:
    """Row-wise cumulative distribution of a [rows, choices] weight matrix, last column 1."""
    totals = np.cumsum(weights, axis=-1)
    return np.asarray(totals / totals[..., -1:])


def choose(rng: np.random.Generator, weights: Sequence[float] | np.ndarray, size: int) -> Ints:
    """`size` indexes drawn with the given (unnormalized) weights."""
    return rng.choice(len(weights), size=size, p=normalized(weights))


def choose_sorted(
    rng: np.random.Generator, weights: Sequence[float] | np.ndarray, size: int
) -> Ints:
    """Like `choose`, but returned in ascending order, for callers that reorder the draws anyway.

    Searching sorted draws is many times faster when there are many weights.
    """
    return np.searchsorted(cumulative(np.asarray(weights)), np.sort(rng.random(size)), side="right")


def choose_by_row(rng: np.random.Generator, cdf: np.ndarray, rows: Ints) -> Ints:
    """One draw per element of `rows`, from the distribution in that row of `cdf`.

    Row r of `cdf` shifted by r is increasing across rows, so one binary search serves them all.
    """
    rows = np.asarray(rows, dtype=np.int64)
    shifted = (cdf + np.arange(len(cdf))[:, None]).ravel()
    found = np.searchsorted(shifted, rng.random(len(rows)) + rows, side="right")
    return np.asarray(np.minimum(found - rows * cdf.shape[1], cdf.shape[1] - 1))


def zipf_weights(count: int, exponent: float, offset: float) -> np.ndarray:
    """Zipf-Mandelbrot popularity of ranks 1..count: (rank + offset) ** -exponent, normalized."""
    return normalized((np.arange(1, count + 1) + offset) ** -exponent)


def scores(rng: np.random.Generator, size: int) -> Ints:
    """Fresh intent percentiles 0-99: most below 70, a thin tail of surges up to 99."""
    return _score_table()[rng.integers(0, SCORE_TABLE_SIZE, size)]


@cache
def _score_table() -> np.ndarray:
    """Score at each of SCORE_TABLE_SIZE equal steps of probability: a draw is one lookup."""
    steps = (np.arange(SCORE_TABLE_SIZE) + 0.5) / SCORE_TABLE_SIZE
    return np.minimum(np.searchsorted(score_cdf(), steps, side="right"), 99).astype(np.int8)


@cache
def score_cdf() -> np.ndarray:
    """Cumulative probability of scores 0-99 under the everyday and surge Beta mixture.

    Integrated numerically once (64 points per score), so drawing a score is one binary search.
    """
    grid = (np.arange(100 * 64) + 0.5) / (100 * 64)
    everyday, surge = _beta_density(grid, SCORE_SHAPE), _beta_density(grid, SURGE_SHAPE)
    density = (1 - SURGE_SHARE) * everyday + SURGE_SHARE * surge
    return cumulative(density.reshape(100, 64).sum(axis=1))


def _beta_density(grid: np.ndarray, shape: tuple[float, float]) -> np.ndarray:
    density = grid ** (shape[0] - 1) * (1 - grid) ** (shape[1] - 1)
    return np.asarray(density / density.sum())


def drift(rng: np.random.Generator, previous: Ints) -> Ints:
    """Yesterday's scores moved a few points, still inside 0-99 (float32 noise: big days)."""
    noise = rng.standard_normal(len(previous), dtype=np.float32)
    noise *= DRIFT_SD
    moved = np.rint(noise, out=noise).astype(np.int16) + previous
    return np.asarray(np.clip(moved, 0, 99), dtype=np.int8)


def labels(values: Sequence[str], codes: Ints) -> pa.Array:
    """`values[code]` per code as an Arrow string array; negative codes become nulls."""
    indexes = pa.array(np.maximum(codes, 0), mask=np.asarray(codes) < 0)
    return pa.array(values, pa.string()).take(indexes)


def masked(rng: np.random.Generator, codes: Ints, fill_rate: float) -> Ints:
    """`codes` with about (1 - fill_rate) of them blanked to -1."""
    return np.where(rng.random(len(codes)) < fill_rate, codes, -1)
