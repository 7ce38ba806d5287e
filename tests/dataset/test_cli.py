"""`intent data validate` and `intent data ingest`: exit codes and output."""

import json
from pathlib import Path

import pytest

from cli.main import main
from data import contract
from tests.dataset.conftest import DATES
from tests.dataset.files import export_date


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    return int(exited.value.code or 0)


def test_validate_exits_0_for_a_valid_dataset(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("data", "validate", str(dataset)) == 0
    assert ": valid (0 errors" in capsys.readouterr().out


def test_validate_exits_1_and_lists_problems_for_an_invalid_dataset(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract.topics_path(dataset).unlink()
    assert run("data", "validate", str(dataset)) == 1
    assert "error: topics.parquet: missing topics file" in capsys.readouterr().out


def test_validate_json_prints_one_object(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contract.manifest_path(dataset, DATES[0]).unlink()
    assert run("data", "validate", str(dataset), "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["ok"], document["dates"], document["warningCount"]) == (True, [DATES[1]], 1)


def test_validate_exits_2_for_a_missing_directory(tmp_path: Path) -> None:
    assert run("data", "validate", str(tmp_path / "absent")) == 2


def test_ingest_json_prints_the_new_date(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = export_date(dataset, DATES[0], tmp_path / "files")
    code = run(
        "data",
        "ingest",
        "--dataset",
        str(dataset),
        "--date",
        "2024-03-05",
        "--intent",
        str(files["intent"]),
        "--json",
    )
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["dataDate"] == "2024-03-05"
    assert document["rowCount"] == document["manifest"]["rowCount"] > 0


def test_ingest_exits_1_for_bad_data(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = export_date(dataset, DATES[0], tmp_path / "files")
    code = run(
        "data",
        "ingest",
        "--dataset",
        str(dataset),
        "--date",
        DATES[0],
        "--intent",
        str(files["intent"]),
    )
    assert code == 1
    assert "--replace" in capsys.readouterr().err


def test_ingest_exits_2_for_a_malformed_date(dataset: Path, tmp_path: Path) -> None:
    code = run(
        "data", "ingest", "--dataset", str(dataset), "--date", "2024-02-30", "--intent", "x.csv"
    )
    assert code == 2
