"""SQLite connection set-up: the switch to WAL mode waits out a connection switching the same new
file, which SQLite reports at once as "database is locked" without calling its busy handler."""

import sqlite3
from pathlib import Path

import pytest

from data.metadata.engines import _enter_wal_mode, create_db_engine


class LockedCursor:
    """A cursor whose first `locked` executions fail as SQLite's do during a concurrent switch."""

    def __init__(self, locked: int, message: str = "database is locked") -> None:
        self.locked = locked
        self.message = message
        self.statements: list[str] = []

    def execute(self, statement: str) -> None:
        self.statements.append(statement)
        if len(self.statements) <= self.locked:
            raise sqlite3.OperationalError(self.message)


def test_the_switch_to_wal_mode_is_retried_while_the_file_is_locked() -> None:
    cursor = LockedCursor(locked=3)
    _enter_wal_mode(cursor)
    assert cursor.statements == ["PRAGMA journal_mode = WAL"] * 4


def test_other_errors_of_the_switch_are_raised_at_once() -> None:
    cursor = LockedCursor(locked=1, message="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        _enter_wal_mode(cursor)
    assert len(cursor.statements) == 1


def test_a_new_sqlite_file_is_opened_in_wal_mode(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'meta.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
