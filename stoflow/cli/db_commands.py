"""`stoflow tenants ...` and `stoflow migrate`: the tenancy and schema commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from stoflow.config import get_settings
from stoflow.store.database import Database
from stoflow.store.tenancy import InvalidTenantName

if TYPE_CHECKING:
    from stoflow.store.migrate import MigrationResult

console = Console()
tenants_app = typer.Typer(help="Create and list tenants (sellers' organisations).", no_args_is_help=True)


def open_database() -> Database:
    return Database(get_settings().database_url)


@tenants_app.command("create")
def tenants_create(name: str = typer.Argument(..., help="2-40 characters: a-z, 0-9, '_'")) -> None:
    """Create a tenant and migrate its schema."""
    # Alembic is imported only by the commands that migrate, not by every `stoflow` start.
    from stoflow.store.tenants import TenantExistsError, TenantMigrationError, create_tenant

    db = open_database()
    try:
        result = create_tenant(db, name)
    except (InvalidTenantName, TenantExistsError, TenantMigrationError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    finally:
        db.dispose()
    console.print(f"tenant [bold]{name}[/bold] created in {result.schema} at revision {result.after}")
    _print_new_key(name)


def _print_new_key(tenant: str, label: str = "default") -> None:
    from stoflow.api.keys import create_api_key

    db = open_database()
    try:
        key = create_api_key(db, tenant, label=label)
    finally:
        db.dispose()
    # Shown once: only its digest is stored.
    console.print(f"API key ({label}), shown once: [bold]{key}[/bold]", soft_wrap=True)


@tenants_app.command("key")
def tenants_key(
    name: str = typer.Argument(..., help="the tenant"),
    label: str = typer.Option("default", help="a name to recognise the key by"),
) -> None:
    """Create another API key for a tenant (printed once)."""
    from stoflow.api.keys import UnknownTenantError

    try:
        _print_new_key(name, label)
    except (InvalidTenantName, UnknownTenantError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None


@tenants_app.command("revoke-key")
def tenants_revoke_key(
    name: str = typer.Argument(..., help="the tenant"),
    key_id: str = typer.Argument(..., help="the id part of the key: sfk_<id>_..."),
) -> None:
    """Revoke one of a tenant's API keys; requests with it are refused from now on."""
    from stoflow.api.keys import UnknownTenantError, revoke_api_key

    db = open_database()
    try:
        revoked = revoke_api_key(db, name, key_id)
    except UnknownTenantError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    finally:
        db.dispose()
    if not revoked:
        console.print(f"[red]error:[/red] tenant {name!r} has no active key {key_id!r}")
        raise typer.Exit(code=2)
    console.print(f"key {key_id} of {name} revoked")


@tenants_app.command("list")
def tenants_list() -> None:
    """List the tenants."""
    db = open_database()
    try:
        for name in db.tenant_names():
            console.print(name)
    finally:
        db.dispose()


def render_results(results: list[MigrationResult]) -> Table:
    table = Table("target", "schema", "before", "after", "result")
    for r in results:
        table.add_row(
            r.target,
            r.schema,
            r.before or "-",
            r.after or "-",
            "[green]ok[/green]" if r.ok else f"[red]{r.error}[/red]",
        )
    return table


def migrate() -> None:
    """Upgrade the shared schema and every tenant's schema; report each one."""
    from stoflow.store.migrate import upgrade_all

    db = open_database()
    try:
        results = upgrade_all(db)
    finally:
        db.dispose()
    console.print(render_results(results))
    if not all(r.ok for r in results):
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.add_typer(tenants_app, name="tenants")
    app.command("migrate")(migrate)
