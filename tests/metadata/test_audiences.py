"""Contract: audiences, their soft delete, listing and the organization's active slots."""

from collections.abc import Callable
from dataclasses import replace

from data.metadata.models import Audience, Organization
from data.metadata.store import MetadataStore
from tests.metadata.factories import at


def test_created_audience_reads_back_equal(store: MetadataStore, audience: Audience) -> None:
    assert store.get_audience(audience.organization_id, audience.id) == audience


def test_audience_of_another_organization_is_invisible(
    store: MetadataStore, audience: Audience, make_org: Callable[..., Organization]
) -> None:
    assert store.get_audience(make_org().id, audience.id) is None


def test_audience_read_without_an_organization_is_found_while_live(
    store: MetadataStore, audience: Audience
) -> None:
    assert store.get_audience(None, audience.id) == audience
    assert store.delete_audience(audience.organization_id, audience.id, at(5))
    assert store.get_audience(None, audience.id) is None


def test_deleted_audience_is_invisible_to_every_read(
    store: MetadataStore, make_audience: Callable[..., Audience]
) -> None:
    gone = make_audience(status="active")
    assert store.delete_audience(gone.organization_id, gone.id, at(5))
    assert store.get_audience(gone.organization_id, gone.id) is None
    assert store.list_audiences(gone.organization_id, None, 50, 0) == ([], 0)
    assert store.active_audiences() == []


def test_deleting_a_deleted_audience_returns_false(
    store: MetadataStore, audience: Audience
) -> None:
    store.delete_audience(audience.organization_id, audience.id, at(5))
    assert not store.delete_audience(audience.organization_id, audience.id, at(6))


def test_audience_cannot_be_deleted_through_another_organization(
    store: MetadataStore, audience: Audience, make_org: Callable[..., Organization]
) -> None:
    assert not store.delete_audience(make_org().id, audience.id, at(5))
    assert store.get_audience(audience.organization_id, audience.id) == audience


def test_audiences_are_listed_newest_first(
    store: MetadataStore, org: Organization, make_audience: Callable[..., Audience]
) -> None:
    old, new, middle = (make_audience(created_at=at(s)) for s in (1, 3, 2))
    found, total = store.list_audiences(org.id, None, 50, 0)
    assert [a.id for a in found] == [new.id, middle.id, old.id]
    assert total == 3


def test_listing_pages_with_limit_and_offset_and_counts_every_match(
    store: MetadataStore, org: Organization, make_audience: Callable[..., Audience]
) -> None:
    made = [make_audience(created_at=at(s)) for s in range(5)]
    found, total = store.list_audiences(org.id, None, 2, 1)
    assert [a.id for a in found] == [made[3].id, made[2].id]
    assert total == 5


def test_listing_filters_by_status(
    store: MetadataStore, org: Organization, make_audience: Callable[..., Audience]
) -> None:
    paused = make_audience(status="paused")
    make_audience(status="draft")
    assert store.list_audiences(org.id, "paused", 50, 0) == ([paused], 1)


def test_update_writes_name_status_and_config(store: MetadataStore, audience: Audience) -> None:
    edited = replace(
        audience,
        name="Renamed",
        status="paused",
        config_json="{}",
        config_hash="d" * 64,
        updated_at=at(9),
    )
    assert store.update_audience(edited)
    assert store.get_audience(audience.organization_id, audience.id) == edited


def test_update_of_a_deleted_audience_returns_false(
    store: MetadataStore, audience: Audience
) -> None:
    store.delete_audience(audience.organization_id, audience.id, at(5))
    assert not store.update_audience(replace(audience, name="Back"))


def test_activation_beyond_max_active_is_refused(
    store: MetadataStore, make_audience: Callable[..., Audience]
) -> None:
    make_audience(status="active")
    draft = make_audience()
    assert not store.update_audience(replace(draft, status="active"), max_active=1)
    assert store.get_audience(draft.organization_id, draft.id) == draft


def test_activation_within_max_active_is_accepted(
    store: MetadataStore, make_audience: Callable[..., Audience]
) -> None:
    make_audience(status="active")
    draft = make_audience()
    assert store.update_audience(replace(draft, status="active"), max_active=2)


def test_an_active_audience_can_be_edited_when_the_slots_are_full(
    store: MetadataStore, make_audience: Callable[..., Audience]
) -> None:
    active = make_audience(status="active")
    assert store.update_audience(replace(active, name="Renamed"), max_active=1)


def test_deleted_and_foreign_audiences_take_no_slot(
    store: MetadataStore,
    make_audience: Callable[..., Audience],
    make_org: Callable[..., Organization],
) -> None:
    gone = make_audience(status="active")
    store.delete_audience(gone.organization_id, gone.id, at(1))
    make_audience(status="active", organization_id=make_org().id)
    draft = make_audience()
    assert store.update_audience(replace(draft, status="active"), max_active=1)


def test_update_without_max_active_ignores_the_slots(
    store: MetadataStore, make_audience: Callable[..., Audience]
) -> None:
    make_audience(status="active")
    draft = make_audience()
    assert store.update_audience(replace(draft, status="active"))


def test_active_audiences_span_organizations_oldest_first(
    store: MetadataStore,
    make_audience: Callable[..., Audience],
    make_org: Callable[..., Organization],
) -> None:
    later = make_audience(status="active", created_at=at(2))
    earlier = make_audience(status="active", created_at=at(1), organization_id=make_org().id)
    make_audience(status="paused")
    assert store.active_audiences() == [earlier, later]
