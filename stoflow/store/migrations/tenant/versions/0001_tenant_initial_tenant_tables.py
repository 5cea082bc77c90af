"""initial tenant tables

Revision ID: 0001_tenant
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from stoflow.store.types import UTCDateTime, json_type

revision: str = "0001_tenant"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("completed_count", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("cancelled_count", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "action IN ('publish', 'update', 'delete', 'sync', 'unpublish', 'orders_sync', 'activate', 'archive')",
            name=op.f("ck_batch_jobs_action"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'completed', 'partially_failed', 'failed', 'cancelled')",
            name=op.f("ck_batch_jobs_status"),
        ),
        sa.CheckConstraint(
            "completed_count + failed_count + cancelled_count <= total_count",
            name=op.f("ck_batch_jobs_counters_bounded"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_jobs")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_batch_jobs_idempotency_key")),
    )
    op.create_table(
        "marketplace_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("external_user_id", sa.String(length=120), nullable=True),
        sa.Column("credentials_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("settings", json_type(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "marketplace IN ('ebay', 'etsy', 'vinted')", name=op.f("ck_marketplace_accounts_marketplace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_accounts")),
        sa.UniqueConstraint("marketplace", "label", name=op.f("uq_marketplace_accounts_marketplace_label")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column("gender", sa.String(length=16), nullable=True),
        sa.Column("brand", sa.String(length=120), nullable=True),
        sa.Column("size", sa.String(length=40), nullable=True),
        sa.Column("condition", sa.Integer(), nullable=True),
        sa.Column("colors", json_type(), nullable=False),
        sa.Column("materials", json_type(), nullable=False),
        sa.Column("era", sa.String(length=20), nullable=True),
        sa.Column("attributes", json_type(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "condition IS NULL OR (condition BETWEEN 0 AND 10)", name=op.f("ck_products_condition_scale")
        ),
        sa.CheckConstraint("price >= 0", name=op.f("ck_products_price_positive")),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_products_quantity_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    op.create_table(
        "marketplace_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_job_id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_run_at", UTCDateTime(), nullable=False),
        sa.Column("lease_owner", sa.String(length=120), nullable=True),
        sa.Column("lease_token", sa.Integer(), nullable=False),
        sa.Column("lease_expires_at", UTCDateTime(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("error_kind", sa.String(length=16), nullable=True),
        sa.Column("error_code", sa.String(length=80), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("marketplace_message", sa.Text(), nullable=True),
        sa.Column("result", json_type(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "action IN ('publish', 'update', 'delete', 'sync', 'unpublish', 'orders_sync', 'activate', 'archive')",
            name=op.f("ck_marketplace_jobs_action"),
        ),
        sa.CheckConstraint(
            "marketplace IN ('ebay', 'etsy', 'vinted')", name=op.f("ck_marketplace_jobs_marketplace")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'completed', 'failed', 'cancelled')",
            name=op.f("ck_marketplace_jobs_status"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["marketplace_accounts.id"],
            name=op.f("fk_marketplace_jobs_account_id_marketplace_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["batch_job_id"],
            ["batch_jobs.id"],
            name=op.f("fk_marketplace_jobs_batch_job_id_batch_jobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_marketplace_jobs_product_id_products"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_jobs")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_marketplace_jobs_idempotency_key")),
    )
    op.create_index(
        "ix_marketplace_jobs_batch_status", "marketplace_jobs", ["batch_job_id", "status"], unique=False
    )
    op.create_index("ix_marketplace_jobs_due", "marketplace_jobs", ["status", "next_run_at"], unique=False)

    op.create_table(
        "product_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_images_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_images")),
        sa.UniqueConstraint("product_id", "position", name=op.f("uq_product_images_product_id_position")),
    )
    op.create_table(
        "marketplace_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("step_type", sa.String(length=24), nullable=False),
        sa.Column("step_order", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("is_idempotent", sa.Boolean(), nullable=False),
        sa.Column("side_effects", json_type(), nullable=False),
        sa.Column("input", json_type(), nullable=False),
        sa.Column("output", json_type(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error_kind", sa.String(length=16), nullable=True),
        sa.Column("error_code", sa.String(length=80), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("marketplace_message", sa.Text(), nullable=True),
        sa.Column("error_ambiguous", sa.Boolean(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'skipped')",
            name=op.f("ck_marketplace_tasks_status"),
        ),
        sa.CheckConstraint(
            "step_type IN ('validate', 'map_data', 'upload_image', 'create_listing', 'create_offer', 'publish_listing', 'update_listing', 'set_inventory', 'activate_listing', 'delete_listing', 'withdraw_listing', 'fetch_remote', 'reconcile', 'save_result', 'custom')",
            name=op.f("ck_marketplace_tasks_step_type"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["marketplace_jobs.id"],
            name=op.f("fk_marketplace_tasks_job_id_marketplace_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_tasks")),
        sa.UniqueConstraint("job_id", "step_order", name=op.f("uq_marketplace_tasks_job_id_step_order")),
    )


def downgrade() -> None:
    op.drop_table("marketplace_tasks")
    op.drop_table("product_images")
    op.drop_index("ix_marketplace_jobs_due", table_name="marketplace_jobs")
    op.drop_index("ix_marketplace_jobs_batch_status", table_name="marketplace_jobs")

    op.drop_table("marketplace_jobs")
    op.drop_table("products")
    op.drop_table("marketplace_accounts")
    op.drop_table("batch_jobs")
