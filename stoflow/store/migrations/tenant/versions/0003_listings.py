"""listings: marketplace listing records, their audit trail, imported marketplace orders

Revision ID: 0003_listings
Revises: 0001_tenant
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stoflow.store.types import UTCDateTime, json_type

revision: str = "0003_listings"
down_revision: str | None = "0001_tenant"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARKETPLACES = "marketplace IN ('ebay', 'etsy', 'vinted')"


def upgrade() -> None:
    op.create_table(
        "marketplace_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=16), nullable=False),
        sa.Column("sku", sa.String(length=50), nullable=False),
        sa.Column("remote_id", sa.String(length=64), nullable=True),
        sa.Column("offer_id", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("details", json_type(), nullable=False),
        sa.Column("last_synced_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(MARKETPLACES, name=op.f("ck_marketplace_listings_marketplace")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["marketplace_accounts.id"],
            name=op.f("fk_marketplace_listings_account_id_marketplace_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_marketplace_listings_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_listings")),
        sa.UniqueConstraint(
            "account_id", "product_id", name=op.f("uq_marketplace_listings_account_id_product_id")
        ),
    )
    op.create_table(
        "listing_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=16), nullable=False),
        sa.Column("change", sa.String(length=24), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("remote_id", sa.String(length=64), nullable=True),
        sa.Column("details", json_type(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_listing_audit_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_audit")),
    )
    op.create_index("ix_listing_audit_product", "listing_audit", ["product_id", "marketplace"])
    op.create_table(
        "marketplace_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=16), nullable=False),
        sa.Column("remote_order_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("skus", json_type(), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("remote_updated_at", UTCDateTime(), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(MARKETPLACES, name=op.f("ck_marketplace_orders_marketplace")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["marketplace_accounts.id"],
            name=op.f("fk_marketplace_orders_account_id_marketplace_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_orders")),
        sa.UniqueConstraint(
            "account_id", "remote_order_id", name=op.f("uq_marketplace_orders_account_id_remote_order_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("marketplace_orders")
    op.drop_index("ix_listing_audit_product", table_name="listing_audit")
    op.drop_table("listing_audit")
    op.drop_table("marketplace_listings")
