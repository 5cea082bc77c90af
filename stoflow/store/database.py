"""Engines and tenancy-aware connections for SQLite (embedded default) and PostgreSQL.

PostgreSQL: one engine; the shared tables live in schema `stoflow_shared`, each tenant's tables in
`t_<name>`, selected per connection with a schema_translate_map. SQLite: the URL's file holds the
shared tables, and each tenant has its own file beside it (`<stem>-tenants/<name>.db`), so one
tenant's data never shares a file with another's.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, select
from sqlalchemy.engine import URL

from stoflow.store.tables import SHARED_SCHEMA, tenants
from stoflow.store.tenancy import SHARED_PG_SCHEMA, tenant_schema, validate_tenant_name


class Database:
    """Owns the engines for one database URL. Thread-safe; create one per process."""

    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self.url: URL = make_url(url)
        self.is_postgres = self.url.get_backend_name() == "postgresql"
        if not self.is_postgres and self.url.get_backend_name() != "sqlite":
            raise ValueError(f"database_url: unsupported backend {self.url.get_backend_name()!r}")
        self._pool_size = pool_size
        self._lock = threading.Lock()
        self._tenant_engines: dict[str, Engine] = {}
        self._base = self._create_engine(self.url)
        # Every translate map has the same keys: SQLAlchemy's statement cache requires it.
        shared_schema = SHARED_PG_SCHEMA if self.is_postgres else None
        self.shared: Engine = self._base.execution_options(
            schema_translate_map={None: shared_schema, SHARED_SCHEMA: shared_schema}
        )

    # -- engines -----------------------------------------------------------------------------
    def _create_engine(self, url: URL) -> Engine:
        if self.is_postgres:
            # pre_ping: a pooled connection that died with a server restart is replaced, not used.
            return create_engine(
                url, pool_size=self._pool_size, max_overflow=self._pool_size, pool_pre_ping=True
            )
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _make_sqlite_transactional(engine)
        return engine

    def tenant(self, name: str) -> Engine:
        """The engine whose unqualified tables are `name`'s tables."""
        validate_tenant_name(name)
        with self._lock:
            engine = self._tenant_engines.get(name)
            if engine is None:
                if self.is_postgres:
                    engine = self._base.execution_options(
                        schema_translate_map={None: tenant_schema(name), SHARED_SCHEMA: SHARED_PG_SCHEMA}
                    )
                else:
                    engine = self._create_engine(self.url.set(database=str(self.tenant_file(name))))
                self._tenant_engines[name] = engine
            return engine

    def tenant_file(self, name: str) -> Path:
        """SQLite only: the file of a tenant's tables."""
        database = Path(self.url.database or "stoflow.db")
        return database.parent / f"{database.stem}-tenants" / f"{validate_tenant_name(name)}.db"

    def tenant_names(self) -> list[str]:
        with self.shared.connect() as conn:
            return list(conn.scalars(select(tenants.c.name).order_by(tenants.c.name)))

    def forget_tenant(self, name: str) -> None:
        with self._lock:
            engine = self._tenant_engines.pop(name, None)
        if engine is not None and not self.is_postgres:
            engine.dispose()

    def dispose(self) -> None:
        with self._lock:
            engines = list(self._tenant_engines.values())
            self._tenant_engines.clear()
        if not self.is_postgres:
            for engine in engines:
                engine.dispose()
        self._base.dispose()


def _make_sqlite_transactional(engine: Engine) -> None:
    """pysqlite defers BEGIN and upgrades read locks lazily, which deadlocks concurrent writers.

    Every transaction starts with BEGIN IMMEDIATE instead: writers queue on the database lock (busy
    timeout) rather than failing, which is SQLite's single-writer model made explicit. WAL lets
    readers proceed while one writer commits.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
