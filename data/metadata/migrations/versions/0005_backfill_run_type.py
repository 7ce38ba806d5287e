"""Runs may have the run type `backfill` (one run per date of a requested range).

Revision 0005, after 0002.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "ck_runs_run_type"


def _replace_run_types(types: Sequence[str]) -> None:
    allowed = ", ".join(f"'{name}'" for name in types)
    with op.batch_alter_table("runs", recreate="auto") as batch:
        batch.drop_constraint(op.f(CONSTRAINT), type_="check")
        batch.create_check_constraint(op.f(CONSTRAINT), f"run_type IN ({allowed})")


def upgrade() -> None:
    _replace_run_types(("manual", "daily", "preview", "backfill"))


def downgrade() -> None:
    op.execute("DELETE FROM runs WHERE run_type = 'backfill'")
    _replace_run_types(("manual", "daily", "preview"))
