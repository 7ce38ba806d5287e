"""Liveness and readiness: /health always answers, /ready names what is unreachable."""

from pathlib import Path

from data.storage import S3Settings
from tests import services
from tests.api.factories import Api, ApiMaker


def test_health_answers_ok_without_a_key(api: Api) -> None:
    reply = api.client.get("/health")
    assert (reply.status_code, reply.json()["data"]) == (200, {"status": "ok"})


def test_ready_checks_database_broker_dataset_and_snapshots(api: Api) -> None:
    reply = api.client.get("/ready")
    assert reply.status_code == 200
    assert reply.json()["data"]["checks"] == {
        "database": "ok",
        "broker": "ok",
        "dataset": "ok",
        "snapshots": "ok",
    }


def test_ready_without_a_complete_dataset_is_503_naming_it(
    make_api: ApiMaker, tmp_path: Path
) -> None:
    api = make_api(dataset=tmp_path / "nothing-here")
    reply = api.client.get("/ready")
    assert reply.status_code == 503
    assert reply.json()["error"]["code"] == "NOT_READY"
    assert [d["field"] for d in reply.json()["error"]["details"]] == ["dataset"]


def test_ready_with_a_missing_bucket_is_503_naming_it(make_api: ApiMaker) -> None:
    services.require(services.S3_PORT, "the S3 server")
    api = make_api(dataset="s3://intent-no-such-bucket/dataset")
    reply = api.client.get("/ready")
    assert reply.status_code == 503
    [detail] = reply.json()["error"]["details"]
    assert detail["field"] == "dataset"
    assert "'intent-no-such-bucket' does not exist at http://127.0.0.1:9000" in detail["message"]


def test_ready_with_refused_credentials_is_503_saying_so(
    make_api: ApiMaker, refusing_s3: S3Settings
) -> None:
    api = make_api(dataset="s3://intent-data/dataset", s3=refusing_s3)
    reply = api.client.get("/ready")
    assert reply.status_code == 503
    [detail] = reply.json()["error"]["details"]
    assert detail["field"] == "dataset"
    assert "'intent-data' at http://127.0.0.1:" in detail["message"]
    assert "refused the credentials" in detail["message"]


def test_ready_with_snapshots_in_a_missing_bucket_is_503_naming_it(make_api: ApiMaker) -> None:
    services.require(services.S3_PORT, "the S3 server")
    api = make_api(snapshots="s3://intent-no-such-snapshots/runs", s3=services.S3)
    reply = api.client.get("/ready")
    assert reply.status_code == 503
    [detail] = reply.json()["error"]["details"]
    assert detail["field"] == "snapshots"
    assert (
        "'intent-no-such-snapshots' does not exist at http://127.0.0.1:9000" in (detail["message"])
    )
