"""Creating and removing tenants: a row in the shared `tenants` table plus the tenant's own schema."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.schema import DropSchema

from stoflow.domain.clock import Clock, system_clock
from stoflow.store.database import Database
from stoflow.store.migrate import MigrationResult, upgrade_shared, upgrade_tenant
from stoflow.store.tables import tenants
from stoflow.store.tenancy import tenant_schema, validate_tenant_name


class TenantExistsError(ValueError):
    """A tenant of this name already exists."""


class TenantMigrationError(RuntimeError):
    """The tenant's schema could not be created; nothing was kept."""


def create_tenant(db: Database, name: str, *, clock: Clock = system_clock) -> MigrationResult:
    """Register the tenant and migrate its schema to head. Idempotent failures leave no trace."""
    validate_tenant_name(name)
    upgrade_shared(db)
    with db.shared.begin() as conn:
        if conn.scalar(select(tenants.c.id).where(tenants.c.name == name)) is not None:
            raise TenantExistsError(f"tenant {name!r} already exists")
        conn.execute(insert(tenants).values(name=name, created_at=clock()))
    result = upgrade_tenant(db, name)
    if not result.ok:
        drop_tenant(db, name)
        raise TenantMigrationError(f"tenant {name!r}: {result.error}")
    return result


def drop_tenant(db: Database, name: str) -> None:
    """Remove a tenant and all its data (tests, benchmarks, an operator's explicit request)."""
    validate_tenant_name(name)
    if db.is_postgres:
        with db.shared.begin() as conn:
            conn.execute(DropSchema(tenant_schema(name), cascade=True, if_exists=True))
    db.forget_tenant(name)
    if not db.is_postgres:
        path = db.tenant_file(name)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    with db.shared.begin() as conn:
        conn.execute(delete(tenants).where(tenants.c.name == name))
