"""The two wire shapes of audience filters, flattened into one list of raw entries.

Dotted (`{"role.seniority": {"values": [...]}}`) and nested (`{"role": {"seniority": [...]}}`)
both become `RawFilter`s; each part keeps its own field path so errors point where the user wrote.
"""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

from engine.errors import Problem
from engine.filters import BY_KEY, FilterKind, FilterSpec

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
