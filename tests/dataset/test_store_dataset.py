"""`intent data generate --out s3://`, `data ingest --dataset s3://` and `data validate s3://`
against the local S3 server: the same files as on disk, published manifests last."""

import json
import re
import uuid
from pathlib import Path

import pyarrow.fs as pafs
import pytest

from cli.main import main
from data import contract
from data.storage import LocalStore, ObjectInfo, Store, open_store
from data.store_catalog import StoreCatalog
from data.store_dataset import UPLOAD_PREFIX, listed_paths, publish, relocated, validate_store
from tests import services
from tests.dataset.conftest import DATES
from tests.dataset.files import export_date

GENERATE = ("--scale", "0.001", "--days", "2", "--end-date", DATES[-1], "--seed", "7")


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    return int(exited.value.code or 0)


@pytest.fixture
def location(s3_bucket: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh prefix of the session's bucket, with the AWS_* variables pointing at it."""
    for name, value in services.aws_env().items():
        monkeypatch.setenv(name, value)
    return f"s3://{s3_bucket}/{uuid.uuid4().hex}/dataset"


@pytest.fixture
def generated(location: str) -> str:
    assert run("data", "generate", "--out", location, *GENERATE, "--topics", "300") == 0
    return location


def test_generate_to_s3_writes_the_bytes_of_a_local_run(generated: str, pristine: Path) -> None:
    store = open_store(generated, services.S3)
    for day in DATES:
        key = f"intent/data_date={day}/{contract.MANIFEST_NAME}"
        remote = json.loads(store.read_bytes(key))
        prefix = str(remote["files"][0]["path"]).split("/")[0] + "/"
        assert prefix.startswith(UPLOAD_PREFIX)
        assert remote == relocated(
            json.loads(contract.manifest_path(pristine, day).read_bytes()), prefix
        )
        for path in listed_paths(remote):
            local = contract.intent_dir(pristine, day) / path.removeprefix(prefix)
            assert store.read_bytes(f"intent/data_date={day}/{path}") == local.read_bytes()
    assert store.read_bytes("topics.parquet") == contract.topics_path(pristine).read_bytes()
    assert StoreCatalog(store).complete_dates() == list(DATES)


def test_generate_refuses_existing_dates_unless_replaced(
    generated: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run("data", "generate", "--out", generated, *GENERATE, "--topics", "300") == 2
    assert f"data dates already exist in {generated}" in capsys.readouterr().err
    again = ("--topics", "300", "--replace", "--json")
    assert run("data", "generate", "--out", generated, *GENERATE, *again) == 0
    assert json.loads(capsys.readouterr().out)["dataset"] == generated


def test_generate_with_replace_never_rewrites_a_stored_people_version(
    generated: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(generated, services.S3)
    key = f"people/version={DATES[-1]}"
    before = {name: store.read_bytes(f"{key}/{name}") for name in store.files(key)}
    other = [*GENERATE[:-1], "8", "--topics", "300", "--replace", "--json"]
    capsys.readouterr()
    assert run("data", "generate", "--out", generated, *other) == 0
    assert json.loads(capsys.readouterr().out)["peopleVersion"] == f"{DATES[-1]}.2"
    assert {name: store.read_bytes(f"{key}/{name}") for name in store.files(key)} == before
    for day in DATES:
        manifest = json.loads(store.read_bytes(f"intent/data_date={day}/{contract.MANIFEST_NAME}"))
        assert manifest["peopleVersion"] == f"{DATES[-1]}.2"
    assert validate_store(store).ok


def test_validate_an_s3_dataset(generated: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run("data", "validate", generated, "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["ok"], document["root"], document["dates"]) == (True, generated, list(DATES))
    store = open_store(generated, services.S3)
    store.delete_tree("topics.parquet")
    assert run("data", "validate", generated, "--date", DATES[1]) == 1
    assert "error: topics.parquet: missing topics file" in capsys.readouterr().out


def test_validate_names_a_missing_bucket(location: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("data", "validate", "s3://intent-no-such-bucket/dataset") == 1
    assert "'intent-no-such-bucket' does not exist" in capsys.readouterr().err


def test_ingest_into_s3_adds_a_complete_date(
    generated: str, pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = export_date(pristine, DATES[0], tmp_path / "files")
    new_date = "2024-03-03"
    ingest = ("data", "ingest", "--dataset", generated, "--intent", str(files["intent"]))
    assert run(*ingest, "--date", new_date, "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["dataDate"], document["peopleVersion"]) == (new_date, DATES[-1])
    catalog = StoreCatalog(open_store(generated, services.S3))
    assert catalog.complete_dates() == [*DATES, new_date]
    assert catalog.manifest(new_date)["rowCount"] == document["rowCount"] > 0
    assert run(*ingest, "--date", new_date) == 1
    assert "--replace" in capsys.readouterr().err
    assert run("data", "validate", generated) == 0


def test_ingest_with_people_makes_a_new_version_in_the_store(
    generated: str, pristine: Path, tmp_path: Path
) -> None:
    files = export_date(pristine, DATES[0], tmp_path / "files", suffix=".parquet")
    people = ("--people", str(files["people"]), "--topics", str(files["topics"]))
    ingest = ("data", "ingest", "--dataset", generated, "--intent", str(files["intent"]))
    assert run(*ingest, *people, "--date", "2024-03-04") == 0
    catalog = StoreCatalog(open_store(generated, services.S3))
    assert catalog.people_version("2024-03-04") == "2024-03-04"
    assert catalog.people_files("2024-03-04")


class RecordingStore:
    """A store that remembers the order of the keys written to it."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.written: list[str] = []

    def upload(self, source: Path, key: str) -> None:
        self.written.append(key)
        self.inner.upload(source, key)

    def write_bytes_if(self, key: str, data: bytes, expected: str | None) -> bool:
        self.written.append(key)
        return self.inner.write_bytes_if(key, data, expected)

    def info(self, key: str) -> ObjectInfo | None:
        return self.inner.info(key)

    def read_tagged(self, key: str) -> tuple[bytes, str] | None:
        return self.inner.read_tagged(key)

    def locate(self, key: str) -> str:
        return self.inner.locate(key)

    def note_request(self, operation: str, n: int = 1) -> None:
        self.inner.note_request(operation, n)

    @property
    def filesystem(self) -> pafs.FileSystem:
        return self.inner.filesystem

    def files(self, key: str) -> list[str]:
        return self.inner.files(key)

    def children(self, key: str) -> list[str]:
        return self.inner.children(key)

    def delete_tree(self, key: str) -> None:
        self.inner.delete_tree(key)


def test_publishing_uploads_every_manifest_after_every_part(pristine: Path, tmp_path: Path) -> None:
    recording = RecordingStore(LocalStore(tmp_path / "copy"))
    publish(pristine, recording)  # type: ignore[arg-type]  # the methods publish uses
    manifests = [i for i, key in enumerate(recording.written) if key.endswith("_manifest.json")]
    assert len(manifests) == len(DATES)
    assert min(manifests) == len(recording.written) - len(DATES)
    assert recording.written[0] == "topics.parquet"
    uploaded = {path.relative_to(pristine).as_posix() for path in pristine.rglob("*.*")}
    assert {re.sub(r"/v-[0-9a-f]{12}/", "/", key) for key in recording.written} == uploaded


class FailingStore(RecordingStore):
    """A store whose upload of the last date's topic stats fails, as a dropped connection would."""

    def upload(self, source: Path, key: str) -> None:
        if key.startswith(f"intent/data_date={DATES[-1]}/") and source.name.startswith("_topic"):
            raise OSError("connection reset by peer")
        super().upload(source, key)


def test_a_publish_that_fails_removes_the_dates_it_uploaded_and_publishes_none(
    pristine: Path, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    failing = FailingStore(LocalStore(root))
    with pytest.raises(OSError, match="connection reset"):
        publish(pristine, failing)  # type: ignore[arg-type]  # the methods publish uses
    assert any(key.startswith(f"intent/data_date={DATES[0]}/") for key in failing.written)
    assert not [p for p in (root / "intent").rglob("*") if p.is_file()]
