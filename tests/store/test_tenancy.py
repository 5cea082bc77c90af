"""Tenancy, migrations and secrets at rest, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text
from typer.testing import CliRunner

from stoflow.api.keys import authenticate
from stoflow.cli.main import app
from stoflow.config import Settings
from stoflow.domain.clock import system_clock
from stoflow.domain.enums import Marketplace
from stoflow.store.database import Database
from stoflow.store.migrate import upgrade_all
from stoflow.store.products import add_product, load_products
from stoflow.store.secrets import SecretBox, SecretBoxError
from stoflow.store.tables import marketplace_accounts, shared_metadata, tenant_metadata
from stoflow.store.tenancy import InvalidTenantName, tenant_schema
from stoflow.store.tenants import TenantExistsError, create_tenant, drop_tenant


@pytest.mark.parametrize(
    "name", ["x; drop schema public", "Acme", "a", "1acme", "acme-shop", "t" * 41, "acme\x00", "ac me", ""]
)
def test_unsafe_tenant_names_are_refused_before_any_sql(name: str) -> None:
    with pytest.raises(InvalidTenantName, match="invalid tenant name"):
        tenant_schema(name)


def test_tenant_names_map_to_prefixed_schemas() -> None:
    assert tenant_schema("acme_2") == "t_acme_2"


def test_creating_a_tenant_twice_is_refused(db: Database, tenant: str) -> None:
    with pytest.raises(TenantExistsError, match=tenant):
        create_tenant(db, tenant)


def test_tenants_do_not_see_each_other(db: Database, tenant: str) -> None:
    other = f"t{uuid.uuid4().hex[:12]}"
    create_tenant(db, other)
    try:
        with db.tenant(tenant).begin() as conn:
            mine = add_product(conn, title="Mine", price=Decimal("5"), images=[("https://i/1.jpg", True)])
        with db.tenant(other).connect() as conn:
            assert load_products(conn, [mine]) == {}
        with db.tenant(tenant).connect() as conn:
            product = load_products(conn, [mine])[mine]
        assert product.title == "Mine"
        assert product.images[0].internal is True
        assert product.public_images == ()
    finally:
        drop_tenant(db, other)


def test_tenant_migrations_build_exactly_the_declared_schema(db: Database, tenant: str) -> None:
    # Alembic's own comparison: no table, column, index or constraint differs from the metadata.
    with db.tenant(tenant).connect() as conn:
        if db.is_postgres:
            conn.execute(text("SELECT set_config('search_path', :s, false)"), {"s": tenant_schema(tenant)})
        diff = compare_metadata(MigrationContext.configure(conn), tenant_metadata)
        if db.is_postgres:
            conn.execute(text("SET search_path TO DEFAULT"))
    assert diff == []


def test_shared_migrations_build_the_declared_tables_and_columns(db: Database) -> None:
    # The shared tables carry a placeholder schema, so compare what the inspector sees by name.
    schema = "stoflow_shared" if db.is_postgres else None
    with db.shared.connect() as conn:
        inspector = inspect(conn)
        live = {
            name: {c["name"] for c in inspector.get_columns(name, schema=schema)}
            for name in inspector.get_table_names(schema=schema)
            if name != "alembic_version"
        }
    declared = {t.name: {c.name for c in t.columns} for t in shared_metadata.tables.values()}
    assert live == declared


def test_migrate_reports_every_schema(db: Database, tenant: str) -> None:
    results = upgrade_all(db)
    targets = [r.target for r in results]
    assert targets[0] == "shared"
    assert tenant in targets
    assert all(r.ok and r.before == r.after for r in results)


def test_cli_creates_tenants_and_migrates(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from stoflow.config import get_settings

    monkeypatch.setenv("STOFLOW_DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    name = f"cli{uuid.uuid4().hex[:8]}"
    try:
        refused = runner.invoke(app, ["tenants", "create", "x; drop schema public"])
        assert refused.exit_code == 2
        assert "invalid tenant name" in refused.output
        created = runner.invoke(app, ["tenants", "create", name])
        assert created.exit_code == 0, created.output
        assert runner.invoke(app, ["tenants", "create", name]).exit_code == 2
        key = re.search(r"sfk_\w+_[\w-]+", created.output)
        assert key is not None, created.output
        another = runner.invoke(app, ["tenants", "key", name, "--label", "ci"])
        assert another.exit_code == 0, another.output
        db = Database(database_url)
        try:
            assert authenticate(db, key.group(0)) is not None
            key_id = key.group(0).split("_")[1]
            assert runner.invoke(app, ["tenants", "revoke-key", name, key_id]).exit_code == 0
            assert authenticate(db, key.group(0)) is None
            assert runner.invoke(app, ["tenants", "revoke-key", name, key_id]).exit_code == 2
            assert runner.invoke(app, ["tenants", "key", "nosuchtenant"]).exit_code == 2
        finally:
            db.dispose()
        migrated = runner.invoke(app, ["migrate"])
        assert migrated.exit_code == 0, migrated.output
        assert "shared" in migrated.output
        assert name in migrated.output
    finally:
        db = Database(database_url)
        drop_tenant(db, name)
        db.dispose()
        get_settings.cache_clear()


def test_credentials_are_encrypted_at_rest(db: Database, tenant: str) -> None:
    box = SecretBox([SecretBox.generate_key()])
    sealed = box.seal({"refresh_token": "v^1.1#secret-refresh"})
    now = system_clock()
    with db.tenant(tenant).begin() as conn:
        conn.execute(
            insert(marketplace_accounts).values(
                marketplace=Marketplace.EBAY,
                label="main",
                credentials_encrypted=sealed,
                settings={},
                status="connected",
                created_at=now,
                updated_at=now,
            )
        )
    with db.tenant(tenant).connect() as conn:
        stored = conn.scalar(select(marketplace_accounts.c.credentials_encrypted))
    assert stored is not None
    assert b"secret-refresh" not in bytes(stored)
    assert box.open(bytes(stored)) == {"refresh_token": "v^1.1#secret-refresh"}
    with pytest.raises(SecretBoxError, match="cannot be decrypted"):
        SecretBox([SecretBox.generate_key()]).open(bytes(stored))


def test_secret_keys_rotate_and_a_local_key_is_created_private(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    old, new = SecretBox.generate_key(), SecretBox.generate_key()
    token = SecretBox([old]).seal({"a": 1})
    assert SecretBox([new, old]).open(token) == {"a": 1}
    key_file = tmp_path / "var" / "secret.key"
    box = SecretBox.from_settings(Settings(secret_key=None, key_file=key_file))
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert SecretBox.from_settings(Settings(secret_key=None, key_file=key_file)).open(box.seal({"b": 2})) == {
        "b": 2
    }
