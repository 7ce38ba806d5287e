"""Contract: one stored export per run and format, created once and finished once."""

from collections.abc import Callable
from dataclasses import replace

import pytest

from data.metadata.models import Export, ExportId, Organization, Run
from data.metadata.store import MetadataStore
from tests.metadata import factories
from tests.metadata.factories import at


def _finished(export: Export) -> Export:
    return replace(
        export,
        status="completed",
        path="exports/x.csv",
        byte_size=2048,
        row_count=10,
        sha256="e" * 64,
        completed_at=at(5),
        expires_at=at(86_400),
    )


def test_created_export_is_found_by_id_and_by_run_and_type(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    assert store.get_export(export.id) == export
    assert store.find_export(export.run_id, "csv") == export
    assert store.find_export(export.run_id, "parquet") is None


def test_second_export_of_one_run_and_type_is_refused(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    first = make_export()
    run = store.get_run(first.run_id)
    assert run is not None
    again = factories.export(run)
    assert not store.create_export(again)
    assert store.get_export(again.id) is None


def test_export_read_through_another_organization_is_none(
    store: MetadataStore,
    make_export: Callable[..., Export],
    make_org: Callable[..., Organization],
) -> None:
    export = make_export()
    assert store.get_export(export.id, make_org().id) is None
    assert store.get_export(export.id, export.organization_id) == export


def test_unknown_export_is_none(store: MetadataStore) -> None:
    assert store.get_export(ExportId(factories.new_id())) is None


def test_exports_of_a_run_are_listed_oldest_first(
    store: MetadataStore, make_run: Callable[..., Run], make_export: Callable[..., Export]
) -> None:
    run = make_run()
    jsonl = make_export(run, export_type="jsonl", created_at=at(2))
    csv = make_export(run, export_type="csv", created_at=at(1))
    make_export()  # another run's
    assert store.list_exports(run.id) == [csv, jsonl]


def test_finish_writes_the_result_fields(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    assert store.finish_export(_finished(export))
    assert store.get_export(export.id) == _finished(export)


def test_a_finished_export_cannot_be_finished_again(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    store.finish_export(_finished(export))
    assert not store.finish_export(replace(export, status="failed", error_code="INTERNAL"))
    assert store.get_export(export.id) == _finished(export)


def test_finishing_with_a_non_final_status_is_a_bug(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    with pytest.raises(ValueError, match=r"export .* cannot go from"):
        store.finish_export(export)


def _failed(export: Export) -> Export:
    return replace(
        export, status="failed", error_code="WORKER_LOST", error_message="lost", completed_at=at(5)
    )


def test_stale_exports_are_the_processing_ones_created_before_the_cutoff(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    old = make_export(created_at=at(1))
    make_export(created_at=at(100))
    store.finish_export(_finished(make_export(created_at=at(1))))
    assert store.stale_exports(at(50)) == [old]


def test_restart_makes_a_failed_export_processing_again(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    store.finish_export(_failed(export))
    again = replace(export, created_at=at(60))
    assert store.restart_export(again)
    assert store.get_export(export.id) == again


def test_restart_leaves_a_processing_export_alone(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    assert not store.restart_export(replace(export, created_at=at(60)))
    assert store.get_export(export.id) == export


def test_restart_leaves_a_completed_export_alone(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    store.finish_export(_finished(export))
    assert not store.restart_export(replace(export, created_at=at(60)))
    assert store.get_export(export.id) == _finished(export)


def test_restarting_with_a_final_status_is_a_bug(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    store.finish_export(_failed(export))
    with pytest.raises(ValueError, match=r"export .* cannot go from"):
        store.restart_export(_failed(export))
