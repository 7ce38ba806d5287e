"""Idempotent run creation: the `Idempotency-Key` rules of the API contract.

A key is scoped to its organization; the first response is stored and replayed byte for byte.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from api.errors import IdempotencyKeyInUse, IdempotencyKeyInvalid, IdempotencyKeyReused
from data.metadata.models import OrgId
from data.metadata.store import MetadataStore
from jobs.idempotency import ABANDONED_AFTER

HEADER: Final = "Idempotency-Key"
_VALID_KEY: Final = re.compile(r"[\x20-\x7e]{1,120}")  # printable ASCII


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    replayed: bool = False


def check_key(raw: str | None) -> str | None:
    """The key, None when the header is absent; IdempotencyKeyInvalid when it breaks the rules."""
    if raw is None:
        return None
    if not _VALID_KEY.fullmatch(raw):
        raise IdempotencyKeyInvalid(f"{HEADER} must be 1 to 120 printable ASCII characters")
    return raw


def fingerprint_of(audience_id: str, body: bytes) -> str:
    """What a repeat must match: the audience and the request body."""
    return hashlib.sha256(audience_id.encode() + b"\n" + body).hexdigest()


def once(
    store: MetadataStore,
    org_id: OrgId,
    key: str,
    fingerprint: str,
    now: datetime,
    produce: Callable[[], Reply],
) -> Reply:
    """`produce()` the first time; afterwards replay its reply. A failed request keeps nothing,
    so the client may retry it with the same key; neither does one whose process died."""
    outcome, record = store.reserve_idempotency_key(
        org_id, key, fingerprint, now, abandoned_before=now - ABANDONED_AFTER
    )
    if outcome == "mismatch":
        raise IdempotencyKeyReused(f"{HEADER} was used with another request body or audience")
    if outcome == "in_flight":
        raise IdempotencyKeyInUse(f"a request with this {HEADER} is still being handled")
    if outcome == "replay" and record.status_code is not None:
        return Reply(record.status_code, record.response_body or b"", replayed=True)
    try:
        reply = produce()
    except BaseException:
        store.release_idempotency_key(org_id, key)
        raise
    store.complete_idempotency_key(org_id, key, reply.status, reply.body)
    return reply
