"""The metadata schema as SQLAlchemy Core tables: the single source the migrations must match.

Column names equal the field names of the row dataclasses in `data.metadata.models`.
"""

from typing import Final

import sqlalchemy as sa

from data.metadata.types import UtcDateTime
from engine.states import DeliveryStatus, ExportStatus

ID: Final = 36  # a UUID string
HASH: Final = 64  # a SHA-256 hex digest

NAMING: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)


def _fk(column: str, target: str) -> sa.Column[str]:
    return sa.Column(column, sa.String(ID), sa.ForeignKey(target), nullable=False)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


RUN_STATUSES: Final = ("queued", "running", "completed", "failed", "cancelled")
RUN_TYPES: Final = ("manual", "daily", "preview", "backfill")
AUDIENCE_STATUSES: Final = ("draft", "active", "paused")
EXPORT_STATUSES: Final = tuple(status.value for status in ExportStatus)
DELIVERY_STATUSES: Final = tuple(status.value for status in DeliveryStatus)

organizations = sa.Table(
    "organizations",
    metadata,
    sa.Column("id", sa.String(ID), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("audience_slots", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    _fk("organization_id", "organizations.id"),
    sa.Column("secret_hash", sa.String(HASH), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime),
    sa.Index(None, "organization_id"),
)

audiences = sa.Table(
    "audiences",
    metadata,
    sa.Column("id", sa.String(ID), primary_key=True),
    _fk("organization_id", "organizations.id"),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("config_json", sa.Text, nullable=False),
    sa.Column("config_hash", sa.String(HASH), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
    sa.CheckConstraint(_in("status", AUDIENCE_STATUSES), name="status"),
    # listing newest first per organization, and counting its active audiences
    sa.Index(None, "organization_id", "created_at"),
    sa.Index(None, "organization_id", "status"),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(ID), primary_key=True),
    _fk("audience_id", "audiences.id"),
    _fk("organization_id", "organizations.id"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("run_type", sa.String(16), nullable=False),
    sa.Column("config_json", sa.Text, nullable=False),
    sa.Column("config_hash", sa.String(HASH), nullable=False),
    sa.Column("data_date", sa.String(10), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("candidate_count", sa.BigInteger),
    sa.Column("result_count", sa.BigInteger),
    sa.Column("error_code", sa.String(64)),
    sa.Column("error_message", sa.Text),
    sa.Column("started_at", UtcDateTime),
    sa.Column("completed_at", UtcDateTime),
    sa.Column("cancelled_at", UtcDateTime),
    sa.Column("lease_expires_at", UtcDateTime),
    sa.Column("last_enqueued_at", UtcDateTime),
    sa.Column("snapshot_path", sa.Text),
    sa.Column("stage", sa.String(16)),
    sa.Column("progress", sa.Float),
    sa.Column("lease_expiries", sa.Integer, nullable=False, server_default="0"),
    sa.Column("gave_up", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.CheckConstraint(_in("status", RUN_STATUSES), name="status"),
    sa.CheckConstraint(_in("run_type", RUN_TYPES), name="run_type"),
    sa.CheckConstraint("attempts >= 0", name="attempts"),
    # the scheduler's guard: one daily run per audience and data date
    sa.Index(
        "uq_runs_daily",
        "audience_id",
        "data_date",
        "run_type",
        unique=True,
        sqlite_where=sa.text("run_type = 'daily'"),
        postgresql_where=sa.text("run_type = 'daily'"),
    ),
    # the reconciler's two scans: expired leases, and queued runs not enqueued lately
    sa.Index(None, "status", "lease_expires_at"),
    sa.Index(None, "status", "last_enqueued_at"),
    # listing an audience's runs newest first
    sa.Index(None, "audience_id", "created_at"),
    # the operations tally (metrics, `intent status`) reads this index alone, not the wide rows
    sa.Index(
        "ix_runs_tally", "status", "run_type", "created_at", "attempts", "lease_expiries", "gave_up"
    ),
)

exports = sa.Table(
    "exports",
    metadata,
    sa.Column("id", sa.String(ID), primary_key=True),
    _fk("organization_id", "organizations.id"),
    _fk("audience_id", "audiences.id"),
    _fk("run_id", "runs.id"),
    sa.Column("export_type", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("content_type", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("path", sa.Text),
    sa.Column("byte_size", sa.BigInteger),
    sa.Column("row_count", sa.BigInteger),
    sa.Column("sha256", sa.String(HASH)),
    sa.Column("error_code", sa.String(64)),
    sa.Column("error_message", sa.Text),
    sa.Column("completed_at", UtcDateTime),
    sa.Column("expires_at", UtcDateTime),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("lease_expires_at", UtcDateTime),
    sa.Column("last_enqueued_at", UtcDateTime),
    sa.CheckConstraint(_in("status", EXPORT_STATUSES), name="status"),
    # one stored export per run and format (create-or-reuse)
    sa.UniqueConstraint("run_id", "export_type"),
    # the reconciler's scan for processing exports whose build is unattended
    sa.Index(None, "status", "created_at"),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column(
        "organization_id", sa.String(ID), sa.ForeignKey("organizations.id"), primary_key=True
    ),
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("fingerprint", sa.String(HASH), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("status_code", sa.Integer),
    sa.Column("response_body", sa.LargeBinary),
    # purging old records
    sa.Index(None, "created_at"),
)

webhook_endpoints = sa.Table(
    "webhook_endpoints",
    metadata,
    sa.Column("id", sa.String(ID), primary_key=True),
    _fk("organization_id", "organizations.id"),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", sa.String(255), nullable=False),
    sa.Column("secret", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("consecutive_failures", sa.Integer, nullable=False),
    sa.Column("disabled_at", UtcDateTime),
    sa.Column("deleted_at", UtcDateTime),
    # listing an organization's endpoints
    sa.Index(None, "organization_id", "created_at"),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    _fk("webhook_id", "webhook_endpoints.id"),
    _fk("organization_id", "organizations.id"),
    sa.Column("event_type", sa.String(32), nullable=False),
    sa.Column("subject_id", sa.String(ID), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_status_code", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", UtcDateTime),
    sa.CheckConstraint(_in("status", DELIVERY_STATUSES), name="status"),
    # one delivery per endpoint and event: recording an event twice is harmless
    sa.UniqueConstraint("webhook_id", "event_type", "subject_id"),
    # the sender's scan for due deliveries; the delivery log of an endpoint
    sa.Index(None, "status", "next_attempt_at"),
    sa.Index(None, "webhook_id", "created_at"),
)

webhook_events = sa.Table(
    "webhook_events",
    metadata,
    # written in the transaction that ends the run or export, removed in the one that turns it
    # into deliveries: the table holds only what no sender has recorded yet
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    _fk("organization_id", "organizations.id"),
    sa.Column("event_type", sa.String(32), nullable=False),
    sa.Column("subject_id", sa.String(ID), nullable=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
)
