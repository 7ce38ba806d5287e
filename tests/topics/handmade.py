"""A small hand-made dataset whose topic figures are known: scores on every tier boundary, ties
in search and in movers, and a topic missing on the middle date."""

from pathlib import Path
from typing import Final

import pyarrow as pa

from data import contract
from data.writer import write_intent_date, write_people, write_topics

DATES: Final = ("2026-11-25", "2026-11-26", "2026-11-27")
PEOPLE_VERSION: Final = "v1"
PEOPLE: Final = 200
# (id, name, type, industry, category, keywords)
TOPICS: Final = (
    (1, "CRM Software", "b2b", "software", "crm", ["crm", "software"]),
    (2, "CRM Software Pricing", "b2b", "software", "crm", ["crm", "pricing"]),
    (3, "Healthcare CRM Software", "b2b", "software", "crm", ["crm", "healthcare"]),
    (4, "SuperCRM Software", "b2b", "software", "crm", ["crm"]),
    (5, "Sales Pipeline Tools", "b2b", "software", "crm", ["crm", "software", "pipeline"]),
    (6, "Running Shoes", "b2c", "retail", "footwear", ["running", "shoes"]),
    (7, "Trail Running Shoes", "b2c", "retail", "footwear", ["running", "trail"]),
    (8, "Kubernetes Security", "b2b", "information technology", "cybersecurity", ["kubernetes"]),
    (9, "Dental CRM Software", "b2b", "software", "crm", ["crm", "dental"]),
)
BOUNDARIES: Final = [0, 49, 50, 69, 70, 89, 90, 99]


def _day(audience: int, below: int, *extra: int) -> list[int]:
    """`audience` scores of at least 50 spread over the tiers, `below` scores under 50."""
    cycle = [50, 69, 70, 89, 90, 99, 60, 75]
    return [cycle[n % len(cycle)] for n in range(audience)] + [49 - n % 50 for n in range(below)]


# Scores per date and topic (one person each). The middle date lacks topic 3; topic 2's first
# date averages 50.125 (rounded half up to 50.13); movers between the last two dates tie twice.
SCORES: Final[dict[str, dict[int, list[int]]]] = {
    DATES[0]: {
        1: BOUNDARIES * 2,
        2: [50] * 7 + [51] + [10, 20],
        3: [49, 49, 49, 50, 69, 70, 89, 90],
        4: _day(5, 2),
        5: _day(8, 0),
        6: _day(12, 3),
        7: _day(3, 3),
        8: [49],
        9: _day(6, 1),
    },
    DATES[1]: {
        1: _day(20, 4),
        2: _day(10, 1),
        4: _day(9, 0),
        5: _day(40, 5),
        6: _day(10, 2),
        7: _day(12, 0),
        8: _day(10, 10),
        9: _day(5, 0),
    },
    DATES[2]: {
        1: _day(24, 2) + BOUNDARIES,
        2: _day(15, 0),
        3: _day(7, 1),
        4: _day(30, 0),
        5: _day(20, 3),
        6: _day(5, 5),
        7: _day(12, 1),
        8: _day(11, 0),
        9: _day(40, 0),
    },
}


def topics_table() -> pa.Table:
    columns = list(zip(*TOPICS, strict=True))
    names = ("topic_id", "name", "type", "industry", "category", "keywords")
    return pa.table(dict(zip(names, columns, strict=True)), schema=contract.TOPICS_SCHEMA)


def intent_table(data_date: str) -> pa.Table:
    person, topic, score = [], [], []
    for topic_id, scores in SCORES[data_date].items():
        for number, value in enumerate(scores):
            person.append(number + 1)
            topic.append(topic_id)
            score.append(value)
    return pa.table({"person_id": person, "topic_id": topic, "score": score})


def people_table() -> pa.Table:
    columns: dict[str, list[object]] = {"person_id": list(range(1, PEOPLE + 1))}
    for name in contract.PEOPLE_TEXT_COLUMNS:
        columns[name] = [None] * PEOPLE
    columns["hashed_email"] = [f"{n:064x}" for n in range(1, PEOPLE + 1)]
    return pa.table(columns)


def build(root: Path, dates: tuple[str, ...] = DATES) -> Path:
    write_topics(root, topics_table())
    write_people(root, PEOPLE_VERSION, people_table())
    for data_date in dates:
        write_intent_date(root, data_date, intent_table(data_date), PEOPLE_VERSION)
    return root
