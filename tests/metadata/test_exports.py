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


def test_unattended_exports_are_unleased_processing_ones_last_sent_before_the_cutoff(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    never_sent = make_export(created_at=at(1))
    make_export(created_at=at(100))  # created after the cutoff
    make_export(created_at=at(1), last_enqueued_at=at(60))  # sent again after it
    store.finish_export(_finished(make_export(created_at=at(1))))
    leased = make_export(created_at=at(1))
    assert store.claim_export(leased, at(2), at(500))
    expired = make_export(created_at=at(1))
    assert store.claim_export(expired, at(2), at(40))
    found = {e.id: e.attempts for e in store.unattended_exports(at(45), sent_before=at(50))}
    assert found == {never_sent.id: 0, expired.id: 1}


def test_a_claim_takes_the_next_attempt_and_holds_a_lease(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    assert store.claim_export(export, at(1), at(31))
    claimed = store.get_export(export.id)
    assert claimed is not None
    assert (claimed.attempts, claimed.lease_expires_at) == (1, at(31))
    assert not store.claim_export(export, at(2), at(32))  # the same attempt claimed twice
    assert not store.claim_export(claimed, at(30), at(60))  # the lease is still live
    assert store.claim_export(claimed, at(32), at(62))  # it expired: the next attempt
    assert store.get_export(export.id) == replace(claimed, attempts=2, lease_expires_at=at(62))


def test_a_finished_export_is_claimed_no_more(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    assert store.finish_export(_finished(export))
    assert not store.claim_export(_finished(export), at(10), at(40))


def test_heartbeat_extends_only_the_building_attempt(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    assert store.claim_export(export, at(1), at(31))
    assert store.heartbeat_export(export.id, 1, at(41))
    assert not store.heartbeat_export(export.id, 2, at(51))
    current = store.get_export(export.id)
    assert current is not None
    assert current.lease_expires_at == at(41)
    assert store.claim_export(current, at(42), at(72))
    assert not store.heartbeat_export(export.id, 1, at(80))  # fenced off


def test_a_fenced_off_attempt_finishes_nothing(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    assert store.claim_export(export, at(1), at(31))
    first = replace(export, attempts=1, lease_expires_at=at(31))
    assert store.claim_export(first, at(32), at(62))
    assert not store.finish_export(_finished(first))
    second = replace(first, attempts=2, lease_expires_at=at(62))
    assert store.finish_export(_finished(second))
    assert store.get_export(export.id) == _finished(second)


def test_marking_enqueued_records_the_send_of_a_processing_export(
    store: MetadataStore, make_export: Callable[..., Export]
) -> None:
    export = make_export()
    assert store.mark_export_enqueued(export.id, at(7))
    assert store.get_export(export.id) == replace(export, last_enqueued_at=at(7))
    store.finish_export(_finished(export))
    assert not store.mark_export_enqueued(export.id, at(9))


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
