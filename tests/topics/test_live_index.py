"""The live topic index: rebuilt when a date completes; in background mode the previous index
answers until the new one is ready."""

import time
from pathlib import Path

from data.catalog import DatasetCatalog
from data.topic_index import LiveTopicIndex
from data.writer import write_intent_date
from tests.topics import handmade


def _add_date(dataset: Path) -> None:
    intent = handmade.intent_table(handmade.DATES[0])
    write_intent_date(dataset, "2026-11-28", intent, handmade.PEOPLE_VERSION)


def test_unchanged_dataset_keeps_the_same_index(handmade_dataset: Path) -> None:
    live = LiveTopicIndex(DatasetCatalog(handmade_dataset))
    assert live.current() is live.current()


def test_a_completed_date_gives_a_new_index(dataset_copy: Path) -> None:
    live = LiveTopicIndex(DatasetCatalog(dataset_copy))
    before = live.current()
    _add_date(dataset_copy)
    after = live.current()
    assert after is not before
    assert after.dates == (*handmade.DATES, "2026-11-28")


def test_background_rebuild_answers_with_the_previous_index_until_ready(
    dataset_copy: Path,
) -> None:
    live = LiveTopicIndex(DatasetCatalog(dataset_copy), background=True)
    before = live.current()  # the first index is built in the caller
    _add_date(dataset_copy)
    deadline = time.monotonic() + 30
    current = live.current()
    assert current is before or current.dates[-1] == "2026-11-28"
    while current.dates[-1] != "2026-11-28" and time.monotonic() < deadline:
        time.sleep(0.01)
        current = live.current()
    assert current.dates == (*handmade.DATES, "2026-11-28")
