"""The relational schema. Two metadata objects: shared tables and per-tenant tables.

Shared tables carry the placeholder schema `shared`; tenant tables carry none. At run time a
`schema_translate_map` points them at the real schemas (PostgreSQL: `stoflow_shared` and one schema
per tenant; SQLite: the main file and one file per tenant), so no SQL ever interpolates a schema name.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from stoflow.domain.enums import Action, BatchStatus, JobStatus, Marketplace, StepType, TaskStatus
from stoflow.store.types import UTCDateTime, json_type

SHARED_SCHEMA = "shared"

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

shared_metadata = MetaData(naming_convention=NAMING)
tenant_metadata = MetaData(naming_convention=NAMING)


def _in(values: type[StrEnum], column: str) -> str:
    """A CHECK constraint body from an enum: the values are ours, never user input."""
    members = ", ".join(f"'{m.value}'" for m in values)
    return f"{column} IN ({members})"


tenants = Table(
    "tenants",
    shared_metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    schema=SHARED_SCHEMA,
)

products = Table(
    "products",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("price", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False, default="EUR"),
    Column("quantity", Integer, nullable=False, default=1),
    Column("category", String(80)),
    Column("gender", String(16)),
    Column("brand", String(120)),
    Column("size", String(40)),
    Column("condition", Integer),
    Column("colors", json_type(), nullable=False, default=list),
    Column("materials", json_type(), nullable=False, default=list),
    Column("era", String(20)),
    Column("attributes", json_type(), nullable=False, default=dict),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("price >= 0", name="price_positive"),
    CheckConstraint("quantity >= 0", name="quantity_positive"),
    CheckConstraint("condition IS NULL OR (condition BETWEEN 0 AND 10)", name="condition_scale"),
)

product_images = Table(
    "product_images",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", Integer, ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("url", String(1000), nullable=False),
    # Internal photos (price labels...) are kept for the seller and never published.
    Column("internal", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("product_id", "position"),
)

marketplace_accounts = Table(
    "marketplace_accounts",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("marketplace", String(16), nullable=False),
    Column("label", String(80), nullable=False),
    Column("external_user_id", String(120)),
    # Fernet token of the JSON credentials (tokens, cookies); never stored or logged in clear.
    Column("credentials_encrypted", LargeBinary, nullable=False),
    Column("settings", json_type(), nullable=False, default=dict),
    Column("status", String(16), nullable=False, default="connected"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("marketplace", "label"),
    CheckConstraint(_in(Marketplace, "marketplace"), name="marketplace"),
)

batch_jobs = Table(
    "batch_jobs",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("action", String(16), nullable=False),
    Column("status", String(20), nullable=False),
    Column("total_count", Integer, nullable=False),
    Column("completed_count", Integer, nullable=False, default=0),
    Column("failed_count", Integer, nullable=False, default=0),
    Column("cancelled_count", Integer, nullable=False, default=0),
    Column("idempotency_key", String(120), unique=True),
    # An operator paused the batch: its pending jobs are not claimed until resumed (0002_workers).
    Column("paused", Boolean, nullable=False, default=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(_in(BatchStatus, "status"), name="status"),
    CheckConstraint(_in(Action, "action"), name="action"),
    CheckConstraint(
        "completed_count + failed_count + cancelled_count <= total_count", name="counters_bounded"
    ),
)

marketplace_jobs = Table(
    "marketplace_jobs",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_job_id", Integer, ForeignKey("batch_jobs.id", ondelete="CASCADE"), nullable=False),
    Column("marketplace", String(16), nullable=False),
    Column("action", String(16), nullable=False),
    Column("product_id", Integer, ForeignKey("products.id", ondelete="SET NULL")),
    Column("account_id", Integer, ForeignKey("marketplace_accounts.id", ondelete="SET NULL")),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False),
    Column("next_run_at", UTCDateTime, nullable=False),
    # Lease: who runs the job until when; the token fences every write of the holder.
    Column("lease_owner", String(120)),
    Column("lease_token", Integer, nullable=False, default=0),
    Column("lease_expires_at", UTCDateTime),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    # Set while the job's batch is paused by an operator: the claim skips it (0002_workers).
    Column("paused", Boolean, nullable=False, default=False, server_default="0"),
    Column("error_kind", String(16)),
    Column("error_code", String(80)),
    Column("error_message", Text),
    Column("marketplace_message", Text),
    Column("result", json_type()),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(_in(JobStatus, "status"), name="status"),
    CheckConstraint(_in(Marketplace, "marketplace"), name="marketplace"),
    CheckConstraint(_in(Action, "action"), name="action"),
    Index("ix_marketplace_jobs_due", "status", "next_run_at"),
    Index("ix_marketplace_jobs_batch_status", "batch_job_id", "status"),
)

marketplace_tasks = Table(
    "marketplace_tasks",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, ForeignKey("marketplace_jobs.id", ondelete="CASCADE"), nullable=False),
    Column("step_type", String(24), nullable=False),
    Column("step_order", Integer, nullable=False),
    Column("name", String(80), nullable=False),
    Column("status", String(16), nullable=False),
    Column("is_idempotent", Boolean, nullable=False),
    Column("side_effects", json_type(), nullable=False, default=list),
    Column("input", json_type(), nullable=False, default=dict),
    Column("output", json_type()),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error_kind", String(16)),
    Column("error_code", String(80)),
    Column("error_message", Text),
    Column("marketplace_message", Text),
    # True when the failure leaves the side effect in doubt: the next attempt probes first.
    Column("error_ambiguous", Boolean, nullable=False, default=False),
    Column("started_at", UTCDateTime),
    Column("completed_at", UTCDateTime),
    Column("duration_ms", Integer),
    UniqueConstraint("job_id", "step_order"),
    CheckConstraint(_in(TaskStatus, "status"), name="status"),
    CheckConstraint(_in(StepType, "step_type"), name="step_type"),
)

# API keys (issue 6): the key's public id finds the row, the secret is kept only as a SHA-256 digest
# (the secret is 256 random bits, so a fast digest is enough) and compared in constant time.
api_keys = Table(
    "api_keys",
    shared_metadata,
    Column("id", Integer, primary_key=True),
    Column("tenant_id", Integer, ForeignKey("shared.tenants.id", ondelete="CASCADE"), nullable=False),
    Column("key_id", String(24), nullable=False, unique=True),
    Column("secret_sha256", String(64), nullable=False),
    Column("label", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    schema=SHARED_SCHEMA,
)

# A seller's work on a marketplace waits for the seller (Vinted session, captcha): jobs of that
# marketplace (and account, when set) are not claimed while a row exists (0002_workers).
marketplace_pauses = Table(
    "marketplace_pauses",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("marketplace", String(16), nullable=False),
    Column("account_id", Integer),
    Column("reason", String(80), nullable=False),
    Column("message", Text),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(_in(Marketplace, "marketplace"), name="marketplace"),
    Index("ix_marketplace_pauses_marketplace", "marketplace", "account_id"),
)

# Token buckets shared by every worker process: a permit is taken under the row lock, so peers
# cannot both spend the last token (0002_workers_shared).
rate_limit_buckets = Table(
    "rate_limit_buckets",
    shared_metadata,
    Column("key", String(200), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("capacity", Float, nullable=False),
    Column("refill_per_s", Float, nullable=False),
    # Seconds since the epoch, from the limiter's clock: plain arithmetic on both backends.
    Column("updated_at_s", Float, nullable=False),
    schema=SHARED_SCHEMA,
)

# What StoFlow knows of a product on one marketplace account (0003_listings): remote ids, URL,
# state and when a sync last saw it. Written as soon as a remote id exists (an Etsy draft), so a
# retry finds it even when the task that created it did not finish.
marketplace_listings = Table(
    "marketplace_listings",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", Integer, ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("marketplace_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("marketplace", String(16), nullable=False),
    Column("sku", String(50), nullable=False),
    Column("remote_id", String(64)),  # eBay listingId, Etsy listing_id
    Column("offer_id", String(64)),  # eBay only
    Column("url", String(500)),
    Column("state", String(16), nullable=False),
    # Marketplace-specific memory, e.g. which source images were uploaded as which remote images.
    Column("details", json_type(), nullable=False, default=dict),
    Column("last_synced_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "product_id"),
    CheckConstraint(_in(Marketplace, "marketplace"), name="marketplace"),
)

# Every change StoFlow made to (or saw of) a publication, oldest first (0003_listings).
listing_audit = Table(
    "listing_audit",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", Integer, ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, nullable=False),
    Column("marketplace", String(16), nullable=False),
    Column("change", String(24), nullable=False),  # draft_created, published, updated, withdrawn, ...
    Column("job_id", Integer),
    Column("remote_id", String(64)),
    Column("details", json_type(), nullable=False, default=dict),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_listing_audit_product", "product_id", "marketplace"),
)

# Orders (Etsy receipts) imported by orders_sync, once each by their marketplace id (0003_listings).
marketplace_orders = Table(
    "marketplace_orders",
    tenant_metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("marketplace_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("marketplace", String(16), nullable=False),
    Column("remote_order_id", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("skus", json_type(), nullable=False, default=list),
    Column("total", Numeric(12, 2)),
    Column("currency", String(3)),
    Column("remote_updated_at", UTCDateTime),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "remote_order_id"),
    CheckConstraint(_in(Marketplace, "marketplace"), name="marketplace"),
)

# OAuth connections in progress (issue 6): the callback arrives from the seller's browser without an
# API key, so the state (256 random bits, kept as a digest) finds the tenant. The PKCE verifier is
# sealed like credentials. Rows are single-use and expire after a few minutes.
oauth_states = Table(
    "oauth_states",
    shared_metadata,
    Column("id", Integer, primary_key=True),
    Column("state_sha256", String(64), nullable=False, unique=True),
    Column("tenant_id", Integer, ForeignKey("shared.tenants.id", ondelete="CASCADE"), nullable=False),
    Column("marketplace", String(16), nullable=False),
    Column("label", String(80), nullable=False),
    Column("code_verifier_encrypted", LargeBinary),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    CheckConstraint(_in(Marketplace, "marketplace"), name="marketplace"),
    schema=SHARED_SCHEMA,
)

# Tokens of the Vinted browser plugin (issue 6): the plugin presents one to the gateway, which finds
# the tenant and the account by `token_id` and checks the secret's digest in constant time.
plugin_tokens = Table(
    "plugin_tokens",
    shared_metadata,
    Column("id", Integer, primary_key=True),
    Column("tenant_id", Integer, ForeignKey("shared.tenants.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, nullable=False),  # the tenant's marketplace_accounts.id
    Column("token_id", String(24), nullable=False, unique=True),
    Column("secret_sha256", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    schema=SHARED_SCHEMA,
)
