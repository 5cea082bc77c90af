"""Alembic environment of the shared tables; see stoflow.store.migrations.runtime."""

from stoflow.store.migrations.runtime import run
from stoflow.store.tables import shared_metadata

run(shared_metadata)
