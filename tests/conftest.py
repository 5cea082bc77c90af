"""Fixtures shared by every tier: one `db` fixture parametrized over SQLite and PostgreSQL.

PostgreSQL tests get a database of their own per test session (created and dropped here), and each
test a fresh tenant schema. Locally they skip when no server answers; with CI=true they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from stoflow.store.database import Database
from stoflow.store.migrate import upgrade_shared
from stoflow.store.tenants import create_tenant, drop_tenant

PG_DSN = os.environ.get("STOFLOW_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


def _pg_params() -> dict[str, str]:
    return dict(item.split("=", 1) for item in PG_DSN.split())


def pg_available() -> bool:
    try:
        with psycopg.connect(PG_DSN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL database for this test session, dropped at the end."""
    if not pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but does not answer at {PG_DSN!r}")
        pytest.skip("no PostgreSQL server answers; set STOFLOW_TEST_PG_DSN or start one")
    name = f"stoflow_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = _pg_params()
    yield f"postgresql+psycopg://{params['user']}@{params['host']}:{params.get('port', '5432')}/{name}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/stoflow.db"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade_shared(database)
    yield database
    database.dispose()


@pytest.fixture
def tenant(db: Database) -> Iterator[str]:
    """A fresh tenant with migrated tables."""
    name = f"t{uuid.uuid4().hex[:12]}"
    create_tenant(db, name)
    yield name
    drop_tenant(db, name)
