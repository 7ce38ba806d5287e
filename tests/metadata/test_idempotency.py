"""Contract: idempotency keys reserved atomically, completed with a response, released, purged."""

from collections.abc import Callable

from data.metadata.models import Organization
from data.metadata.store import MetadataStore
from tests.metadata.factories import NOW, at

FINGERPRINT = "f" * 64


def test_first_reservation_of_a_key_is_new(store: MetadataStore, org: Organization) -> None:
    outcome, record = store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    assert outcome == "new"
    assert (record.key, record.fingerprint, record.status_code) == ("k1", FINGERPRINT, None)


def test_repeat_while_the_first_has_no_response_is_in_flight(
    store: MetadataStore, org: Organization
) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    outcome, _ = store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, at(1))
    assert outcome == "in_flight"


def test_repeat_after_the_response_replays_it(store: MetadataStore, org: Organization) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    store.complete_idempotency_key(org.id, "k1", 202, b'{"data":{}}')
    outcome, record = store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, at(1))
    assert outcome == "replay"
    assert (record.status_code, record.response_body, record.created_at) == (
        202,
        b'{"data":{}}',
        NOW,
    )


def test_repeat_with_another_fingerprint_is_a_mismatch(
    store: MetadataStore, org: Organization
) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    store.complete_idempotency_key(org.id, "k1", 202, b"{}")
    outcome, record = store.reserve_idempotency_key(org.id, "k1", "0" * 64, at(1))
    assert outcome == "mismatch"
    assert record.fingerprint == FINGERPRINT


def test_keys_are_scoped_to_their_organization(
    store: MetadataStore, org: Organization, make_org: Callable[..., Organization]
) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    outcome, _ = store.reserve_idempotency_key(make_org().id, "k1", FINGERPRINT, NOW)
    assert outcome == "new"


def test_released_in_flight_key_can_be_reserved_anew(
    store: MetadataStore, org: Organization
) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    store.release_idempotency_key(org.id, "k1")
    outcome, record = store.reserve_idempotency_key(org.id, "k1", "0" * 64, at(1))
    assert (outcome, record.created_at) == ("new", at(1))


def test_release_keeps_a_key_that_has_its_response(store: MetadataStore, org: Organization) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    store.complete_idempotency_key(org.id, "k1", 202, b"{}")
    store.release_idempotency_key(org.id, "k1")
    outcome, _ = store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, at(1))
    assert outcome == "replay"


def test_purge_removes_records_older_than_the_cutoff_and_counts_them(
    store: MetadataStore, org: Organization
) -> None:
    store.reserve_idempotency_key(org.id, "old", FINGERPRINT, NOW)
    store.reserve_idempotency_key(org.id, "new", FINGERPRINT, at(100))
    assert store.purge_idempotency_keys(at(50)) == 1
    assert store.reserve_idempotency_key(org.id, "old", FINGERPRINT, at(101))[0] == "new"
    assert store.reserve_idempotency_key(org.id, "new", FINGERPRINT, at(101))[0] == "in_flight"


def test_in_flight_record_reserved_before_the_abandon_cutoff_is_taken_over(
    store: MetadataStore, org: Organization
) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    outcome, record = store.reserve_idempotency_key(
        org.id, "k1", "0" * 64, at(200), abandoned_before=at(80)
    )
    assert (outcome, record.fingerprint, record.created_at) == ("new", "0" * 64, at(200))


def test_taken_over_record_is_in_flight_for_the_next_repeat(
    store: MetadataStore, org: Organization
) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, at(200), abandoned_before=at(80))
    outcome, _ = store.reserve_idempotency_key(
        org.id, "k1", FINGERPRINT, at(201), abandoned_before=at(81)
    )
    assert outcome == "in_flight"


def test_in_flight_record_reserved_after_the_abandon_cutoff_stays_in_flight(
    store: MetadataStore, org: Organization
) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, at(100))
    outcome, record = store.reserve_idempotency_key(
        org.id, "k1", FINGERPRINT, at(200), abandoned_before=at(80)
    )
    assert (outcome, record.created_at) == ("in_flight", at(100))


def test_answered_record_older_than_the_abandon_cutoff_still_replays(
    store: MetadataStore, org: Organization
) -> None:
    store.reserve_idempotency_key(org.id, "k1", FINGERPRINT, NOW)
    store.complete_idempotency_key(org.id, "k1", 202, b"{}")
    outcome, record = store.reserve_idempotency_key(
        org.id, "k1", FINGERPRINT, at(200), abandoned_before=at(80)
    )
    assert (outcome, record.created_at) == ("replay", NOW)
