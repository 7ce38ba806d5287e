"""Result rows, result pages and run stats on the wire (the nested row shape of the API).

Row fields are the snapshot's columns of the same names, less the internal `rank` and `personId`.
"""

from collections.abc import Mapping
from typing import Literal

import msgspec

from api.wire.common import Meta
from jobs.wire import RunOut

PendingState = Literal["queued", "running"]


class MatchedTopic(msgspec.Struct, rename="camel"):
    topic_id: int
    topic_name: str | None
    type: str | None
    industry: str | None
    category: str | None
    score: int


class Company(msgspec.Struct, rename="camel"):
    name: str | None
    domain: str | None
    industry: str | None
    industry_group: str | None
    size: str | None
    revenue_range: str | None


class Location(msgspec.Struct):
    city: str | None
    state: str | None
    country: str | None


class Demographics(msgspec.Struct, rename="camel"):
    age_range: str | None
    gender: str | None


class Intent(msgspec.Struct, rename="camel"):
    score: int
    topic_overlap: int
    matched_topics: list[MatchedTopic]


class ResultRow(msgspec.Struct, rename="camel"):
    hashed_email: str | None
    first_name: str | None
    last_name: str | None
    full_name: str | None
    business_email: str | None
    personal_email: str | None
    email: str | None
    primary_contact_email: str | None
    phone: str | None
    linkedin_url: str | None
    headline: str | None
    job_title: str | None
    seniority: str | None
    department: str | None
    company: Company
    location: Location
    demographics: Demographics
    intent: Intent


class ResultsPage(msgspec.Struct, omit_defaults=True):
    run: RunOut
    results: list[ResultRow]
    total: int
    limit: int
    offset: int
    state: PendingState | msgspec.UnsetType = msgspec.UNSET  # only while the run is pending


class ResultsEnvelope(msgspec.Struct):
    data: ResultsPage
    meta: Meta


class EncodedResultsPage(msgspec.Struct):
    """A completed run's `ResultsPage` whose rows are JSON already: the same bytes on the wire."""

    run: RunOut
    results: msgspec.Raw  # a JSON array of ResultRow
    total: int
    limit: int
    offset: int


class EncodedResultsEnvelope(msgspec.Struct):
    data: EncodedResultsPage
    meta: Meta


class FillRate(msgspec.Struct):
    count: int
    percent: float


class HistogramBucket(msgspec.Struct):
    bucket: Literal["50-69", "70-89", "90-99"]
    count: int
    percent: float


class Averages(msgspec.Struct, rename="camel"):
    score: float | None
    topic_overlap: float | None


class Stats(msgspec.Struct, rename="camel"):
    total: int
    fill_rates: dict[str, FillRate]
    score_histogram: list[HistogramBucket]
    averages: Averages


class StatsPage(msgspec.Struct, omit_defaults=True):
    run: RunOut
    stats: Stats
    state: PendingState | msgspec.UnsetType = msgspec.UNSET


class StatsEnvelope(msgspec.Struct):
    data: StatsPage
    meta: Meta


def empty_stats() -> Stats:
    """What a pending run's stats read as, like its empty page of results."""
    return Stats(total=0, fill_rates={}, score_histogram=[], averages=Averages(None, None))


def stats_of(document: Mapping[str, object]) -> Stats:
    """The API part of a snapshot's stats.json (it also holds breakdowns, not served here)."""
    return msgspec.convert(document, Stats)
