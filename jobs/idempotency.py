"""How long idempotency records live: kept for the retention the API promises, then purged.

The scheduler loop purges on every tick; the API layer reads the same retention for its docs.
"""

from datetime import datetime, timedelta
from typing import Final

from data.metadata.store import MetadataStore

RETENTION: Final = timedelta(hours=24)  # API.md: keys are kept at least 24 h


def purge_idempotency_keys(store: MetadataStore, now: datetime) -> int:
    """Forget keys past their retention. Returns how many were removed."""
    return store.purge_idempotency_keys(now - RETENTION)
