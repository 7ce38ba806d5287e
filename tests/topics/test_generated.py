"""The generator makes discovery meaningful: topic interest drifts, so audiences rise and fall
from one day to the next, and every topic has a name, industry, category and keywords."""

import datetime as dt
from pathlib import Path

import pytest

from data.catalog import DatasetCatalog
from data.generator import generate
from data.topic_index import Filters, LiveTopicIndex, TopicIndex


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TopicIndex:
    root = tmp_path_factory.mktemp("drift") / "dataset"
    generate(root, scale=0.01, days=3, end_date=dt.date(2026, 11, 27), seed=3, topics=500)
    return LiveTopicIndex(DatasetCatalog(Path(root))).current()


def test_some_audiences_rise_and_some_fall_by_a_fifth_or_more(index: TopicIndex) -> None:
    up = index.movers(Filters(), "up", 50, 10)
    down = index.movers(Filters(), "down", 50, 10)
    assert up
    assert up[0].pct_change >= 20
    assert down
    assert down[0].pct_change <= -20


def test_every_topic_has_a_name_industry_category_and_keywords(index: TopicIndex) -> None:
    assert all(index.names)
    assert all(index.industries)
    assert all(index.categories)
    assert all(index.keywords)
    assert len(set(index.names)) == len(index.names)
