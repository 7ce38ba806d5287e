"""The normalized audience config: the one typed value every layer passes around.

Parsing both wire shapes, validation, canonical JSON and `configHash` live in `engine.config_parse`.
"""

from dataclasses import dataclass

from engine.filters import BY_KEY, FilterKind, FilterSpec, TextMode, TextOperator


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


def spec_of(f: Filter) -> FilterSpec:
    return BY_KEY[f.key]


def kind_of(f: Filter) -> FilterKind:
    return BY_KEY[f.key].kind


@dataclass(frozen=True)
class AudienceConfig:
    """A valid, normalized config. Build it with `engine.config_parse.parse_config`."""

    topic_ids: tuple[int, ...]  # sorted, distinct, 1-250
    min_score: int  # 50-99 (null and lower values clamp up to 50)
    max_score: int  # 50-99, >= min_score
    min_topic_overlap: int  # 1..len(topic_ids)
    filters: tuple[Filter, ...] = ()  # sorted by key, at most one per key
    source_url: str | None = None
