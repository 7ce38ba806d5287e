"""Contract: webhook endpoints, their deliveries, and the sender's guarded claims and scans."""

from dataclasses import replace

from data.metadata.models import Audience, Organization, WebhookEndpoint
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


def test_undelivered_runs_are_those_ended_since_the_endpoint_without_a_delivery(
    store: MetadataStore, org: Organization, audience: Audience, make_run
) -> None:
    endpoint = _endpoint(store, org, created_at=at(10))
    before = make_run(status=RunStatus.COMPLETED, completed_at=at(5))
    after = make_run(status=RunStatus.COMPLETED, completed_at=at(11))
    failed = make_run(status=RunStatus.FAILED, completed_at=at(12))
    assert before.id not in [
        r.id for r in store.undelivered_runs(endpoint, RunStatus.COMPLETED, "run.completed")
    ]
    assert store.undelivered_runs(endpoint, RunStatus.COMPLETED, "run.completed") == [after]
    assert store.undelivered_runs(endpoint, RunStatus.FAILED, "run.failed") == [failed]
    store.create_deliveries([factories.delivery(endpoint, subject_id=after.id)])
    assert store.undelivered_runs(endpoint, RunStatus.COMPLETED, "run.completed") == []


def test_undelivered_exports_are_completed_ones_since_the_endpoint(
    store: MetadataStore, org: Organization, make_export
) -> None:
    endpoint = _endpoint(store, org, created_at=at(10), events="export.completed")
    make_export(status="completed", completed_at=at(5))
    done = make_export(status="completed", completed_at=at(11))
    make_export()
    assert store.undelivered_exports(endpoint, "export.completed") == [done]


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
