"""Organizations and API keys: creating, listing, revoking and authenticating them.

A key reads `sk_<keyid>_<secret>`; only its secret's SHA-256 is kept, compared in constant time.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from data.metadata.models import ApiKey, Organization, OrgId
from data.metadata.store import MetadataStore
from jobs.errors import OrganizationExists, UnknownApiKey, UnknownOrganization

KEY_PREFIX: Final = "sk_"
# Hashed when the presented key id is unknown, so that both paths do the same work.
_DECOY_HASH: Final = hashlib.sha256(b"no such key").hexdigest()


@dataclass(frozen=True)
class PresentedKey:
    key_id: str
    secret: str


def create_organization(store: MetadataStore, name: str, slots: int, now: datetime) -> Organization:
    if store.find_organization(name) is not None:
        raise OrganizationExists(f"organization {name!r} exists already")
    return store.create_organization(name, slots, now)


def create_api_key(store: MetadataStore, org_name: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key for the organization and its plaintext, which is shown once and never stored."""
    org = _organization(store, org_name)
    key_id, secret = secrets.token_hex(8), secrets.token_hex(32)
    key = ApiKey(id=key_id, organization_id=org.id, secret_hash=_hash(secret), created_at=now)
    store.create_api_key(key)
    return key, f"{KEY_PREFIX}{key_id}_{secret}"


def list_api_keys(store: MetadataStore, org_name: str | None = None) -> list[ApiKey]:
    org_id = _organization(store, org_name).id if org_name is not None else None
    return store.list_api_keys(org_id)


def revoke_api_key(store: MetadataStore, key_id: str, now: datetime) -> None:
    if not store.revoke_api_key(key_id, now):
        raise UnknownApiKey(f"no live API key has the id {key_id!r}")


def authenticate(store: MetadataStore, presented_key: str) -> OrgId | None:
    """The organization of a live key, or None for a malformed, unknown or revoked one."""
    key = resolve_api_key(store, presented_key)
    return key.organization_id if key is not None else None


def resolve_api_key(store: MetadataStore, presented_key: str) -> ApiKey | None:
    """The live key row a presented key names, or None (the rate limiter needs the key id)."""
    presented = parse_key(presented_key)
    if presented is None:
        return None
    stored = store.get_api_key(presented.key_id)
    expected = stored.secret_hash if stored is not None else _DECOY_HASH
    matches = hmac.compare_digest(_hash(presented.secret), expected)
    if stored is None or not matches or stored.revoked_at is not None:
        return None
    return stored


def parse_key(text: str) -> PresentedKey | None:
    if not text.startswith(KEY_PREFIX):
        return None
    key_id, sep, secret = text[len(KEY_PREFIX) :].partition("_")
    if not (sep and key_id and secret):
        return None
    return PresentedKey(key_id, secret)


def _organization(store: MetadataStore, name: str) -> Organization:
    org = store.find_organization(name)
    if org is None:
        raise UnknownOrganization(f"no organization is named {name!r}")
    return org


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
