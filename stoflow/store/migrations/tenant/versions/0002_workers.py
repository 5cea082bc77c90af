"""workers: batch/job pause flags and marketplace pauses (needs-user)

Revision ID: 0002_workers
Revises: 0001_tenant
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stoflow.store.types import UTCDateTime

revision: str = "0002_workers"
down_revision: str | None = "0001_tenant"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("marketplace_jobs") as batch:
        batch.add_column(sa.Column("paused", sa.Boolean(), nullable=False, server_default="0"))
    with op.batch_alter_table("batch_jobs") as batch:
        batch.add_column(sa.Column("paused", sa.Boolean(), nullable=False, server_default="0"))
    op.create_table(
        "marketplace_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=80), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "marketplace IN ('ebay', 'etsy', 'vinted')", name=op.f("ck_marketplace_pauses_marketplace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_pauses")),
    )
    op.create_index("ix_marketplace_pauses_marketplace", "marketplace_pauses", ["marketplace", "account_id"])


def downgrade() -> None:
    op.drop_index("ix_marketplace_pauses_marketplace", table_name="marketplace_pauses")
    op.drop_table("marketplace_pauses")
    with op.batch_alter_table("batch_jobs") as batch:
        batch.drop_column("paused")
    with op.batch_alter_table("marketplace_jobs") as batch:
        batch.drop_column("paused")
