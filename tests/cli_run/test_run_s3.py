"""`intent run` over a dataset in an object store writes the rows of the same run on local disk."""

import socket
import uuid

import pyarrow.parquet as pq
import pytest

from data.storage import open_store
from tests import services
from tests.dataset.test_store_catalog import upload_tree


def test_run_over_an_s3_dataset_writes_the_local_rows(
    intent, dataset, make_config, tmp_path, s3_bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(f"s3://{s3_bucket}/{uuid.uuid4().hex}", services.S3)
    upload_tree(dataset, store)
    for name, value in services.aws_env().items():
        monkeypatch.setenv(name, value)
    config = make_config()

    local = intent("run", "--config", config, "--dataset", dataset, "--out", tmp_path / "local")
    remote = intent("run", "--config", config, "--dataset", store.uri, "--out", tmp_path / "s3")

    assert (local.code, remote.code) == (0, 0), remote.err
    rows = [pq.read_table(tmp_path / out / "results.parquet") for out in ("local", "s3")]
    assert rows[0].num_rows > 0
    assert rows[1].equals(rows[0])


def test_run_over_a_missing_bucket_says_which(
    intent, make_config, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in services.aws_env().items():
        monkeypatch.setenv(name, value)
    bucket = f"intent-absent-{uuid.uuid4().hex[:12]}"
    outcome = intent(
        "run",
        "--config",
        make_config(),
        "--dataset",
        f"s3://{bucket}/data",
        "--out",
        tmp_path / "o",
    )
    assert outcome.code != 0
    assert bucket in outcome.err


def test_run_against_an_unreachable_endpoint_names_it(
    intent, make_config, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in services.aws_env().items():
        monkeypatch.setenv(name, value)
    with socket.socket() as unused:  # a port bound and not listening refuses connections
        unused.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{unused.getsockname()[1]}"
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        outcome = intent(
            "run",
            "--config",
            make_config(),
            "--dataset",
            "s3://some-bucket/data",
            "--out",
            tmp_path / "o",
        )
    assert outcome.code != 0
    assert endpoint in outcome.err
    assert "AWS_ENDPOINT_URL" in outcome.err
    assert "Traceback" not in outcome.err
