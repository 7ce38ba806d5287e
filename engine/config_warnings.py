"""Warnings for open-vocabulary filter values that the current people data does not contain.

Such a value is allowed (the data may grow into it) but usually a typo, so validation mentions it.
"""

from collections.abc import Container, Mapping

from engine.config import AudienceConfig, ValuesFilter
from engine.errors import Problem
from engine.filters import BY_KEY, FilterKind


def open_value_warnings(
    config: AudienceConfig,
    known_values: Mapping[str, Container[str]],
    *,
    field_prefix: str = "config",
) -> list[Problem]:
    """One warning per value absent from `known_values[column]`; columns not given are skipped."""
    warnings: list[Problem] = []
    for f in config.filters:
        spec = BY_KEY[f.key]
        known = known_values.get(spec.column)
        if not isinstance(f, ValuesFilter) or spec.vocabulary is not None or known is None:
            continue
        domains = spec.kind is FilterKind.DOMAINS
        for value in f.values:
            if value not in known and not (domains and f"www.{value}" in known):
                warnings.append(_absent(f"{field_prefix}.filters.{f.key}", value))
    return warnings


def _absent(field: str, value: str) -> Problem:
    return Problem(field, f"no one in the current data has {value!r}")
