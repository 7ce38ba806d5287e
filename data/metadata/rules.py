"""Decisions both metadata stores make the same way, kept pure so they cannot drift apart.

The SQL and in-memory stores apply these; the run transitions themselves live in engine.states.
"""

from typing import Final

from data.metadata.models import Export, IdempotencyRecord
from data.metadata.store import IdempotencyOutcome

ACTIVE: Final = "active"  # the audience status that takes an organization slot
FINISHED_EXPORT: Final = frozenset({"completed", "failed"})
RESERVE_TRIES: Final = 5  # an existing record may be released between insert and read


def idempotency_outcome(existing: IdempotencyRecord, fingerprint: str) -> IdempotencyOutcome:
    """What a repeated request with `fingerprint` meets when `existing` holds its key."""
    if existing.fingerprint != fingerprint:
        return "mismatch"
    if existing.status_code is None:
        return "in_flight"
    return "replay"


def check_finished(export: Export) -> None:
    """`finish_export` only writes a final status; anything else is a bug in the caller."""
    if export.status not in FINISHED_EXPORT:
        raise ValueError(
            f"export.status must be one of {sorted(FINISHED_EXPORT)} to finish export "
            f"{export.id}, got {export.status!r}"
        )
