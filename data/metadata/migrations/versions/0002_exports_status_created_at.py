"""Index exports on (status, created_at): the reconciler's scan for stale processing exports.

Revision 0002, after 0001.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_exports_status_created_at"), "exports", ["status", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_exports_status_created_at"), table_name="exports")
