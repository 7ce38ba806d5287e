"""How long idempotency records live: kept for the retention the API promises, then purged;
an in-flight one older than ABANDONED_AFTER was left by a dead process and may be taken over."""

from datetime import datetime, timedelta
from typing import Final

from data.metadata.store import MetadataStore

RETENTION: Final = timedelta(hours=24)  # API.md: keys are kept at least 24 h
# Creating a run validates, inserts one row and sends one message: a second at worst, with
# a slow broker. A request still without an answer after this died before answering (its
# record would otherwise answer 409 until purged); longer bounds only delay the retry.
ABANDONED_AFTER: Final = timedelta(minutes=2)


def purge_idempotency_keys(store: MetadataStore, now: datetime) -> int:
    """Forget keys past their retention. Returns how many were removed."""
    return store.purge_idempotency_keys(now - RETENTION)
