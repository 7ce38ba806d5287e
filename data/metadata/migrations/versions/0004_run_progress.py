"""Runs gain their stage and progress while running, and the counts operations report: expired
leases and whether the run gave up on a retryable error; an index covers the operations tally.

Revision 0004, after 0005 (numbers were handed out before either landed).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TALLY_COLUMNS = ["status", "run_type", "created_at", "attempts", "lease_expiries", "gave_up"]


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("stage", sa.String(16), nullable=True))
        batch.add_column(sa.Column("progress", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column("lease_expiries", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("gave_up", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_runs_tally", "runs", TALLY_COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_runs_tally", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        for column in ("gave_up", "lease_expiries", "progress", "stage"):
            batch.drop_column(column)
