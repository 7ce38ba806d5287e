"""`intent orgs` and `intent keys`: the key is printed once and then works against the API."""

import json
from pathlib import Path

import pytest

from cli.main import main
from data.metadata.connect import open_store
from jobs import accounts


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'intent.db'}"
    monkeypatch.setenv("INTENT_HOME", str(tmp_path))
    monkeypatch.setenv("INTENT_DATABASE_URL", url)
    monkeypatch.setenv("INTENT_AUDIENCE_SLOTS", "7")
    return url


def _intent(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_org_gets_the_default_slots_unless_given(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _intent(capsys, "orgs", "create", "acme", "--json")
    _, other, _ = _intent(capsys, "orgs", "create", "globex", "--slots", "2", "--json")
    assert json.loads(out)["audienceSlots"] == 7
    assert json.loads(other)["audienceSlots"] == 2


def test_created_key_is_printed_once_and_authenticates(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, org, _ = _intent(capsys, "orgs", "create", "acme", "--json")
    code, out, _ = _intent(capsys, "keys", "create", "--org", "acme", "--json")
    shown = json.loads(out)
    assert code == 0
    assert set(shown) == {"keyId", "apiKey", "organizationId"}
    assert shown["organizationId"] == json.loads(org)["id"]
    assert accounts.authenticate(open_store(database), shown["apiKey"]) == shown["organizationId"]
    _, listed, _ = _intent(capsys, "keys", "list", "--json")
    assert shown["apiKey"] not in listed
    assert [k["keyId"] for k in json.loads(listed)] == [shown["keyId"]]


def test_revoked_key_stops_authenticating(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _intent(capsys, "orgs", "create", "acme")
    shown = json.loads(_intent(capsys, "keys", "create", "--org", "acme", "--json")[1])
    code, out, _ = _intent(capsys, "keys", "revoke", shown["keyId"])
    assert code == 0
    assert shown["keyId"] in out
    assert accounts.authenticate(open_store(database), shown["apiKey"]) is None
    listed = _intent(capsys, "keys", "list", "--org", "acme")[1]
    assert "revoked" in listed


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("keys", "create", "--org", "nobody"), "nobody"),
        (("keys", "revoke", "missing-key"), "missing-key"),
        (("keys", "list", "--org", "nobody"), "nobody"),
    ],
    ids=["key-for-unknown-org", "revoke-unknown-key", "list-unknown-org"],
)
def test_refusals_exit_1_naming_what_is_missing(
    database: str, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], named: str
) -> None:
    code, out, err = _intent(capsys, *argv)
    assert code == 1
    assert out == ""
    assert named in err


def test_second_org_with_the_same_name_exits_1(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _intent(capsys, "orgs", "create", "acme")
    code, _, err = _intent(capsys, "orgs", "create", "acme")
    assert code == 1
    assert "acme" in err
