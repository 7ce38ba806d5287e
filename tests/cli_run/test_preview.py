"""`intent preview`: counts, breakdowns and a masked sample as JSON, nothing written."""

from tests.cli_run.conftest import DATES


def test_preview_prints_counts_date_and_breakdowns(intent, dataset, make_config):
    found = intent("preview", "--config", make_config(), "--dataset", dataset).json()
    assert found["dataDate"] == DATES[-1]
    assert found["totalCount"] <= found["candidateCount"]
    assert set(found["breakdowns"]) == {"industries", "seniorities", "departments", "countries"}


def test_preview_total_matches_the_result_count_of_a_run(intent, dataset, make_config, tmp_path):
    config = make_config(filters={"role": {"isDecisionMaker": True}})
    found = intent("preview", "--config", config, "--dataset", dataset).json()
    args = ("--config", config, "--dataset", dataset, "--out", tmp_path / "o", "--json")
    assert found["totalCount"] == intent("run", *args).json()["resultCount"]


def test_preview_sample_is_masked_and_sized(intent, dataset, make_config):
    args = ("--config", make_config(), "--dataset", dataset, "--sample-size", "3")
    sample = intent("preview", *args).json()["sample"]
    assert len(sample) == 3
    assert all(row["hashedEmail"].endswith("...") and "phone" not in row for row in sample)


def test_preview_refuses_a_sample_size_above_fifty(intent, dataset, make_config):
    args = ("--config", make_config(), "--dataset", dataset, "--sample-size", "51")
    outcome = intent("preview", *args)
    assert outcome.code != 0
    assert "--sample-size" in outcome.err


def test_preview_writes_nothing(intent, dataset, make_config, tmp_path):
    config = make_config()
    places = (tmp_path, dataset)
    before = [sorted(place.rglob("*")) for place in places]
    intent("preview", "--config", config, "--dataset", dataset)
    assert [sorted(place.rglob("*")) for place in places] == before
