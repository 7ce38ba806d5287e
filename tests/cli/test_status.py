"""`intent status`: queue, running runs with stage and elapsed time, failures of the last 24 h
by error code, data dates; `--json` validates against docs/status.schema.json."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema_rs
import pytest

from cli.main import main
from data.metadata.connect import open_store
from data.metadata.models import Run
from data.metadata.sql import SqlMetadataStore
from tests.metadata import factories

SCHEMA = Path(__file__).parents[2] / "docs" / "status.schema.json"
DATES = ("2026-11-26", "2026-11-27")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTENT_HOME", str(tmp_path))
    monkeypatch.setenv("INTENT_DATABASE_URL", f"sqlite:///{tmp_path / 'intent.db'}")
    for day in (*DATES, "2026-11-28"):  # the last one has no manifest: not complete
        directory = tmp_path / "dataset" / "intent" / f"data_date={day}"
        directory.mkdir(parents=True)
        if day in DATES:
            (directory / "_manifest.json").write_text(json.dumps({"dataDate": day}))
    monkeypatch.setenv("INTENT_DATASET", str(tmp_path / "dataset"))
    return tmp_path


@pytest.fixture
def store(home: Path) -> SqlMetadataStore:
    return open_store(f"sqlite:///{home / 'intent.db'}")


def _runs(store: SqlMetadataStore, count: int, created: datetime) -> list[Run]:
    org = store.create_organization(f"org-{created.timestamp()}", 10, created)
    audience = factories.audience(org.id)
    store.create_audience(audience)
    made = [factories.run(audience, created_at=created) for _ in range(count)]
    for run in made:
        store.insert_run(run)
    return made


def _status(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(["status", *args])
    assert exited.value.code == 0
    return capsys.readouterr().out


@pytest.fixture
def busy(store: SqlMetadataStore) -> dict[str, Run]:
    """One run queued an hour ago, one running at the people stage, two failed just now."""
    now = datetime.now(UTC)
    queued, running, *failed = _runs(store, 4, now - timedelta(hours=1))
    claimed = store.claim_run(running.id, now - timedelta(minutes=2), now + timedelta(minutes=1))
    assert claimed is not None
    store.set_run_stage(running.id, 1, "people", 0.25)
    for run, code in zip(failed, ("TIMEOUT", "TIMEOUT"), strict=True):
        store.claim_run(run.id, now, now + timedelta(minutes=1))
        store.fail_run(run.id, 1, code, "too slow", now)
    return {"queued": queued, "running": replace(claimed, stage="people")}


def test_json_status_validates_against_the_documented_schema(busy, capsys) -> None:
    document = json.loads(_status(capsys, "--json"))
    jsonschema_rs.validator_for(json.loads(SCHEMA.read_text())).validate(document)


def test_json_status_reports_queue_running_failures_and_dates(busy, capsys) -> None:
    document = json.loads(_status(capsys, "--json"))
    assert document["queue"]["depth"] == 1
    assert document["queue"]["oldest"]["runId"] == busy["queued"].id
    assert document["queue"]["oldest"]["ageSeconds"] >= 3600
    [running] = document["running"]
    assert (running["runId"], running["stage"], running["progress"]) == (
        busy["running"].id,
        "people",
        0.25,
    )
    assert running["elapsedSeconds"] >= 120
    assert document["failuresLast24h"] == {"TIMEOUT": 2}
    assert document["dataDates"] == list(DATES)


def test_an_idle_engine_validates_too(store, capsys) -> None:
    document = json.loads(_status(capsys, "--json"))
    jsonschema_rs.validator_for(json.loads(SCHEMA.read_text())).validate(document)
    assert document["queue"] == {"depth": 0, "oldest": None}
    assert (document["running"], document["failuresLast24h"]) == ([], {})


def test_the_table_shows_the_queue_the_running_stage_and_failures(busy, capsys) -> None:
    text = _status(capsys)
    assert "queue: 1 runs" in text
    assert busy["running"].id in text
    assert "people" in text
    assert "25%" in text
    assert "TIMEOUT" in text
    assert "data dates: 2, 2026-11-26 to 2026-11-27" in text
