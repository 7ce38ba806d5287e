"""One generation run: topics, people and consecutive intent dates written through data.writer.

Independent random streams per part (spawned from the seed) keep each part's bytes reproducible.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import numpy as np

from data import contract
from data.errors import DatasetError, DateExistsError
from data.generator.intent import PERSON_MASK, Day, PersonSampler, next_day, next_interest
from data.generator.people import build_people
from data.generator.progress import Progress, Report, scaled
from data.generator.taxonomy import Taxonomy, build_taxonomy
from data.writer import write_intent_date, write_people, write_topics

PEOPLE_PER_SCALE: Final = 1_000_000
MAX_PEOPLE: Final = PERSON_MASK  # person indexes are packed into 32 bits of a row key
DEFAULT_TOPICS: Final = 20_000
# Relative cost of the stages, for the progress fraction (measured at scale 1).
TOPICS_COST: Final = 0.02
PEOPLE_COST: Final = 1.0
DAY_COST: Final = 1.0
DRAWING_SHARE: Final = 0.6  # of a day's time spent drawing rows; the rest sorts and writes


@dataclass(frozen=True)
class GenerateSummary:
    """What a run wrote, and how long each part took."""

    out: Path | str  # a directory, or the URI of the store it was uploaded to
    people: int
    topics: int
    people_version: str
    dates: tuple[str, ...]
    intent_rows: tuple[int, ...]  # per date, in `dates` order
    seconds: dict[str, float] = field(default_factory=dict)  # topics, people, intent, total


def generate(
    out: Path,
    *,
    scale: float,
    days: int,
    end_date: date,
    seed: int,
    topics: int = DEFAULT_TOPICS,
    progress: Report | None = None,
    replace: bool = False,
    clock: Callable[[], float] = time.perf_counter,
) -> GenerateSummary:
    """Write a complete dataset under `out`; the same arguments give byte-identical files.

    Existing complete dates raise DateExistsError (before anything is written) unless `replace`.
    The people version is the end date: the people as of the last data date.
    """
    people, dates, version = people_count(scale), date_range(end_date, days), end_date.isoformat()
    if not replace:
        _refuse_existing(out, dates)
    plan = Progress(
        progress,
        [("topics", TOPICS_COST), ("people", PEOPLE_COST)]
        + [(f"intent {day}", DAY_COST) for day in dates],
    )
    topic_rng, people_rng, intent_rng, interest_rng = (
        np.random.default_rng(stream) for stream in np.random.SeedSequence(seed).spawn(4)
    )
    marks = [clock()]
    plan.stage("topics")
    taxonomy = build_taxonomy(topic_rng, topics)
    write_topics(out, taxonomy.table)
    marks.append(clock())
    population, chunks = build_people(people_rng, people, plan.stage("people"))
    write_people(out, version, chunks)
    marks.append(clock())
    sampler = PersonSampler(intent_rng, population)
    rngs = (intent_rng, interest_rng)
    rows = _write_days(out, dates, version, rngs, sampler, taxonomy, plan, replace)
    plan.finish()
    marks.append(clock())
    return GenerateSummary(out, people, topics, version, tuple(dates), rows, _seconds(marks))


def _write_days(
    out: Path,
    dates: list[str],
    version: str,
    rngs: tuple[np.random.Generator, np.random.Generator],
    sampler: PersonSampler,
    taxonomy: Taxonomy,
    plan: Progress,
    replace: bool,
) -> tuple[int, ...]:
    """Each date in turn (every day grows out of the one before); rows written per date."""
    rng, interest_rng = rngs
    day: Day | None = None
    interest: np.ndarray | None = None
    rows = []
    for data_date in dates:
        advance = plan.stage(f"intent {data_date}")
        interest = next_interest(
            interest_rng, interest if day is not None else None, len(taxonomy.popularity)
        )
        progress = scaled(advance, DRAWING_SHARE)
        day = next_day(rng, sampler, taxonomy, day, progress, interest)
        write_intent_date(out, data_date, day.table(), version, replace=replace)
        advance(1.0)
        rows.append(len(day))
    return tuple(rows)


def _seconds(marks: list[float]) -> dict[str, float]:
    """Durations between the clock marks taken after each part."""
    started, topics_done, people_done, finished = marks
    return {
        "topics": topics_done - started,
        "people": people_done - topics_done,
        "intent": finished - people_done,
        "total": finished - started,
    }


def people_count(scale: float) -> int:
    count = round(scale * PEOPLE_PER_SCALE)
    if not 1 <= count <= MAX_PEOPLE:
        raise DatasetError(
            f"scale: {scale} gives {count:,} people; scale 1 = {PEOPLE_PER_SCALE:,}, "
            f"at most {MAX_PEOPLE:,}"
        )
    return count


def date_range(end_date: date, days: int) -> list[str]:
    """The `days` consecutive ISO dates ending on `end_date`, oldest first."""
    if days < 1:
        raise DatasetError(f"days: must be at least 1, got {days}")
    return [(end_date - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1)]


def _refuse_existing(out: Path, dates: list[str]) -> None:
    existing = [day for day in dates if contract.manifest_path(out, day).exists()]
    if existing:
        raise DateExistsError(f"data dates already exist in {out}: {', '.join(existing)}")
