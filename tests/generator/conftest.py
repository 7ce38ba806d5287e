"""Generator fixtures: small generated datasets shared per session, and readers for them."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import contract
from data.generator import generate

END_DATE = dt.date(2026, 11, 27)
SMALL: dict[str, Any] = {"scale": 0.002, "days": 3, "end_date": END_DATE, "seed": 42, "topics": 500}
MakeDataset = Callable[..., Path]


@pytest.fixture(scope="session")
def make_dataset(tmp_path_factory: pytest.TempPathFactory) -> MakeDataset:
    """A generated dataset for SMALL with `overrides`, made once per distinct arguments.

    Shared between tests: never modify it (generate into tmp_path for that).
    """
    made: dict[tuple[tuple[str, Any], ...], Path] = {}

    def make(**overrides: Any) -> Path:
        arguments = SMALL | overrides
        key = tuple(sorted(arguments.items()))
        if key not in made:
            made[key] = tmp_path_factory.mktemp("generated") / "dataset"
            generate(made[key], **arguments)
        return made[key]

    return make


@pytest.fixture(scope="session")
def dataset(make_dataset: MakeDataset) -> Path:
    return make_dataset()


@pytest.fixture(scope="session")
def people(dataset: Path) -> pa.Table:
    return read_people(dataset)


@pytest.fixture(scope="session")
def topics(dataset: Path) -> pa.Table:
    return pq.read_table(contract.topics_path(dataset))


@pytest.fixture(scope="session")
def intent_days(dataset: Path) -> list[pa.Table]:
    """The intent table of each date, oldest first."""
    return [read_intent(dataset, day) for day in dates(dataset)]


def dates(dataset: Path) -> list[str]:
    return sorted(path.name.split("=", 1)[1] for path in (dataset / "intent").glob("data_date=*"))


def read_intent(dataset: Path, data_date: str) -> pa.Table:
    files = sorted(contract.intent_dir(dataset, data_date).glob("part-*.parquet"))
    return pa.concat_tables(pq.read_table(path) for path in files)


def read_people(dataset: Path) -> pa.Table:
    (version,) = (dataset / "people").glob("version=*")
    return pa.concat_tables(pq.read_table(path) for path in sorted(version.glob("part-*.parquet")))
