"""Contract: webhook endpoints, their deliveries, and the sender's guarded claims and scans."""

from dataclasses import replace
from datetime import datetime

from data.metadata.models import ExportId, Organization, Run, RunId, WebhookEndpoint
from data.metadata.store import MetadataStore
from engine.states import DeliveryStatus, RunStatus
from tests.metadata import factories
from tests.metadata.factories import at


def _endpoint(store: MetadataStore, org: Organization, **overrides: object) -> WebhookEndpoint:
    endpoint = factories.webhook(org.id, **overrides)
    store.create_webhook(endpoint)
    return endpoint


def test_endpoint_reads_back_only_in_its_organization(
    store: MetadataStore, org: Organization, make_org
) -> None:
    endpoint = _endpoint(store, org)
    assert store.get_webhook(org.id, endpoint.id) == endpoint
    assert store.get_webhook(make_org().id, endpoint.id) is None
    assert store.list_webhooks(org.id) == [endpoint]


def test_deleted_endpoint_is_gone_from_every_read(store: MetadataStore, org: Organization) -> None:
    endpoint = _endpoint(store, org)
    assert store.delete_webhook(org.id, endpoint.id, at(1))
    assert not store.delete_webhook(org.id, endpoint.id, at(2))
    assert store.get_webhook(org.id, endpoint.id) is None
    assert store.list_webhooks(org.id) == []
    assert store.enabled_webhooks() == []


def test_failed_deliveries_disable_an_endpoint_at_the_threshold_and_success_resets(
    store: MetadataStore, org: Organization
) -> None:
    endpoint = _endpoint(store, org)
    store.record_webhook_result(endpoint.id, False, 2, at(1))
    store.record_webhook_result(endpoint.id, True, 2, at(2))
    store.record_webhook_result(endpoint.id, False, 2, at(3))
    assert store.enabled_webhooks() == [replace(endpoint, consecutive_failures=1)]
    store.record_webhook_result(endpoint.id, False, 2, at(4))
    disabled = store.get_webhook(org.id, endpoint.id)
    assert disabled is not None
    assert (disabled.consecutive_failures, disabled.disabled_at) == (2, at(4))
    assert store.enabled_webhooks() == []


def test_one_delivery_per_endpoint_event_and_subject(
    store: MetadataStore, org: Organization
) -> None:
    endpoint = _endpoint(store, org)
    first = factories.delivery(endpoint)
    assert store.create_deliveries([first]) == [first]
    again = factories.delivery(endpoint, subject_id=first.subject_id)
    failed = factories.delivery(endpoint, subject_id=first.subject_id, event_type="run.failed")
    assert store.create_deliveries([again, failed]) == [failed]
    assert store.get_delivery(first.id) == first
    assert store.get_delivery(again.id) is None


def test_deliveries_are_written_together_in_the_given_order_without_duplicates(
    store: MetadataStore, org: Organization
) -> None:
    endpoint = _endpoint(store, org)
    batch = [factories.delivery(endpoint, created_at=at(n)) for n in range(5)]
    twin = factories.delivery(endpoint, subject_id=batch[2].subject_id)
    assert store.create_deliveries([*batch, twin]) == batch
    assert store.create_deliveries([]) == []
    assert store.create_deliveries(batch) == []
    assert store.list_deliveries(endpoint.id, 10) == batch[::-1]


def test_a_due_delivery_is_claimed_once_and_due_again_after_its_lease(
    store: MetadataStore, org: Organization
) -> None:
    delivery = factories.delivery(_endpoint(store, org))
    store.create_deliveries([delivery])
    assert store.due_deliveries(at(0)) == [delivery]
    [claimed] = store.claim_deliveries(at(0), at(30), 10)
    assert claimed == replace(delivery, attempts=1, next_attempt_at=at(30))
    assert store.claim_deliveries(at(0), at(30), 10) == []
    assert store.due_deliveries(at(29)) == []
    assert store.due_deliveries(at(30)) == [claimed]


def test_a_claim_takes_the_longest_waiting_due_deliveries_up_to_its_limit(
    store: MetadataStore, org: Organization
) -> None:
    endpoint = _endpoint(store, org)
    waits = [5, 1, 3, 2, 4]
    batch = [factories.delivery(endpoint, created_at=at(0), next_attempt_at=at(n)) for n in waits]
    later = factories.delivery(endpoint, created_at=at(0), next_attempt_at=at(100))
    store.create_deliveries([*batch, later])
    first = store.claim_deliveries(at(10), at(40), 2)
    assert {d.next_attempt_at for d in first} == {at(40)}
    assert sorted(d.id for d in first) == sorted(d.id for d in batch if d.next_attempt_at <= at(2))
    rest = store.claim_deliveries(at(10), at(40), 10)
    assert sorted(d.id for d in rest) == sorted(d.id for d in batch if d.next_attempt_at > at(2))
    assert all(d.attempts == 1 for d in first + rest)
    assert store.claim_deliveries(at(39), at(70), 10) == []
    again = store.claim_deliveries(at(100), at(130), 10)  # the leases ran out; `later` is due
    assert {d.id: d.attempts for d in again} == {d.id: 2 for d in batch} | {later.id: 1}


def test_finishing_is_fenced_by_the_attempt_that_claimed(
    store: MetadataStore, org: Organization
) -> None:
    delivery = factories.delivery(_endpoint(store, org))
    store.create_deliveries([delivery])
    [first] = store.claim_deliveries(at(0), at(30), 1)
    [second] = store.claim_deliveries(at(30), at(60), 1)  # the first sender vanished
    assert second.attempts == 2
    stale = replace(first, status=DeliveryStatus.SUCCEEDED, delivered_at=at(31))
    assert store.finish_deliveries([stale]) == [False]
    done = replace(
        second, status=DeliveryStatus.SUCCEEDED, last_status_code=204, delivered_at=at(32)
    )
    assert store.finish_deliveries([done, stale]) == [True, False]
    assert store.get_delivery(delivery.id) == done
    assert store.finish_deliveries([done]) == [False]  # no longer pending
    assert store.due_deliveries(at(999)) == []
    assert store.finish_deliveries([]) == []


def test_outcomes_of_a_batch_are_written_each_on_its_own_delivery(
    store: MetadataStore, org: Organization
) -> None:
    endpoint = _endpoint(store, org)
    store.create_deliveries([factories.delivery(endpoint) for _ in range(3)])
    ok, retry, failed = store.claim_deliveries(at(0), at(30), 3)
    outcomes = [
        replace(ok, status=DeliveryStatus.SUCCEEDED, last_status_code=200, delivered_at=at(1)),
        replace(retry, last_status_code=500, last_error="500", next_attempt_at=at(60)),
        replace(failed, status=DeliveryStatus.FAILED, last_error="refused"),
    ]
    assert store.finish_deliveries(outcomes) == [True, True, True]
    assert [store.get_delivery(d.id) for d in outcomes] == outcomes
    assert store.due_deliveries(at(59)) == []
    assert store.due_deliveries(at(60)) == [outcomes[1]]


def _events(store: MetadataStore) -> list[tuple[str, str, datetime]]:
    return [(e.event_type, e.subject_id, e.occurred_at) for e in store.pending_webhook_events()]


def test_a_run_that_ends_is_written_as_an_event_with_its_end(
    store: MetadataStore, org: Organization, run_in
) -> None:
    _endpoint(store, org)
    completed = run_in(RunStatus.COMPLETED)
    failed = run_in(RunStatus.FAILED)
    run_in(RunStatus.CANCELLED)
    run_in(RunStatus.RUNNING)
    assert _events(store) == [
        ("run.completed", completed.id, completed.completed_at),
        ("run.failed", failed.id, failed.completed_at),
    ]
    [event, _] = store.pending_webhook_events()
    assert event.organization_id == org.id


def test_a_completed_export_is_written_as_an_event_and_a_failed_one_is_not(
    store: MetadataStore, org: Organization, make_export
) -> None:
    _endpoint(store, org, events="export.completed")
    done, lost = make_export(), make_export()
    assert store.finish_export(replace(done, status="completed", path="x.csv", completed_at=at(5)))
    assert store.finish_export(replace(lost, status="failed", error_code="INTERNAL"))
    assert _events(store) == [("export.completed", done.id, at(5))]


def test_no_event_is_written_without_an_enabled_endpoint_of_the_organization_taking_it(
    store: MetadataStore, org: Organization, make_org, run_in
) -> None:
    run_in(RunStatus.COMPLETED)  # no endpoint at all
    _endpoint(store, make_org(), events="run.completed")  # another organization's
    _endpoint(store, org, events="run.failed export.completed")  # not this event
    disabled = _endpoint(store, org, events="run.completed")
    store.record_webhook_result(disabled.id, False, 1, at(1))
    deleted = _endpoint(store, org, events="run.completed")
    store.delete_webhook(org.id, deleted.id, at(1))
    run_in(RunStatus.COMPLETED)
    assert _events(store) == []


def test_a_lost_guarded_write_writes_no_event(
    store: MetadataStore, org: Organization, run_in
) -> None:
    _endpoint(store, org)
    run = run_in(RunStatus.RUNNING)
    done = {"candidate_count": 1, "result_count": 1, "snapshot_path": "s", "now": at(9)}
    assert not store.complete_run(run.id, 2, **done)  # another attempt's
    assert store.complete_run(run.id, 1, **done)
    assert not store.fail_run(run.id, 1, "INTERNAL", "late", at(10))
    assert _events(store) == [("run.completed", run.id, at(9))]


def test_events_leave_only_with_the_deliveries_recorded_for_them(
    store: MetadataStore, org: Organization, run_in
) -> None:
    endpoint = _endpoint(store, org)
    first, second = run_in(RunStatus.COMPLETED), run_in(RunStatus.FAILED)
    one, two = store.pending_webhook_events()
    delivery = factories.delivery(endpoint, subject_id=first.id)
    assert store.create_deliveries([delivery], [one.id]) == [delivery]
    assert store.pending_webhook_events() == [two]
    twin = factories.delivery(endpoint, subject_id=first.id)  # a second sender's, late
    assert store.create_deliveries([twin], [one.id]) == []
    assert store.create_deliveries([], [two.id]) == []  # an event no endpoint takes any more
    assert store.pending_webhook_events() == []
    assert second.id not in [d.subject_id for d in store.list_deliveries(endpoint.id, 10)]


def test_events_are_read_oldest_first_up_to_the_limit(
    store: MetadataStore, org: Organization, run_in
) -> None:
    _endpoint(store, org)
    ended = [run_in(RunStatus.COMPLETED).id for _ in range(3)]
    assert [e.subject_id for e in store.pending_webhook_events(2)] == ended[:2]
    assert [e.subject_id for e in store.pending_webhook_events()] == ended


def test_runs_and_exports_are_read_by_their_ids(
    store: MetadataStore, make_run, make_export
) -> None:
    runs, export = [make_run(), make_run()], make_export()
    assert sorted(store.get_runs([r.id for r in runs] + [RunId("nope")]), key=_id) == sorted(
        runs, key=_id
    )
    assert store.get_runs([]) == []
    assert store.get_exports([export.id, ExportId("nope")]) == [export]


def _id(row: Run) -> str:
    return row.id


def test_delivery_tally_counts_deliveries_by_event_and_status(
    store: MetadataStore, org: Organization
) -> None:
    endpoint = _endpoint(store, org)
    store.create_deliveries(
        [
            factories.delivery(endpoint, event_type=e)
            for e in ("run.completed",) * 2 + ("run.failed",)
        ]
    )
    [first, *_] = store.claim_deliveries(at(10**6), at(10**6 + 30), 1)
    assert store.finish_deliveries([replace(first, status=DeliveryStatus.SUCCEEDED)]) == [True]
    tally = store.delivery_tally()
    assert sum(tally.values()) == 3
    assert tally[(first.event_type, DeliveryStatus.SUCCEEDED)] == 1
    assert sum(n for (_, status), n in tally.items() if status == DeliveryStatus.PENDING) == 2
