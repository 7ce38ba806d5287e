"""Contract: times are stored as instants and come back as aware UTC datetimes."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from data.metadata.models import Audience, Run
from data.metadata.sql import SqlMetadataStore
from data.metadata.store import MetadataStore
from tests.metadata import factories

PARIS_WINTER = timezone(timedelta(hours=1))


def test_times_come_back_as_the_same_instant_in_utc(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    local = datetime(2026, 3, 2, 10, 30, 15, 123456, tzinfo=PARIS_WINTER)
    run = make_run(created_at=local)
    found = store.get_run(run.id)
    assert found is not None
    assert found.created_at == local
    assert found.created_at.tzinfo is UTC


def test_a_naive_time_is_refused(sql_store: SqlMetadataStore) -> None:
    org = sql_store.create_organization("acme", 1, factories.NOW)
    naive = factories.audience(org.id, created_at=datetime(2026, 3, 2, 9, 30))
    with pytest.raises(Exception, match="naive datetime"):
        sql_store.create_audience(naive)


def test_times_order_as_instants_across_offsets(
    store: MetadataStore, make_audience: Callable[..., Audience]
) -> None:
    # 09:45+01:00 is 08:45 UTC: earlier than 09:00 UTC although its wall clock is later.
    earlier = make_audience(created_at=datetime(2026, 3, 2, 9, 45, tzinfo=PARIS_WINTER))
    later = make_audience(created_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    found, _ = store.list_audiences(earlier.organization_id, None, 10, 0)
    assert [a.id for a in found] == [later.id, earlier.id]


def test_rows_the_store_makes_carry_utc_times(store: MetadataStore) -> None:
    local = datetime(2026, 3, 2, 10, 30, tzinfo=PARIS_WINTER)
    org = store.create_organization("acme", 1, local)
    _, record = store.reserve_idempotency_key(org.id, "k", "f" * 64, local)
    assert org.created_at.tzinfo is UTC
    assert record.created_at.tzinfo is UTC
