"""Checking and normalizing one raw filter into its typed form (values, boolean or job-title terms).

Values are trimmed and lower-cased, domains lose a leading `www.`, lists are sorted and distinct.
"""

from enum import StrEnum
from typing import TypeVar

from engine.config import BoolFilter, Filter, TextFilter, ValuesFilter
from engine.config_shapes import BOOL_KINDS, TEXT_KINDS, Part, RawFilter
from engine.errors import Problem
from engine.filters import FilterKind, FilterSpec, TextMode, TextOperator

E = TypeVar("E", bound=StrEnum)


def normalize_filter(raw: RawFilter, problems: list[Problem]) -> Filter | None:
    """The typed filter, or None after adding every problem of `raw` to `problems`."""
    if raw.spec.kind in BOOL_KINDS:
        return _bool_filter(raw, problems)
    if raw.spec.kind in TEXT_KINDS:
        return _text_filter(raw, problems)
    values = _values(raw.payload, raw.spec, problems)
    return None if values is None else ValuesFilter(raw.spec.key, values)


def normalize_value(spec: FilterSpec, value: str) -> str:
    """The form a value of `spec` is stored and compared in."""
    clean = value.strip().lower()
    while spec.kind is FilterKind.DOMAINS and clean.startswith("www."):
        clean = clean[4:].strip()  # repeated so that normalizing twice changes nothing
    return clean


def _bool_filter(raw: RawFilter, problems: list[Problem]) -> BoolFilter | None:
    if not isinstance(raw.payload.value, bool):
        problems.append(Problem(raw.payload.path, "must be true or false"))
        return None
    return BoolFilter(raw.spec.key, raw.payload.value)


def _text_filter(raw: RawFilter, problems: list[Problem]) -> TextFilter | None:
    values = _values(raw.payload, raw.spec, problems)
    operator = _choice(raw.options.get("operator"), TextOperator, TextOperator.CONTAINS, problems)
    mode = _choice(raw.options.get("mode"), TextMode, TextMode.ANY, problems)
    if values is None or operator is None or mode is None:
        return None
    return TextFilter(raw.spec.key, values, operator, mode)


def _choice(part: Part | None, choices: type[E], default: E, problems: list[Problem]) -> E | None:
    if part is None or part.value is None:
        return default
    for choice in choices:
        if part.value == choice.value:
            return choice
    problems.append(Problem(part.path, f"must be one of {', '.join(choices)}"))
    return None


def _values(part: Part, spec: FilterSpec, problems: list[Problem]) -> tuple[str, ...] | None:
    """Distinct sorted values of a non-empty string list; None when anything is wrong."""
    items = part.value
    if not isinstance(items, list | tuple) or not items:
        problems.append(Problem(part.path, "must be a non-empty list of strings"))
        return None
    before = len(problems)
    clean = [_value(item, f"{part.path}[{i}]", spec, problems) for i, item in enumerate(items)]
    return tuple(sorted({v for v in clean if v})) if len(problems) == before else None


def _value(item: object, path: str, spec: FilterSpec, problems: list[Problem]) -> str | None:
    if not isinstance(item, str):
        problems.append(Problem(path, "must be a string"))
        return None
    value = normalize_value(spec, item)
    problem = _value_problem(value, spec.vocabulary)
    if problem is not None:
        problems.append(Problem(path, problem))
        return None
    return value


def _value_problem(value: str, vocabulary: tuple[str, ...] | None) -> str | None:
    if not value:
        return "must not be blank"
    if vocabulary is not None and value not in vocabulary:
        return f"unknown value {value!r}; allowed: {', '.join(vocabulary)}"
    return None
