"""Dataset fixtures: one small generated dataset per session, a fresh copy per test."""

import datetime as dt
import itertools
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from data.generator import generate
from data.storage import Store, open_store
from data.store_dataset import publish
from tests import services

DATES = ("2024-03-01", "2024-03-02")
MakeDataset = Callable[[], Path]


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated once: scale 0.001 (1,000 people), 300 topics, two days. Never altered."""
    out = tmp_path_factory.mktemp("generated") / "dataset"
    generate(
        out,
        scale=0.001,
        days=len(DATES),
        end_date=dt.date.fromisoformat(DATES[-1]),
        seed=7,
        topics=300,
    )
    return out


@pytest.fixture
def make_dataset(pristine: Path, tmp_path: Path) -> MakeDataset:
    """A fresh copy of the generated dataset for each call."""
    counter = itertools.count()

    def make() -> Path:
        return Path(shutil.copytree(pristine, tmp_path / f"dataset-{next(counter)}"))

    return make


@pytest.fixture
def dataset(make_dataset: MakeDataset) -> Path:
    return make_dataset()


@pytest.fixture
def stored(pristine: Path, s3_bucket: str) -> Store:
    """The generated dataset published into a prefix of its own of the local S3 server."""
    store = open_store(f"s3://{s3_bucket}/{uuid.uuid4().hex}/dataset", services.S3)
    publish(pristine, store)
    return store
