"""Figures as the report states them: a median with its range, and growth exponents."""

import math
import statistics
from collections.abc import Sequence
from typing import Any


def spread(values: Sequence[float]) -> dict[str, float]:
    """The median, lowest and highest of repeated measurements."""
    return {
        "median": statistics.median(values),
        "low": min(values),
        "high": max(values),
        "n": len(values),
    }


def fmt(figure: dict[str, Any] | None, digits: int = 2) -> str:
    """`median (low-high)`, or the median alone for one measurement; '-' when absent."""
    if not figure:
        return "-"
    median = f"{figure['median']:.{digits}f}"
    if figure["n"] < 2:
        return median
    return f"{median} ({figure['low']:.{digits}f}-{figure['high']:.{digits}f})"


def growth_exponent(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The least-squares slope of log(y) on log(x): y grows as x to this power.

    None with fewer than two distinct x or a non-positive value.
    """
    points = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len({x for x, _ in points}) < 2:
        return None
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    den = sum((x - mean_x) ** 2 for x, _ in points)
    return num / den
