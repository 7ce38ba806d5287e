"""Liveness and readiness: /health always answers, /ready names what is unreachable."""

from pathlib import Path

from tests.api.factories import Api, ApiMaker


def test_health_answers_ok_without_a_key(api: Api) -> None:
    reply = api.client.get("/health")
    assert (reply.status_code, reply.json()["data"]) == (200, {"status": "ok"})


def test_ready_checks_database_broker_and_dataset(api: Api) -> None:
    reply = api.client.get("/ready")
    assert reply.status_code == 200
    assert reply.json()["data"]["checks"] == {"database": "ok", "broker": "ok", "dataset": "ok"}


def test_ready_without_a_complete_dataset_is_503_naming_it(
    make_api: ApiMaker, tmp_path: Path
) -> None:
    api = make_api(dataset=tmp_path / "nothing-here")
    reply = api.client.get("/ready")
    assert reply.status_code == 503
    assert reply.json()["error"]["code"] == "NOT_READY"
    assert [d["field"] for d in reply.json()["error"]["details"]] == ["dataset"]
