"""Topic discovery on the wire: topic objects, facets, trend and compare series, movers, analyze.

Field names and types are Orbit's; every figure is an integer but `avgScore`, `pctChange` and
`similarity`.
"""

from typing import Annotated, Final

import msgspec

from api.wire.common import Meta
from data.topic_index import DayFigures, FacetCount, Mover, Topic

TopicIds = Annotated[list[int], msgspec.Meta(min_length=1, max_length=10)]


class TopicOut(msgspec.Struct, rename="camel"):
    topic_id: int
    topic_name: str
    type: str
    industry: str
    category: str


class PageMeta(msgspec.Struct, rename="camel"):
    timestamp: str
    request_id: str = msgspec.field(name="request_id")
    total: int = 0
    page: int = 1
    page_size: int = 50
    has_more: bool = False


class TopicPage(msgspec.Struct):
    data: list[TopicOut]
    meta: PageMeta


class TopicList(msgspec.Struct):
    data: list[TopicOut]
    meta: Meta


class FacetValue(msgspec.Struct):
    value: str
    count: int


class Facets(msgspec.Struct):
    types: list[FacetValue]
    industries: list[FacetValue]
    categories: list[FacetValue]


class FacetsEnvelope(msgspec.Struct):
    data: Facets
    meta: Meta


class TrendPoint(msgspec.Struct, rename="camel"):
    date: str
    topic_name: str
    type: str
    industry: str
    category: str
    unique_audience: int
    total_signals: int
    avg_score: float
    high_audience: int
    medium_audience: int
    low_audience: int


class TrendEnvelope(msgspec.Struct):
    data: list[TrendPoint]
    meta: Meta


class CompareInput(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    topic_ids: TopicIds


class ComparePoint(msgspec.Struct, rename="camel"):
    date: str
    unique_audience: int
    total_signals: int
    avg_score: float
    high_audience: int
    medium_audience: int
    low_audience: int


class CompareSeries(msgspec.Struct, rename="camel"):
    topic_id: int
    topic_name: str
    data: list[ComparePoint]


class CompareEnvelope(msgspec.Struct):
    data: list[CompareSeries]
    meta: Meta


class MoverOut(msgspec.Struct, rename="camel"):
    topic_id: int
    topic_name: str
    type: str
    industry: str
    today_audience: int
    yesterday_audience: int
    pct_change: float


class MoversEnvelope(msgspec.Struct):
    data: list[MoverOut]
    meta: Meta


class AnalyzeInput(msgspec.Struct, forbid_unknown_fields=True):
    """Exactly one of `url` (an http or https address) and `text` (at most 64 KiB)."""

    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)] | None = None
    text: Annotated[str, msgspec.Meta(min_length=1)] | None = None


# What the document shows for the two topic bodies whose rules run in the handler.
COMPARE_INPUT_SCHEMA: Final = {
    "type": "object",
    "required": ["topicIds"],
    "additionalProperties": False,
    "properties": {
        "topicIds": {
            "type": "array",
            "items": {"type": "integer"},
            "minItems": 1,
            "maxItems": 10,
            "uniqueItems": True,
        }
    },
}
ANALYZE_INPUT_SCHEMA: Final = {
    "type": "object",
    "description": "Exactly one of `url` (an http or https address of a public host; private, "
    "loopback and link-local addresses are refused unless allowed in settings) and `text`.",
    "additionalProperties": False,
    "properties": {
        "url": {
            "type": ["string", "null"],
            "minLength": 1,
            "maxLength": 2048,
            "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]",
        },
        "text": {"type": ["string", "null"], "minLength": 1},
    },
    "oneOf": [
        {"required": ["url"], "properties": {"url": {"type": "string"}}},
        {"required": ["text"], "properties": {"text": {"type": "string"}}},
    ],
}


class AnalyzedTopic(msgspec.Struct, rename="camel"):
    topic_id: int
    topic_name: str
    type: str
    industry: str
    category: str
    similarity: float
    matched_keyword: str


class Analysis(msgspec.Struct):
    company: str | None
    summary: str | None
    keywords: list[str]
    topics: list[AnalyzedTopic]


class AnalysisEnvelope(msgspec.Struct):
    data: Analysis
    meta: Meta


def topic_out(topic: Topic) -> TopicOut:
    return TopicOut(topic.topic_id, topic.name, topic.type, topic.industry, topic.category)


def facet_values(counts: list[FacetCount]) -> list[FacetValue]:
    return [FacetValue(count.value, count.count) for count in counts]


def trend_point(topic: Topic, day: DayFigures) -> TrendPoint:
    return TrendPoint(
        day.date,
        topic.name,
        topic.type,
        topic.industry,
        topic.category,
        day.unique_audience,
        day.total_signals,
        day.avg_score,
        day.high_audience,
        day.medium_audience,
        day.low_audience,
    )


def compare_point(day: DayFigures) -> ComparePoint:
    return ComparePoint(
        day.date,
        day.unique_audience,
        day.total_signals,
        day.avg_score,
        day.high_audience,
        day.medium_audience,
        day.low_audience,
    )


def mover_out(mover: Mover) -> MoverOut:
    topic = mover.topic
    return MoverOut(
        topic.topic_id,
        topic.name,
        topic.type,
        topic.industry,
        mover.today,
        mover.yesterday,
        mover.pct_change,
    )
