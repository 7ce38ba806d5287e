"""`intent backfill`: queues the same runs as the API's backfill, from the command line."""

import json
from pathlib import Path

import pytest

from cli.main import main
from data.metadata.connect import open_store
from engine.states import RunType
from tests.jobs.factories import DATES, FakeClock, audience_maker, write_dataset


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTENT_HOME", str(tmp_path))
    monkeypatch.setenv("INTENT_DATABASE_URL", f"sqlite:///{tmp_path / 'intent.db'}")
    monkeypatch.setenv("INTENT_DATASET", str(write_dataset(tmp_path / "dataset")))
    monkeypatch.delenv("INTENT_BROKER_URL", raising=False)
    return tmp_path


def _intent(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_backfill_queues_one_run_per_complete_date_of_the_range(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(f"sqlite:///{home / 'intent.db'}")
    audience = audience_maker(store, FakeClock())()
    argv = ["backfill", "--audience", audience.id, "--from", "2024-05-20", "--to", DATES[-1]]
    code, out, _ = _intent(capsys, *argv, "--json")
    assert code == 0
    shown = json.loads(out)
    assert [run["dataDate"] for run in shown["runs"]] == list(DATES)
    queued = store.list_runs(audience.id, None, 10, run_type=RunType.BACKFILL)
    assert sorted(run.id for run in queued) == sorted(run["id"] for run in shown["runs"])


def test_unknown_audience_and_bad_range_exit_1_with_a_message(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(f"sqlite:///{home / 'intent.db'}")
    audience = audience_maker(store, FakeClock())()
    unknown = _intent(
        capsys, "backfill", "--audience", "nope", "--from", DATES[0], "--to", DATES[1]
    )
    assert unknown[0] == 1
    assert "no audience with id nope" in unknown[2]
    too_long = ["backfill", "--audience", audience.id, "--from", "2024-01-01", "--to", DATES[1]]
    code, _, err = _intent(capsys, *too_long)
    assert code == 1
    assert "at most 31 dates" in err
