"""`intent run`: a snapshot directory on success, a clear error and nothing written otherwise."""

import hashlib
import io
import json

import pyarrow.parquet as pq

from cli import cmd_run
from data.catalog import DatasetCatalog
from data.exports import PARQUET_COLUMNS, iter_export
from engine.backends.reference import ReferenceBackend
from engine.config import parse_config
from engine.schema import RESULT_SCHEMA
from tests.cli_run.conftest import BUSY_TOPICS, DATES


def test_run_writes_results_stats_and_manifest_into_out(intent, dataset, make_config, tmp_path):
    outcome = intent(
        "run", "--config", make_config(), "--dataset", dataset, "--out", tmp_path / "o"
    )
    assert outcome.code == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "manifest.json",
        "results.parquet",
        "stats.json",
    ]


def test_run_prints_counts_and_stage_timings(intent, dataset, make_config, tmp_path):
    outcome = intent(
        "run", "--config", make_config(), "--dataset", dataset, "--out", tmp_path / "o"
    )
    lines = outcome.out.splitlines()
    assert lines[0].startswith("candidateCount: ")
    assert lines[1].startswith("resultCount: ")
    assert "write" in lines[2]
    assert "stats" in lines[2]


def test_run_json_reports_the_manifest_counts(intent, dataset, make_config, tmp_path):
    out = tmp_path / "o"
    report = intent("run", "--config", make_config(), "--dataset", dataset, "--out", out, "--json")
    summary = report.json()
    manifest = json.loads((out / "manifest.json").read_text())
    assert (
        summary["resultCount"]
        == manifest["resultCount"]
        == pq.read_metadata(out / "results.parquet").num_rows
    )
    assert summary["candidateCount"] == manifest["candidateCount"] > 0


def test_run_defaults_to_the_latest_complete_date(intent, dataset, make_config, tmp_path):
    out = tmp_path / "o"
    intent("run", "--config", make_config(), "--dataset", dataset, "--out", out)
    assert json.loads((out / "manifest.json").read_text())["dataDate"] == DATES[-1]


def test_run_on_a_given_date_records_it(intent, dataset, make_config, tmp_path):
    out = tmp_path / "o"
    intent("run", "--config", make_config(), "--dataset", dataset, "--date", DATES[0], "--out", out)
    assert json.loads((out / "manifest.json").read_text())["dataDate"] == DATES[0]


def test_run_reads_the_dataset_from_settings_when_not_given(
    intent, dataset, make_config, tmp_path, monkeypatch
):
    monkeypatch.setenv("INTENT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("INTENT_SIGNING_SECRET", "s" * 64)
    monkeypatch.setenv("INTENT_DATASET", str(dataset))
    assert intent("run", "--config", make_config(), "--out", tmp_path / "o").code == 0


def test_reruns_give_byte_identical_results(intent, dataset, make_config, tmp_path):
    config = make_config()
    for name in ("a", "b"):
        intent("run", "--config", config, "--dataset", dataset, "--out", tmp_path / name)
    first, second = (tmp_path / n / "results.parquet" for n in ("a", "b"))
    assert first.read_bytes() == second.read_bytes()


def test_rerun_gives_the_same_config_hash_and_results_checksum(
    intent, dataset, make_config, tmp_path
):
    config = make_config(filters={"role.seniority": {"values": ["manager", "director"]}})
    manifests = []
    for name in ("a", "b"):
        intent("run", "--config", config, "--dataset", dataset, "--out", tmp_path / name)
        manifests.append(json.loads((tmp_path / name / "manifest.json").read_text()))
    first, second = ((m["configHash"], m["files"][0]) for m in manifests)
    assert first == second
    data = (tmp_path / "a" / "results.parquet").read_bytes()
    assert first[1]["sha256"] == hashlib.sha256(data).hexdigest()


def _reference_rows(dataset):
    inputs = DatasetCatalog(dataset).resolve(DATES[-1])
    return ReferenceBackend().materialize(inputs, parse_config({"topicIds": BUSY_TOPICS})).table


def test_results_read_back_as_the_reference_rows_in_order_and_schema(
    intent, dataset, make_config, tmp_path
):
    intent("run", "--config", make_config(), "--dataset", dataset, "--out", tmp_path / "o")
    stored = pq.read_table(tmp_path / "o" / "results.parquet")
    expected = _reference_rows(dataset)
    assert stored.num_rows > 0
    assert stored.schema.equals(RESULT_SCHEMA)
    assert stored.to_pylist() == expected.cast(RESULT_SCHEMA).to_pylist()


def test_parquet_export_reads_back_as_the_reference_rows(intent, dataset, make_config, tmp_path):
    intent("run", "--config", make_config(), "--dataset", dataset, "--out", tmp_path / "o")
    data = b"".join(iter_export(tmp_path / "o" / "results.parquet", "parquet"))
    exported = pq.read_table(io.BytesIO(data))
    expected = _reference_rows(dataset).cast(RESULT_SCHEMA).select(list(PARQUET_COLUMNS))
    assert exported.schema.equals(expected.schema)
    assert exported.to_pylist() == expected.to_pylist()


def test_verify_backend_runs_both_and_agrees(intent, dataset, make_config, tmp_path):
    args = ("--dataset", dataset, "--out", tmp_path / "o", "--json", "--backend", "verify")
    summary = intent("run", "--config", make_config(), *args).json()
    assert summary["backend"] == "verify"


def test_run_into_an_existing_empty_directory_fills_it(intent, dataset, make_config, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    assert intent("run", "--config", make_config(), "--dataset", dataset, "--out", out).code == 0
    assert (out / "manifest.json").exists()


def test_run_refuses_a_non_empty_out_and_leaves_it_alone(intent, dataset, make_config, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    outcome = intent("run", "--config", make_config(), "--dataset", dataset, "--out", out)
    assert outcome.code != 0
    assert "not an empty directory" in outcome.err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_invalid_config_names_the_field_and_writes_nothing(intent, dataset, make_config, tmp_path):
    config = make_config(minScore=500)
    outcome = intent("run", "--config", config, "--dataset", dataset, "--out", tmp_path / "o")
    assert outcome.code == 1
    assert "config.minScore" in outcome.err
    assert not (tmp_path / "o").exists()


def test_unknown_topic_is_refused_against_the_dataset(intent, dataset, make_config, tmp_path):
    config = make_config(topicIds=[9999])
    outcome = intent("run", "--config", config, "--dataset", dataset, "--out", tmp_path / "o")
    assert outcome.code == 1
    assert "9999" in outcome.err


def test_missing_config_file_is_named(intent, dataset, tmp_path):
    config = tmp_path / "nope.json"
    outcome = intent("run", "--config", config, "--dataset", dataset, "--out", tmp_path / "o")
    assert outcome.code != 0
    assert "nope.json" in outcome.err


def test_unknown_date_is_named_and_nothing_is_written(intent, dataset, make_config, tmp_path):
    args = ("--dataset", dataset, "--date", "2023-01-01", "--out", tmp_path / "o")
    outcome = intent("run", "--config", make_config(), *args)
    assert outcome.code != 0
    assert "2023-01-01" in outcome.err
    assert not (tmp_path / "o").exists()


def test_missing_dataset_directory_is_named(intent, make_config, tmp_path):
    args = ("--dataset", tmp_path / "nowhere", "--out", tmp_path / "o")
    outcome = intent("run", "--config", make_config(), *args)
    assert outcome.code != 0
    assert "nowhere" in outcome.err


def test_dataset_without_complete_dates_is_refused(intent, make_config, tmp_path):
    (tmp_path / "empty").mkdir()
    args = ("--dataset", tmp_path / "empty", "--out", tmp_path / "o")
    outcome = intent("run", "--config", make_config(), *args)
    assert outcome.code != 0
    assert "no complete data date" in outcome.err


def test_broken_data_file_fails_the_run_and_writes_nothing(
    intent, broken_dataset, make_config, tmp_path
):
    args = ("--dataset", broken_dataset, "--out", tmp_path / "o")
    outcome = intent("run", "--config", make_config(), *args)
    assert outcome.code == 1
    assert "failed" in outcome.err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".o")) == []
    assert not (tmp_path / "o").exists()


def test_failure_while_writing_leaves_no_out_and_no_partial_dir(
    intent, dataset, make_config, tmp_path, monkeypatch
):
    real = cmd_run.write_snapshot_dir

    def crash_after_writing(out, result, stats, manifest):
        real(out, result, stats, manifest)
        raise OSError("disk full")

    monkeypatch.setattr(cmd_run, "write_snapshot_dir", crash_after_writing)
    outcome = intent(
        "run", "--config", make_config(), "--dataset", dataset, "--out", tmp_path / "o"
    )
    assert outcome.code == 1
    assert "disk full" in outcome.err
    assert [p.name for p in tmp_path.iterdir() if p.name != "config-0.json"] == []
