"""The audience mix every benchmark run measures, chosen from the dataset's own topics."""

from collections.abc import Mapping
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

# Three of the most common industries in generated data (open vocabulary).
SELECTIVE_INDUSTRIES: Final = (
    "computer software",
    "information technology and services",
    "internet",
)


def popular_topics(topics: pa.Table, intent_counts: Mapping[int, int], n: int) -> list[int]:
    """The `n` most researched topics, most popular first (ties by id)."""
    ranked = sorted(intent_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    known = set(pc.unique(topics["topic_id"]).to_pylist())
    return [topic for topic, _ in ranked if topic in known][:n]


def audience_mix(top: list[int]) -> dict[str, dict[str, object]]:
    """Raw configs (API shape) by name; `top` is at least 40 topic ids, most popular first."""
    return {
        "selective": {
            "topicIds": top[5:8],
            "minScore": 70,
            "filters": {
                "company.industries": {"values": list(SELECTIVE_INDUSTRIES)},
                "role.seniority": {"values": ["c_suite", "vp", "director"]},
            },
        },
        "overlap2": {"topicIds": top[0:10], "minTopicOverlap": 2},
        "twenty_topics": {
            "topicIds": top[10:30],
            "filters": {"company.sizes": {"values": ["51-200", "201-500", "501-1000"]}},
        },
        "no_filters": {"topicIds": top[0:10]},
        "job_title": {
            "topicIds": top[0:5],
            "filters": {"jobTitle.include": {"values": ["engineer", "manager"], "mode": "any"}},
        },
    }
