"""Apply migrations to the shared schema and to every tenant, reporting each schema's result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine
from sqlalchemy.schema import CreateSchema

from stoflow.store.database import Database
from stoflow.store.tenancy import SHARED_PG_SCHEMA, tenant_schema

Tree = Literal["shared", "tenant"]
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class MigrationResult:
    target: str  # "shared" or the tenant name
    schema: str  # the PostgreSQL schema or SQLite file
    before: str | None
    after: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _config(tree: Tree, connection: Connection, version_schema: str | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS / tree))
    config.attributes["connection"] = connection
    config.attributes["version_schema"] = version_schema
    return config


def _current(connection: Connection, version_schema: str | None) -> str | None:
    """The applied revision(s), comma-separated when sibling branches are applied side by side."""
    context = MigrationContext.configure(connection, opts={"version_table_schema": version_schema})
    heads = sorted(context.get_current_heads())
    return ",".join(heads) or None


def _upgrade(
    engine: Engine, tree: Tree, pg_schema: str | None, revision: str
) -> tuple[str | None, str | None]:
    with engine.begin() as connection:
        if pg_schema is not None:
            connection.execute(CreateSchema(pg_schema, if_not_exists=True))
    with engine.connect() as connection:
        before = _current(connection, pg_schema)
        command.upgrade(_config(tree, connection, pg_schema), revision)
        connection.commit()
        return before, _current(connection, pg_schema)


def upgrade_shared(db: Database, revision: str = "heads") -> MigrationResult:
    schema = SHARED_PG_SCHEMA if db.is_postgres else None
    before, after = _upgrade(db.shared, "shared", schema, revision)
    return MigrationResult("shared", schema or str(db.url.database), before, after)


def upgrade_tenant(db: Database, name: str, revision: str = "heads") -> MigrationResult:
    schema = tenant_schema(name) if db.is_postgres else None
    where = schema or str(db.tenant_file(name))
    try:
        before, after = _upgrade(db.tenant(name), "tenant", schema, revision)
    except Exception as exc:  # reported per schema so one broken tenant does not hide the others
        return MigrationResult(name, where, None, None, error=f"{type(exc).__name__}: {exc}")
    return MigrationResult(name, where, before, after)


def upgrade_all(db: Database, revision: str = "heads") -> list[MigrationResult]:
    """The shared schema first (it lists the tenants), then every tenant.

    "heads" rather than "head": independent revisions may branch from the same parent and are all
    applied; a merge revision joins them when their order matters.
    """
    results = [upgrade_shared(db)]
    results.extend(upgrade_tenant(db, name, revision) for name in db.tenant_names())
    return results
