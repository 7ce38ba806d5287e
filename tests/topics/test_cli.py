"""`intent topics search|trend|movers`: readable tables, and with --json what the API's `data`
holds."""

import json
from pathlib import Path

import pytest

from cli.main import main
from tests.topics import handmade, oracle


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_search_prints_a_table_best_first(
    handmade_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, "topics", "search", "crm sofware", "--dataset", str(handmade_dataset)
    )
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["topicId", "topicName", "type", "industry", "category"]
    assert lines[1].split()[:3] == ["1", "CRM", "Software"]


def test_search_json_is_a_list_of_topic_objects(
    handmade_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, "topics", "search", "running", "--json", "--dataset", str(handmade_dataset)
    )
    assert code == 0
    assert json.loads(out)[0] == {
        "topicId": 6,
        "topicName": "Running Shoes",
        "type": "b2c",
        "industry": "retail",
        "category": "footwear",
    }


def test_trend_json_has_the_figures_of_each_date(
    handmade_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, "topics", "trend", "3", "--json", "--dataset", str(handmade_dataset)
    )
    assert code == 0
    rows = json.loads(out)
    figures = [{k: v for k, v in row.items() if k in oracle.missing_day("")} for row in rows]
    assert figures == oracle.series(handmade_dataset, 3)


def test_trend_table_names_the_topic_and_lists_dates(
    handmade_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _run(capsys, "topics", "trend", "1", "--dataset", str(handmade_dataset))
    assert out.splitlines()[0].startswith("1 CRM Software (b2b, software, crm)")
    assert [line.split()[0] for line in out.splitlines()[2:]] == list(handmade.DATES)


def test_unknown_topic_exits_1(handmade_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "topics", "trend", "999", "--dataset", str(handmade_dataset))
    assert code == 1
    assert "topic 999" in err


def test_movers_down_table(handmade_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "topics", "movers", "--direction", "down", "--dataset", str(handmade_dataset)
    )
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["5", "6"]
    assert out.splitlines()[1].endswith("-50.00")


def test_movers_min_audience_option(
    handmade_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["topics", "movers", "--min-audience", "1", "--json", "--dataset", str(handmade_dataset)]
    _, out, _ = _run(capsys, *argv)
    assert 4 in [row["topicId"] for row in json.loads(out)]


def test_bad_limit_is_a_usage_error(
    handmade_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "topics", "search", "crm", "--limit", "51")
    assert code == 2
    assert "--limit" in err
