"""generate(): argument checks, refusal before writing, timings and progress reports."""

import itertools
import json
from pathlib import Path

import pytest

from data import contract
from data.errors import DatasetError, DateExistsError
from data.generator import generate
from tests.generator.conftest import END_DATE

TINY = {"scale": 0.001, "days": 2, "end_date": END_DATE, "seed": 5, "topics": 100}


def test_timings_come_from_the_given_clock(tmp_path: Path) -> None:
    ticks = itertools.count(step=2)
    summary = generate(tmp_path, **TINY, clock=lambda: float(next(ticks)))
    assert summary.seconds == {"topics": 2.0, "people": 2.0, "intent": 2.0, "total": 6.0}


def test_summary_counts_people_topics_and_rows_per_date(tmp_path: Path) -> None:
    summary = generate(tmp_path, **TINY)
    assert (summary.people, summary.topics) == (1000, 100)
    assert summary.dates == ("2026-11-26", "2026-11-27")
    manifests = [
        json.loads(contract.manifest_path(tmp_path, day).read_text()) for day in summary.dates
    ]
    assert summary.intent_rows == tuple(manifest["rowCount"] for manifest in manifests)


def test_progress_reports_rise_to_one(tmp_path: Path) -> None:
    heard: list[float] = []
    generate(tmp_path, **TINY, progress=lambda stage, fraction: heard.append(fraction))
    assert heard == sorted(heard)
    assert heard[-1] == 1.0


def test_existing_dates_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    generate(tmp_path, **TINY)
    with pytest.raises(DateExistsError, match="2026-11-27"):
        generate(tmp_path, **TINY | {"seed": 6, "end_date": END_DATE.replace(day=28)})
    assert not contract.people_dir(tmp_path, "2026-11-28").exists()


@pytest.mark.parametrize(
    ("argument", "value"), [("scale", 1e-7), ("scale", 5000), ("days", 0), ("topics", 0)]
)
def test_an_impossible_argument_is_an_error_naming_it(
    tmp_path: Path, argument: str, value: float
) -> None:
    with pytest.raises(DatasetError, match=argument):
        generate(tmp_path, **TINY | {argument: value})
