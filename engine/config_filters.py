"""Audience filters: the typed filter values, both wire shapes they are written in, and the
checks and normalization that turn one raw filter into its typed form.

Dotted (`{"role.seniority": {"values": [...]}}`) and nested (`{"role": {"seniority": [...]}}`)
both become `RawFilter`s; each part keeps its own field path so errors point where the user wrote.
Values are trimmed and lower-cased, domains lose a leading `www.`, lists are sorted and distinct.
"""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final, TypeVar

from engine.errors import Problem
from engine.filters import BY_KEY, MAX_FILTER_VALUES, FilterKind, FilterSpec, TextMode, TextOperator

E = TypeVar("E", bound=StrEnum)

BOOL_KINDS: Final = frozenset({FilterKind.DECISION_MAKER, FilterKind.PRESENCE})
TEXT_KINDS: Final = frozenset({FilterKind.TEXT_INCLUDE, FilterKind.TEXT_EXCLUDE})
GROUPS: Final = frozenset(spec.group for spec in BY_KEY.values())
# Nested jobTitle options: wire name -> (the filter they belong to, the option they set).
TITLE_OPTIONS: Final = {
    "includeMode": ("jobTitle.include", "mode"),
    "includeOperator": ("jobTitle.include", "operator"),
    "excludeMode": ("jobTitle.exclude", "mode"),
    "excludeOperator": ("jobTitle.exclude", "operator"),
}


@dataclass(frozen=True)
class ValuesFilter:
    """VALUES / DOMAINS: column equal to any of `values` (lower-cased, sorted, distinct)."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class BoolFilter:
    """DECISION_MAKER / PRESENCE."""

    key: str
    value: bool


@dataclass(frozen=True)
class TextFilter:
    """TEXT_INCLUDE / TEXT_EXCLUDE on job titles."""

    key: str
    values: tuple[str, ...]
    operator: TextOperator = TextOperator.CONTAINS
    mode: TextMode = TextMode.ANY


Filter = ValuesFilter | BoolFilter | TextFilter


def filter_object(f: Filter) -> dict[str, object]:
    """One filter in the canonical dotted shape: `{"values": [...]}`, `{"value": true}` or with
    options."""
    match f:
        case BoolFilter():
            return {"value": f.value}
        case TextFilter():
            return {"mode": f.mode.value, "operator": f.operator.value, "values": list(f.values)}
        case ValuesFilter():
            return {"values": list(f.values)}


@dataclass(frozen=True)
class Part:
    """A raw value and the field path it was found at."""

    value: object
    path: str


@dataclass(frozen=True)
class RawFilter:
    """One filter as written, before its values are checked: a value list or a boolean."""

    spec: FilterSpec
    path: str  # where the filter itself was written
    payload: Part
    options: Mapping[str, Part]  # "operator" and "mode" of job-title filters


def flatten_filters(raw: object, path: str, problems: list[Problem]) -> list[RawFilter]:
    """Every filter of a `filters` object in either shape, at most one per key."""
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, "must be an object of filters"))
        return []
    entries: list[RawFilter] = []
    for name, value in raw.items():
        at = f"{path}.{name}"
        if "." not in str(name):
            entries.extend(_nested(str(name), value, at, problems))
        elif entry := _dotted(str(name), value, at, problems):
            entries.append(entry)
    return _without_repeats(entries, problems)


def _dotted(key: str, value: object, path: str, problems: list[Problem]) -> RawFilter | None:
    spec = BY_KEY.get(key)
    if spec is None:
        problems.append(Problem(path, _unknown("filter key", key, BY_KEY)))
        return None
    return _unwrap(spec, value, path, problems)


def _nested(group: str, value: object, path: str, problems: list[Problem]) -> list[RawFilter]:
    if group not in GROUPS:
        problems.append(Problem(path, _unknown("filter group", group, GROUPS)))
        return []
    if not isinstance(value, Mapping):
        problems.append(Problem(path, "must be an object of filters"))
        return []
    entries: dict[str, RawFilter] = {}
    for name, item in value.items():
        key = f"{group}.{name}"
        if group == "jobTitle" and name in TITLE_OPTIONS:
            continue  # attached to their filter below
        entry = _dotted(key, item, f"{path}.{name}", problems)
        if entry is not None:
            entries[key] = entry
    if group == "jobTitle":
        _attach_title_options(value, path, entries, problems)
    return list(entries.values())


def _attach_title_options(
    group: Mapping[str, object], path: str, entries: dict[str, RawFilter], problems: list[Problem]
) -> None:
    """Fold `includeMode` and friends of the nested shape into their filter's options."""
    for name, (key, option) in TITLE_OPTIONS.items():
        if name not in group:
            continue
        part = Part(group[name], f"{path}.{name}")
        entry = entries.get(key)
        target = key.split(".", 1)[1]
        if target not in group:
            problems.append(Problem(part.path, f"needs {path}.{target}"))
        elif entry is None:
            continue  # the filter itself is invalid and already reported
        elif option in entry.options:
            problems.append(Problem(part.path, f"repeats {entry.options[option].path}"))
        else:
            entries[key] = replace(entry, options={**entry.options, option: part})


def _unwrap(
    spec: FilterSpec, value: object, path: str, problems: list[Problem]
) -> RawFilter | None:
    """Accept the bare form (`[...]`, `true`) or the object form (`{"values": ...}`)."""
    if not isinstance(value, Mapping):
        return RawFilter(spec, path, Part(value, path), {})
    payload = "value" if spec.kind in BOOL_KINDS else "values"
    options = ("operator", "mode") if spec.kind in TEXT_KINDS else ()
    allowed = ", ".join((payload, *options))
    for name in value:
        if name != payload and name not in options:
            problems.append(Problem(f"{path}.{name}", f"unknown field; allowed: {allowed}"))
    if payload not in value:
        problems.append(Problem(f"{path}.{payload}", "is required"))
        return None
    found = {name: Part(value[name], f"{path}.{name}") for name in options if name in value}
    return RawFilter(spec, path, Part(value[payload], f"{path}.{payload}"), found)


def _without_repeats(entries: list[RawFilter], problems: list[Problem]) -> list[RawFilter]:
    """A key given in both shapes at once is ambiguous: report it and keep the first."""
    seen: dict[str, RawFilter] = {}
    for entry in entries:
        if entry.spec.key in seen:
            problems.append(Problem(entry.path, "given in both the dotted and the nested shape"))
        else:
            seen[entry.spec.key] = entry
    return list(seen.values())


def _unknown(what: str, name: str, known: Mapping[str, object] | frozenset[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"unknown {what} {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


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
    if len(items) > MAX_FILTER_VALUES:
        problems.append(Problem(part.path, f"must have at most {MAX_FILTER_VALUES} values"))
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
    if "\x00" in value:
        return "must not contain NUL characters"
    if vocabulary is not None and value not in vocabulary:
        return f"unknown value {value!r}; allowed: {', '.join(vocabulary)}"
    return None
