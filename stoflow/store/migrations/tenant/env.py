"""Alembic environment of the tenant tables; see stoflow.store.migrations.runtime."""

from stoflow.store.migrations.runtime import run
from stoflow.store.tables import tenant_metadata

run(tenant_metadata)
