"""Fixtures for `intent run` / `intent preview`: a small generated dataset and a CLI caller."""

import datetime as dt
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cli.main import main
from data.generator import generate

DATES = ("2024-03-01", "2024-03-02")
BUSY_TOPICS = [195, 180, 103, 269, 6]  # the most researched topics of seed 7


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Intent = Callable[..., Outcome]


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated once (1,000 people, 300 topics, two days); tests only read it."""
    out = tmp_path_factory.mktemp("cli-run") / "dataset"
    end = dt.date.fromisoformat(DATES[-1])
    generate(out, scale=0.001, days=len(DATES), end_date=end, seed=7, topics=300)
    return out


@pytest.fixture
def intent(capsys: pytest.CaptureFixture[str]) -> Intent:
    """Run the `intent` console script in-process and return its exit code and output."""

    def call(*argv: str | Path) -> Outcome:
        with pytest.raises(SystemExit) as exited:
            main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Outcome(int(exited.value.code or 0), captured.out, captured.err)

    return call


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Path]:
    """Write an audience config file; keyword arguments override the busy-topics default."""

    def make(**fields: Any) -> Path:
        path = tmp_path / f"config-{len(list(tmp_path.glob('config-*')))}.json"
        path.write_text(json.dumps({"topicIds": BUSY_TOPICS, **fields}))
        return path

    return make


@pytest.fixture
def broken_dataset(dataset: Path, tmp_path: Path) -> Path:
    """A copy of the dataset whose latest intent file is not parquet any more."""
    copy = Path(shutil.copytree(dataset, tmp_path / "broken"))
    part = next((copy / "intent" / f"data_date={DATES[-1]}").glob("part-*.parquet"))
    part.write_bytes(b"not parquet at all")
    return copy
