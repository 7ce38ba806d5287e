"""`intent db upgrade`: migrates the database named on the command line or by the settings."""

from pathlib import Path

import pytest

from cli.main import main
from tests.metadata.test_migrations import HEAD


def _exit_code(argv: list[str]) -> int | str | None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    return exited.value.code


def test_db_upgrade_migrates_the_url_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert _exit_code(["db", "upgrade", "--database-url", url]) == 0
    assert f"revision {HEAD}" in capsys.readouterr().out


def test_db_upgrade_defaults_to_the_database_of_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTENT_HOME", str(tmp_path))
    monkeypatch.delenv("INTENT_DATABASE_URL", raising=False)
    assert _exit_code(["db", "upgrade"]) == 0
    assert (tmp_path / "intent.db").exists()


def test_db_upgrade_of_a_malformed_url_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _exit_code(["db", "upgrade", "--database-url", "nonsense"]) == 2
    assert "not a database URL" in capsys.readouterr().err


def test_db_upgrade_of_an_unreachable_database_fails_without_showing_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql+psycopg://intent:hunter2@127.0.0.1:9/intent"
    assert _exit_code(["db", "upgrade", "--database-url", url]) == 1
    assert "hunter2" not in capsys.readouterr().err
