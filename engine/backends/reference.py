"""The reference backend: DESIGN section 3 in plain Python, row by row.

Slow and obviously correct; the oracle the property tests compare DuckDB and Polars against.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from engine.backends.folding import fold, fold_domain, folded_values, full_name, present
from engine.backends.output import empty_result
from engine.backends.protocol import Funnel
from engine.config import AudienceConfig
from engine.config_filters import BoolFilter, Filter, TextFilter, ValuesFilter
from engine.filters import BY_KEY, FilterKind, TextMode, TextOperator
from engine.schema import RESULT_SCHEMA, MaterializeInput, MaterializeResult
from engine.vocab import DECISION_MAKERS

Row = dict[str, Any]
Match = tuple[int, int]  # (topic_id, score)


class ReferenceBackend:
    @property
    def name(self) -> str:
        return "reference"

    def materialize(self, inputs: MaterializeInput, config: AudienceConfig) -> MaterializeResult:
        candidates = _candidates(_matched(inputs, config), config)
        people = _people(inputs, candidates)
        results = [person for person in people if all(_passes(f, person) for f in config.filters)]
        if not results:
            return empty_result(self.name, len(candidates))
        topics = {row["topic_id"]: row for row in _rows([inputs.topics_file], inputs.filesystem)}
        results.sort(key=lambda person: _order(person, candidates[person["person_id"]]))
        rows = [
            _result_row(rank, person, candidates[person["person_id"]], topics)
            for rank, person in enumerate(results, start=1)
        ]
        table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
        return MaterializeResult(table, len(candidates), self.name)

    def funnel(self, inputs: MaterializeInput, config: AudienceConfig) -> Funnel:
        matched = _matched(inputs, config)
        candidates = _candidates(matched, config)
        people = _people(inputs, candidates)
        passing, counts = people, []
        for f in config.filters:
            passing = [person for person in passing if _passes(f, person)]
            counts.append((f.key, len(passing)))
        persons = len({person for person, _ in matched})
        return Funnel(len(matched), persons, len(candidates), len(people), tuple(counts))


def _rows(files: Iterable[str], filesystem: pafs.FileSystem | None) -> list[Row]:
    rows: list[Row] = []
    for file in files:
        rows.extend(pq.read_table(file, filesystem=filesystem).to_pylist())
    return rows


def _matched(inputs: MaterializeInput, config: AudienceConfig) -> list[tuple[int, Match]]:
    wanted = set(config.topic_ids)
    return [
        (row["person_id"], (row["topic_id"], row["score"]))
        for row in _rows(inputs.intent_files, inputs.filesystem)
        if row["topic_id"] in wanted and config.min_score <= row["score"] <= config.max_score
    ]


def _candidates(matched: list[tuple[int, Match]], config: AudienceConfig) -> dict[int, list[Match]]:
    """Person id -> matched (topic, score) pairs, for persons with enough distinct topics."""
    per_person: dict[int, list[Match]] = defaultdict(list)
    for person, match in matched:
        per_person[person].append(match)
    return {
        person: matches
        for person, matches in per_person.items()
        if len({topic for topic, _ in matches}) >= config.min_topic_overlap
    }


def _people(inputs: MaterializeInput, candidates: dict[int, list[Match]]) -> list[Row]:
    return [
        row
        for row in _rows(inputs.people_files, inputs.filesystem)
        if row["person_id"] in candidates
    ]


def _order(person: Row, matches: list[Match]) -> tuple[int, int, bool, str, int]:
    hashed = person["hashed_email"]
    overlap, best = len(matches), max(score for _, score in matches)
    return (-overlap, -best, hashed is None, hashed or "", person["person_id"])


def _passes(f: Filter, person: Row) -> bool:
    spec = BY_KEY[f.key]
    value: str | None = person[spec.column]
    if isinstance(f, ValuesFilter):
        domain = spec.kind is FilterKind.DOMAINS
        prepare = fold_domain if domain else fold
        return value is not None and prepare(value) in folded_values(f.values, domain=domain)
    if isinstance(f, BoolFilter):
        if spec.kind is FilterKind.DECISION_MAKER:
            is_maker = value is not None and fold(value) in DECISION_MAKERS
            return is_maker == f.value
        return present(value) == f.value
    if spec.kind is FilterKind.TEXT_EXCLUDE:
        return value is None or not _text_matches(f, value)
    return value is not None and _text_matches(f, value)


_TERMS: dict[TextOperator, Callable[[str, str], bool]] = {
    TextOperator.CONTAINS: lambda subject, term: term in subject,
    TextOperator.EQUALS: lambda subject, term: subject == term,
    TextOperator.STARTS_WITH: lambda subject, term: subject.startswith(term),
}


def _text_matches(f: TextFilter, value: str) -> bool:
    subject, term = fold(value), _TERMS[f.operator]
    hits = (term(subject, wanted) for wanted in folded_values(f.values))
    return all(hits) if f.mode is TextMode.ALL else any(hits)


def _result_row(rank: int, person: Row, matches: list[Match], topics: dict[int, Row]) -> Row:
    p = person
    return {
        "rank": rank, "personId": p["person_id"], "hashedEmail": p["hashed_email"],
        "firstName": p["first_name"], "lastName": p["last_name"],
        "fullName": full_name(p["first_name"], p["last_name"]),
        "businessEmail": p["business_email"], "personalEmail": p["personal_email"],
        "email": _first_present(p["personal_email"], p["business_email"]),
        "primaryContactEmail": _first_present(p["business_email"], p["personal_email"]),
        "phone": p["phone"], "linkedinUrl": p["linkedin_url"], "headline": p["headline"],
        "jobTitle": p["job_title"], "seniority": p["seniority"], "department": p["department"],
        "company": {
            "name": p["company_name"], "domain": p["company_domain"],
            "industry": p["company_industry"], "industryGroup": p["company_industry_group"],
            "size": p["company_size"], "revenueRange": p["company_revenue_range"],
        },
        "location": {"city": p["city"], "state": p["state"], "country": p["country"]},
        "demographics": {"ageRange": p["age_range"], "gender": p["gender"]},
        "intent": _intent(matches, topics),
    }  # fmt: skip


def _first_present(preferred: str | None, fallback: str | None) -> str | None:
    return preferred if present(preferred) else fallback


def _intent(matches: list[Match], topics: dict[int, Row]) -> Row:
    ordered = sorted(matches, key=lambda match: (-match[1], match[0]))
    return {
        "score": ordered[0][1],
        "topicOverlap": len({topic for topic, _ in matches}),
        "matchedTopics": [_topic(topic, score, topics.get(topic, {})) for topic, score in ordered],
    }


def _topic(topic: int, score: int, row: Row) -> Row:
    return {
        "topicId": topic, "topicName": row.get("name"), "type": row.get("type"),
        "industry": row.get("industry"), "category": row.get("category"), "score": score,
    }  # fmt: skip
