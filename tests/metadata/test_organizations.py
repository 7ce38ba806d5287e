"""Contract: organizations and API keys."""

from collections.abc import Callable

import pytest

from data.errors import MetadataError
from data.metadata.models import Organization, OrgId
from data.metadata.store import MetadataStore
from tests.metadata import factories
from tests.metadata.factories import NOW, at


def test_created_organization_is_found_by_id_and_by_name(store: MetadataStore) -> None:
    org = store.create_organization("acme", 4, NOW)
    assert store.get_organization(org.id) == org
    assert store.find_organization("acme") == org
    assert (org.audience_slots, org.created_at) == (4, NOW)


def test_unknown_organization_is_none(store: MetadataStore) -> None:
    assert store.get_organization(OrgId(factories.new_id())) is None
    assert store.find_organization("nobody") is None


def test_second_organization_with_the_same_name_is_refused(
    store: MetadataStore, org: Organization
) -> None:
    with pytest.raises(MetadataError, match="organizations"):
        store.create_organization(org.name, 1, NOW)


def test_api_key_reads_back_equal(store: MetadataStore, org: Organization) -> None:
    key = factories.api_key(org.id)
    store.create_api_key(key)
    assert store.get_api_key(key.id) == key


def test_unknown_api_key_is_none(store: MetadataStore) -> None:
    assert store.get_api_key("missing") is None


def test_api_key_of_an_unknown_organization_is_refused(store: MetadataStore) -> None:
    with pytest.raises(MetadataError, match="api_keys"):
        store.create_api_key(factories.api_key(OrgId(factories.new_id())))


def test_api_keys_are_listed_oldest_first_and_by_organization(
    store: MetadataStore, make_org: Callable[..., Organization]
) -> None:
    first, second = make_org(), make_org()
    late = factories.api_key(first.id, created_at=at(5))
    early = factories.api_key(first.id, created_at=at(1))
    other = factories.api_key(second.id, created_at=at(3))
    for key in (late, early, other):
        store.create_api_key(key)
    assert store.list_api_keys(first.id) == [early, late]
    assert store.list_api_keys() == [early, other, late]


def test_revoking_a_key_records_the_time(store: MetadataStore, org: Organization) -> None:
    key = factories.api_key(org.id)
    store.create_api_key(key)
    assert store.revoke_api_key(key.id, at(60))
    revoked = store.get_api_key(key.id)
    assert revoked is not None
    assert revoked.revoked_at == at(60)


def test_revoking_a_revoked_key_again_changes_nothing(
    store: MetadataStore, org: Organization
) -> None:
    key = factories.api_key(org.id)
    store.create_api_key(key)
    store.revoke_api_key(key.id, at(60))
    assert not store.revoke_api_key(key.id, at(120))
    revoked = store.get_api_key(key.id)
    assert revoked is not None
    assert revoked.revoked_at == at(60)


def test_revoking_an_unknown_key_returns_false(store: MetadataStore) -> None:
    assert not store.revoke_api_key("missing", NOW)
