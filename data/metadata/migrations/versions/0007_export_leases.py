"""Stored exports are built by workers under a lease: the attempts claimed, the lease of the one
building, and when the build was last sent to the broker.

Revision 0007, after 0006.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exports") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("lease_expires_at", UTC_TIME, nullable=True))
        batch.add_column(sa.Column("last_enqueued_at", UTC_TIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exports") as batch:
        batch.drop_column("last_enqueued_at")
        batch.drop_column("lease_expires_at")
        batch.drop_column("attempts")
