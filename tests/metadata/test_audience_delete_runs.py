"""Contract: deleting an audience cancels its queued runs in the same write, and no other run."""

from collections.abc import Callable
from dataclasses import replace

import pytest

from data.metadata.models import Audience, AudienceId, Organization, Run
from data.metadata.store import MetadataStore
from engine.states import RunStatus
from tests.metadata.factories import at, new_id

NOT_QUEUED = [RunStatus.RUNNING, RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED]


def _reread(store: MetadataStore, runs: list[Run]) -> list[Run | None]:
    return [store.get_run(run.id) for run in runs]


def test_queued_runs_of_a_deleted_audience_are_cancelled(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    queued = [make_run(created_at=at(s)) for s in (1, 2, 3)]
    assert store.delete_audience(audience.organization_id, audience.id, at(5))
    cancelled = [replace(run, status=RunStatus.CANCELLED, cancelled_at=at(5)) for run in queued]
    assert _reread(store, queued) == cancelled


def test_a_run_cancelled_by_the_delete_equals_one_cancelled_by_cancel_run(
    store: MetadataStore,
    make_audience: Callable[..., Audience],
    make_run: Callable[..., Run],
) -> None:
    deleted, kept = make_audience(), make_audience()
    by_delete, by_cancel = make_run(deleted), make_run(kept)
    assert store.delete_audience(deleted.organization_id, deleted.id, at(5))
    assert store.cancel_run(by_cancel.id, at(5))
    after_delete, after_cancel = _reread(store, [by_delete, by_cancel])
    assert after_delete is not None
    assert after_cancel is not None
    owners = {"id": after_cancel.id, "audience_id": after_cancel.audience_id}
    assert replace(after_delete, **owners) == after_cancel


@pytest.mark.parametrize("status", NOT_QUEUED)
def test_runs_of_a_deleted_audience_that_are_not_queued_are_unchanged(
    store: MetadataStore, audience: Audience, run_in: Callable[..., Run], status: RunStatus
) -> None:
    run = run_in(status)
    assert store.delete_audience(audience.organization_id, audience.id, at(5))
    assert store.get_run(run.id) == run


def test_runs_of_other_audiences_are_untouched(
    store: MetadataStore,
    audience: Audience,
    make_audience: Callable[..., Audience],
    make_org: Callable[..., Organization],
    make_run: Callable[..., Run],
) -> None:
    neighbour = make_audience()
    foreign = make_audience(organization_id=make_org().id)
    others = [make_run(neighbour), make_run(foreign)]
    make_run()  # of the deleted audience
    assert store.delete_audience(audience.organization_id, audience.id, at(5))
    assert _reread(store, others) == others


def test_deleting_an_unknown_audience_changes_no_run(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    run = make_run()
    assert not store.delete_audience(audience.organization_id, AudienceId(new_id()), at(5))
    assert store.get_run(run.id) == run


def test_deleting_another_organizations_audience_changes_no_run(
    store: MetadataStore,
    audience: Audience,
    make_org: Callable[..., Organization],
    make_run: Callable[..., Run],
) -> None:
    run = make_run()
    assert not store.delete_audience(make_org().id, audience.id, at(5))
    assert store.get_run(run.id) == run


def test_deleting_a_deleted_audience_again_changes_no_run(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    assert store.delete_audience(audience.organization_id, audience.id, at(5))
    late = make_run()  # inserted after the delete: the store does not refuse it
    assert not store.delete_audience(audience.organization_id, audience.id, at(6))
    assert store.get_run(late.id) == late
