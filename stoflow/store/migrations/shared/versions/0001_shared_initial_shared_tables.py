"""initial shared tables

Revision ID: 0001_shared
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stoflow.store.types import UTCDateTime

revision: str = "0001_shared"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("name", name=op.f("uq_tenants_name")),
        schema="shared",
    )


def downgrade() -> None:
    op.drop_table("tenants", schema="shared")
