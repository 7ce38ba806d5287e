"""The dataset layout and the config parameters both peers read, written out plainly (stdlib only,
so a peer's process pays only for its own engine)."""

import json
from dataclasses import dataclass
from pathlib import Path

MIN_SCORE_FLOOR = 50  # DESIGN section 3: minScore is clamped up to 50
DEFAULT_MAX_SCORE = 99


@dataclass(frozen=True)
class Query:
    intent_glob: str
    people_glob: str
    topics_file: str
    topic_ids: list[int]
    min_score: int
    max_score: int
    min_overlap: int


def query(dataset: Path, date: str, config_json: str) -> Query:
    """The files of `date` (its manifest names the people version) and the config's numbers."""
    day = dataset / "intent" / f"data_date={date}"
    manifest = json.loads((day / "_manifest.json").read_text())
    config = json.loads(config_json)
    return Query(
        intent_glob=str(day / "part-*.parquet"),
        people_glob=str(
            dataset / "people" / f"version={manifest['peopleVersion']}" / "part-*.parquet"
        ),
        topics_file=str(dataset / "topics.parquet"),
        topic_ids=[int(t) for t in config["topicIds"]],
        min_score=max(MIN_SCORE_FLOOR, config.get("minScore") or 0),
        max_score=config.get("maxScore") or DEFAULT_MAX_SCORE,
        min_overlap=config.get("minTopicOverlap") or 1,
    )
