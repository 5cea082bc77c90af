"""oauth connections in progress

Revision ID: 0003_oauth
Revises: 0002_api
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stoflow.store.types import UTCDateTime

revision: str = "0003_oauth"
down_revision: str | None = "0002_api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oauth_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_sha256", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("code_verifier_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "marketplace IN ('ebay', 'etsy', 'vinted')", name=op.f("ck_oauth_states_marketplace")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["shared.tenants.id"],
            name=op.f("fk_oauth_states_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_states")),
        sa.UniqueConstraint("state_sha256", name=op.f("uq_oauth_states_state_sha256")),
        schema="shared",
    )


def downgrade() -> None:
    op.drop_table("oauth_states", schema="shared")
