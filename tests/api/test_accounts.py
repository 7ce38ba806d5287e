"""Organizations and API keys (jobs.accounts): keys shown once, kept hashed, checked strictly."""

import hashlib
from datetime import UTC, datetime

import pytest

from data.metadata.memory import MemoryMetadataStore
from jobs import accounts
from jobs.errors import OrganizationExists, UnknownApiKey, UnknownOrganization

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def store() -> MemoryMetadataStore:
    store = MemoryMetadataStore()
    accounts.create_organization(store, "acme", 3, NOW)
    return store


def test_new_key_reads_sk_keyid_secret_and_only_its_hash_is_kept(
    store: MemoryMetadataStore,
) -> None:
    key, plaintext = accounts.create_api_key(store, "acme", NOW)
    prefix, key_id, secret = plaintext.split("_", 2)
    assert (prefix, key_id) == ("sk", key.id)
    stored = store.get_api_key(key.id)
    assert stored is not None
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(stored)


def test_live_key_authenticates_as_its_organization(store: MemoryMetadataStore) -> None:
    key, plaintext = accounts.create_api_key(store, "acme", NOW)
    assert accounts.authenticate(store, plaintext) == key.organization_id


@pytest.mark.parametrize(
    "presented",
    ["", "sk_", "sk__secret", "pk_abc_def", "sk_unknownid_secret", "no prefix at all"],
)
def test_malformed_or_unknown_key_authenticates_as_no_one(
    store: MemoryMetadataStore, presented: str
) -> None:
    assert accounts.authenticate(store, presented) is None


def test_key_with_a_wrong_secret_authenticates_as_no_one(store: MemoryMetadataStore) -> None:
    _, plaintext = accounts.create_api_key(store, "acme", NOW)
    assert accounts.authenticate(store, plaintext[:-1] + "x") is None


def test_revoked_key_authenticates_as_no_one(store: MemoryMetadataStore) -> None:
    key, plaintext = accounts.create_api_key(store, "acme", NOW)
    accounts.revoke_api_key(store, key.id, NOW)
    assert accounts.authenticate(store, plaintext) is None


def test_revoking_an_unknown_key_names_it(store: MemoryMetadataStore) -> None:
    with pytest.raises(UnknownApiKey, match="nope"):
        accounts.revoke_api_key(store, "nope", NOW)


def test_second_organization_with_the_same_name_is_refused(store: MemoryMetadataStore) -> None:
    with pytest.raises(OrganizationExists, match="acme"):
        accounts.create_organization(store, "acme", 1, NOW)


def test_key_for_an_unknown_organization_is_refused(store: MemoryMetadataStore) -> None:
    with pytest.raises(UnknownOrganization, match="globex"):
        accounts.create_api_key(store, "globex", NOW)


def test_keys_are_listed_per_organization(store: MemoryMetadataStore) -> None:
    accounts.create_organization(store, "globex", 1, NOW)
    mine, _ = accounts.create_api_key(store, "acme", NOW)
    accounts.create_api_key(store, "globex", NOW)
    assert [k.id for k in accounts.list_api_keys(store, "acme")] == [mine.id]
    assert len(accounts.list_api_keys(store)) == 2
