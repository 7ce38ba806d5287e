"""`intent data generate`: JSON and human summaries and errors (its bar: tests/cli)."""

import json
from pathlib import Path

import pytest

from cli.main import main

SMALL_ARGS = ["--scale", "0.001", "--days", "2", "--topics", "200", "--seed", "3"]


def run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    return int(exit_info.value.code or 0)


def test_json_flag_prints_one_summary_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["data", "generate", "--out", str(tmp_path / "d"), *SMALL_ARGS, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["people"] == 1000
    assert summary["topics"] == 200
    assert summary["dates"] == ["2026-11-26", "2026-11-27"]
    assert summary["totalIntentRows"] == sum(summary["intentRows"].values())


def test_without_json_a_short_summary_lists_each_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["data", "generate", "--out", str(tmp_path / "d"), *SMALL_ARGS]) == 0
    output = capsys.readouterr()
    assert "1,000 people" in output.out
    assert "2026-11-26:" in output.out
    assert output.err == ""


def test_generating_existing_dates_again_fails_and_names_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["data", "generate", "--out", str(tmp_path / "d"), *SMALL_ARGS])
    assert run(["data", "generate", "--out", str(tmp_path / "d"), *SMALL_ARGS]) == 2
    assert "--replace" in capsys.readouterr().err


def test_replace_flag_regenerates_existing_dates(tmp_path: Path) -> None:
    run(["data", "generate", "--out", str(tmp_path / "d"), *SMALL_ARGS])
    assert run(["data", "generate", "--out", str(tmp_path / "d"), *SMALL_ARGS, "--replace"]) == 0


def test_a_scale_too_small_for_one_person_is_an_error_naming_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["data", "generate", "--out", str(tmp_path / "d"), "--scale", "0.0000001"]) == 2
    assert "scale" in capsys.readouterr().err


def test_a_malformed_end_date_is_a_usage_error(tmp_path: Path) -> None:
    assert run(["data", "generate", "--out", str(tmp_path), "--end-date", "27/11/2026"]) == 2
