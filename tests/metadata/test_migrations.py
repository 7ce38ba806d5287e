"""Migrations: an empty database reaches the head revision once, in parallel too, and matches
the table definitions exactly; a database at 0001 gains the stale-export index and loses it again
on downgrade."""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from data.metadata import tables
from data.metadata.engines import create_db_engine, writer
from data.metadata.migrate import (
    MIGRATIONS,
    alembic_config,
    current_revision,
    upgrade,
    upgrade_engine,
)
from data.metadata.models import Run
from data.metadata.sql import SqlMetadataStore
from engine.states import RunStatus
from tests.metadata import factories
from tests.metadata.factories import at

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()
STALE_EXPORTS_INDEX = "ix_exports_status_created_at"
TABLES_OF_0001 = {"organizations", "api_keys", "audiences", "runs", "exports", "idempotency_keys"}
CHANGES = ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def engine(empty_url: str) -> Iterator[sa.Engine]:
    made = create_db_engine(empty_url)
    yield made
    made.dispose()


def test_upgrade_of_an_empty_database_reaches_the_head_revision(empty_url: str) -> None:
    assert upgrade(empty_url) == HEAD


def test_upgrade_creates_every_table(engine: sa.Engine) -> None:
    upgrade_engine(engine)
    assert set(tables.metadata.tables) <= set(sa.inspect(engine).get_table_names())


def test_a_second_upgrade_changes_nothing(engine: sa.Engine) -> None:
    upgrade_engine(engine)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement.lstrip().upper())

    sa.event.listen(engine, "before_cursor_execute", record)
    assert upgrade_engine(engine) == HEAD
    assert [s for s in statements if s.startswith(CHANGES)] == []


def test_the_migrated_schema_matches_the_table_definitions(engine: sa.Engine) -> None:
    upgrade_engine(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, tables.metadata) == []


def test_processes_upgrading_an_empty_database_together_all_succeed(empty_url: str) -> None:
    with ThreadPoolExecutor(4) as pool:
        revisions = list(pool.map(upgrade, [empty_url] * 4))
    assert revisions == [HEAD] * 4


def test_an_empty_database_has_no_revision(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        assert current_revision(connection) is None


def _migrate(engine: sa.Engine, step: Callable[[Config, str], None], revision: str) -> str | None:
    """Run `command.upgrade` or `command.downgrade` to `revision`; returns the revision now."""
    with writer(engine).begin() as connection:
        step(alembic_config(connection), revision)
        return current_revision(connection)


def _export_indexes(engine: sa.Engine) -> dict[str, list[str | None]]:
    found = sa.inspect(engine).get_indexes("exports")
    return {str(index["name"]): index["column_names"] for index in found}


def test_upgrade_to_head_indexes_exports_by_status_and_creation_time(engine: sa.Engine) -> None:
    upgrade_engine(engine)
    assert _export_indexes(engine)[STALE_EXPORTS_INDEX] == ["status", "created_at"]


def test_a_database_at_0001_upgrades_to_head_with_the_stale_export_index(
    engine: sa.Engine,
) -> None:
    assert _migrate(engine, command.upgrade, "0001") == "0001"
    assert STALE_EXPORTS_INDEX not in _export_indexes(engine)
    assert upgrade_engine(engine) == HEAD
    assert STALE_EXPORTS_INDEX in _export_indexes(engine)


def test_downgrade_to_0001_removes_the_stale_export_index(engine: sa.Engine) -> None:
    upgrade_engine(engine)
    assert STALE_EXPORTS_INDEX in _export_indexes(engine)
    assert _migrate(engine, command.downgrade, "0001") == "0001"
    assert STALE_EXPORTS_INDEX not in _export_indexes(engine)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES_OF_0001


def _run_type_check(engine: sa.Engine) -> str:
    checks = sa.inspect(engine).get_check_constraints("runs")
    return next(str(c["sqltext"]) for c in checks if c["name"] == "ck_runs_run_type")


def test_a_database_at_0002_upgrades_to_accept_backfill_runs_and_downgrades_back(
    engine: sa.Engine,
) -> None:
    assert _migrate(engine, command.upgrade, "0002") == "0002"
    assert "backfill" not in _run_type_check(engine)
    upgrade_engine(engine)
    assert "backfill" in _run_type_check(engine)
    assert _migrate(engine, command.downgrade, "0002") == "0002"
    assert "backfill" not in _run_type_check(engine)


def _run_columns(engine: sa.Engine) -> set[str]:
    return {str(column["name"]) for column in sa.inspect(engine).get_columns("runs")}


PROGRESS_COLUMNS = {"stage", "progress", "lease_expiries", "gave_up"}


def test_a_database_at_0005_gains_run_progress_and_attempt_counts(engine: sa.Engine) -> None:
    assert _migrate(engine, command.upgrade, "0005") == "0005"
    assert not PROGRESS_COLUMNS & _run_columns(engine)
    assert upgrade_engine(engine) == HEAD
    assert _run_columns(engine) >= PROGRESS_COLUMNS


def test_downgrade_to_0005_removes_run_progress_and_attempt_counts(engine: sa.Engine) -> None:
    upgrade_engine(engine)
    assert _migrate(engine, command.downgrade, "0005") == "0005"
    assert not PROGRESS_COLUMNS & _run_columns(engine)


def test_webhook_tables_come_with_0006_and_go_with_its_downgrade(engine: sa.Engine) -> None:
    upgrade_engine(engine)
    assert {"webhook_endpoints", "webhook_deliveries"} <= set(sa.inspect(engine).get_table_names())
    _migrate(engine, command.downgrade, "0004")
    assert not {"webhook_endpoints", "webhook_deliveries"} & set(
        sa.inspect(engine).get_table_names()
    )


LEASE_COLUMNS = {"attempts", "lease_expires_at", "last_enqueued_at"}


def _export_columns(engine: sa.Engine) -> set[str]:
    return {column["name"] for column in sa.inspect(engine).get_columns("exports")}


def test_exports_gain_their_build_lease_with_0007_and_lose_it_on_downgrade(
    engine: sa.Engine,
) -> None:
    assert _migrate(engine, command.upgrade, "0006") == "0006"
    assert not LEASE_COLUMNS & _export_columns(engine)
    assert upgrade_engine(engine) == HEAD
    assert _export_columns(engine) >= LEASE_COLUMNS
    assert _migrate(engine, command.downgrade, "0006") == "0006"
    assert not LEASE_COLUMNS & _export_columns(engine)


def test_0008_writes_the_events_no_delivery_was_recorded_for_yet(engine: sa.Engine) -> None:
    assert _migrate(engine, command.upgrade, "0007") == "0007"
    store = SqlMetadataStore(engine)
    org = store.create_organization("acme", 10, at(0))
    audience = factories.audience(org.id)
    store.create_audience(audience)
    endpoint = factories.webhook(org.id, created_at=at(10))
    store.create_webhook(endpoint)

    def ended(status: RunStatus, seconds: float) -> Run:
        run = factories.run(audience, status=status, completed_at=at(seconds))
        assert store.insert_run(run)
        return run

    ended(RunStatus.COMPLETED, 5)  # before the endpoint
    delivered = ended(RunStatus.COMPLETED, 11)
    store.create_deliveries([factories.delivery(endpoint, subject_id=delivered.id)])
    completed, failed = ended(RunStatus.COMPLETED, 12), ended(RunStatus.FAILED, 13)
    assert upgrade_engine(engine) == HEAD
    events = store.pending_webhook_events()
    assert [(e.event_type, e.subject_id, e.occurred_at) for e in events] == [
        ("run.completed", completed.id, at(12)),
        ("run.failed", failed.id, at(13)),
    ]


def test_downgrade_to_0007_drops_the_events_and_restores_the_scan_indexes(
    engine: sa.Engine,
) -> None:
    upgrade_engine(engine)
    assert "webhook_events" in sa.inspect(engine).get_table_names()
    assert _migrate(engine, command.downgrade, "0007") == "0007"
    assert "webhook_events" not in sa.inspect(engine).get_table_names()
    assert "ix_exports_organization_id_completed_at" in _export_indexes(engine)
