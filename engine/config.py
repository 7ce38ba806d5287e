"""The audience config: the one typed value every layer passes around, parsed from its wire form
(both filter shapes, every rule, every problem), its canonical JSON and `configHash`.

Canonical JSON is the dotted filter shape with sorted keys and no spaces; it is what runs store.
"""

import hashlib
import json
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Final, TypeGuard

from engine.catalog_view import filter_type
from engine.config_filters import (
    Filter,
    ValuesFilter,
    filter_object,
    flatten_filters,
    normalize_filter,
)
from engine.errors import ConfigError, Problem
from engine.filters import BY_KEY, MAX_TOPICS, FilterKind

FIELDS: Final = ("topicIds", "minScore", "maxScore", "minTopicOverlap", "filters", "sourceUrl")
MAX_TOPIC_ID: Final = 2**31 - 1  # topic_id is int32 in the dataset
SCORE_FLOOR: Final = 50  # lower scores are noise: minScore clamps up to it
MAX_SCORE: Final = 99
MAX_SOURCE_URL: Final = 2048


@dataclass(frozen=True)
class AudienceConfig:
    """A valid, normalized config. Build it with `parse_config`."""

    topic_ids: tuple[int, ...]  # sorted, distinct, 1-250
    min_score: int  # 50-99 (null and lower values clamp up to 50)
    max_score: int  # 50-99, >= min_score
    min_topic_overlap: int  # 1..len(topic_ids)
    filters: tuple[Filter, ...] = ()  # sorted by key, at most one per key
    source_url: str | None = None


def parse_config(
    raw: Mapping[str, object],
    *,
    known_topic_ids: Container[int] | None = None,
    field_prefix: str = "config",
) -> AudienceConfig:
    """The normalized config, or ConfigError naming every field at fault under `field_prefix`."""
    if not isinstance(raw, Mapping):
        raise ConfigError([Problem(field_prefix, "must be an object")])
    problems = [Problem(f"{field_prefix}.{name}", "unknown field") for name in _unknown(raw)]
    topics = _topic_ids(raw.get("topicIds"), f"{field_prefix}.topicIds", known_topic_ids, problems)
    scores = _scores(raw, field_prefix, problems)
    overlap = _overlap(
        raw.get("minTopicOverlap"), f"{field_prefix}.minTopicOverlap", topics, problems
    )
    filters = _filters(raw.get("filters"), f"{field_prefix}.filters", problems)
    source_url = _source_url(raw.get("sourceUrl"), f"{field_prefix}.sourceUrl", problems)
    if problems or topics is None or scores is None or overlap is None:
        raise ConfigError(problems)
    return AudienceConfig(topics, scores[0], scores[1], overlap, filters, source_url)


def _unknown(raw: Mapping[str, object]) -> list[str]:
    return [str(name) for name in raw if name not in FIELDS]


def _topic_ids(
    raw: object, path: str, known: Container[int] | None, problems: list[Problem]
) -> tuple[int, ...] | None:
    """Sorted distinct topic ids; duplicates are merged rather than refused."""
    if not isinstance(raw, list | tuple) or not raw:
        problems.append(Problem(path, _missing_topics(raw)))
        return None
    found = [(i, _topic_problem(item, known)) for i, item in enumerate(raw)]
    wrong = [Problem(f"{path}[{i}]", problem) for i, problem in found if problem is not None]
    problems.extend(wrong)
    distinct = tuple(sorted({int(item) for item in raw if _is_int(item, 0, MAX_TOPIC_ID)}))
    if len(distinct) > MAX_TOPICS:
        problems.append(Problem(path, f"must name at most {MAX_TOPICS} distinct topics"))
        return None
    return None if wrong else distinct


def _missing_topics(raw: object) -> str:
    if raw is None:
        return "is required"
    if isinstance(raw, list | tuple):
        return f"must name 1 to {MAX_TOPICS} topics"
    return "must be a list of topic ids"


def _topic_problem(item: object, known: Container[int] | None) -> str | None:
    if not _is_int(item, 0, MAX_TOPIC_ID):
        return f"must be a topic id (an integer from 0 to {MAX_TOPIC_ID})"
    if known is not None and item not in known:
        return f"unknown topic id {item}"
    return None


def _scores(
    raw: Mapping[str, object], prefix: str, problems: list[Problem]
) -> tuple[int, int] | None:
    """(minScore, maxScore): null minScore means the floor, and lower ones clamp up to it."""
    low = _int_field(raw.get("minScore"), f"{prefix}.minScore", (0, MAX_SCORE), problems, 0)
    high = _int_field(
        raw.get("maxScore"), f"{prefix}.maxScore", (SCORE_FLOOR, MAX_SCORE), problems, MAX_SCORE
    )
    if low is None or high is None:
        return None
    low = max(low, SCORE_FLOOR)
    if low > high:
        problems.append(Problem(f"{prefix}.minScore", f"must not be above maxScore ({high})"))
        return None
    return low, high


def _overlap(
    raw: object, path: str, topics: tuple[int, ...] | None, problems: list[Problem]
) -> int | None:
    overlap = _int_field(raw, path, (1, MAX_TOPICS), problems, 1)
    if overlap is None:
        return None
    if topics is not None and overlap > len(topics):
        problems.append(Problem(path, f"must not be above the number of topics ({len(topics)})"))
        return None
    return overlap


def _int_field(
    raw: object, path: str, bounds: tuple[int, int], problems: list[Problem], default: int
) -> int | None:
    """An optional integer within `bounds`: `default` when absent or null, None when invalid."""
    if raw is None:
        return default
    if not _is_int(raw, *bounds):
        problems.append(Problem(path, f"must be an integer from {bounds[0]} to {bounds[1]}"))
        return None
    return int(raw)


def _is_int(value: object, low: int, high: int) -> TypeGuard[int | float]:
    """An integer within bounds; like JSON Schema's `integer`, `70.0` is one (`true` is not,
    although bool is an int subclass)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return (isinstance(value, int) or value.is_integer()) and low <= value <= high


def _filters(raw: object, path: str, problems: list[Problem]) -> tuple[Filter, ...]:
    if raw is None:
        return ()
    parsed = (normalize_filter(entry, problems) for entry in flatten_filters(raw, path, problems))
    return tuple(sorted((f for f in parsed if f is not None), key=lambda f: f.key))


def _source_url(raw: object, path: str, problems: list[Problem]) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str) and "\x00" in raw:
        problems.append(Problem(path, "must not contain NUL characters"))
        return None
    if isinstance(raw, str) and len(raw) <= MAX_SOURCE_URL:
        return raw
    problems.append(Problem(path, f"must be a string of at most {MAX_SOURCE_URL} characters"))
    return None


def to_canonical(config: AudienceConfig) -> dict[str, object]:
    """The normalized JSON object; `sourceUrl` appears only when set."""
    obj: dict[str, object] = {
        "filters": {f.key: filter_object(f) for f in config.filters},
        "maxScore": config.max_score,
        "minScore": config.min_score,
        "minTopicOverlap": config.min_topic_overlap,
        "topicIds": list(config.topic_ids),
    }
    if config.source_url is not None:
        obj["sourceUrl"] = config.source_url
    return obj


def canonical_json(config: AudienceConfig) -> str:
    return json.dumps(
        to_canonical(config), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def config_hash(config: AudienceConfig) -> str:
    """SHA-256 hex of the canonical JSON: equal configs, however written, hash equal."""
    return hashlib.sha256(canonical_json(config).encode("utf-8")).hexdigest()


def config_from_canonical(obj: Mapping[str, object]) -> AudienceConfig:
    """The config a stored canonical object stands for, re-validated so a corrupt row fails."""
    return parse_config(obj)


def applied_filters(config: AudienceConfig) -> list[dict[str, object]]:
    """The filters as API responses list them: key, label, type and the filter object."""
    return [
        {"key": f.key, "label": BY_KEY[f.key].label, "type": filter_type(f.key), **filter_object(f)}
        for f in config.filters
    ]


def open_value_warnings(
    config: AudienceConfig,
    known_values: Mapping[str, Container[str]],
    *,
    field_prefix: str = "config",
) -> list[Problem]:
    """One warning per open-vocabulary value absent from `known_values[column]`; columns not given
    are skipped. Such a value is allowed (the data may grow into it) but usually a typo."""
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
