"""Webhook events: each run or export that ends writes its event in the transaction that ends it,
and the sender turns pending events into deliveries instead of scanning every ended run.

The events no delivery was recorded for yet are written once here, with the scan the sender
used to make on every tick; the indexes that scan needed go.

Revision 0008, after 0007.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, status that is the event, event type)
ENDINGS = (
    ("runs", "completed", "run.completed"),
    ("runs", "failed", "run.failed"),
    ("exports", "completed", "export.completed"),
)

UNRECORDED = """
INSERT INTO webhook_events (organization_id, event_type, subject_id, occurred_at)
SELECT s.organization_id, :event, s.id, s.completed_at FROM {table} s
WHERE s.status = :status AND EXISTS (
    SELECT 1 FROM webhook_endpoints w
    WHERE w.organization_id = s.organization_id
      AND w.deleted_at IS NULL AND w.disabled_at IS NULL
      AND ' ' || w.events || ' ' LIKE :listed
      AND s.completed_at >= w.created_at
      AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries d
          WHERE d.webhook_id = w.id AND d.event_type = :event AND d.subject_id = s.id
      )
)
ORDER BY s.completed_at, s.id
"""


def upgrade() -> None:
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("occurred_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_webhook_events_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
    )
    for table, status, event in ENDINGS:
        values = {"event": event, "status": status, "listed": f"% {event} %"}
        op.execute(sa.text(UNRECORDED.format(table=table)).bindparams(**values))
    op.drop_index(op.f("ix_exports_organization_id_completed_at"), table_name="exports")
    op.drop_index(op.f("ix_runs_organization_id_completed_at"), table_name="runs")


def downgrade() -> None:
    # the sender before 0008 finds the unrecorded events again with its scan
    op.create_index(
        op.f("ix_runs_organization_id_completed_at"), "runs", ["organization_id", "completed_at"]
    )
    op.create_index(
        op.f("ix_exports_organization_id_completed_at"),
        "exports",
        ["organization_id", "completed_at"],
    )
    op.drop_table("webhook_events")
