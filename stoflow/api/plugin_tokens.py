"""Vinted plugin tokens: what the seller pastes into the browser extension.

A token reads `sfp_<token_id>_<secret>` and names one Vinted account of one tenant. Issuing a new
token for an account revokes the earlier ones. Only the secret's digest is stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from stoflow.api.keys import UnknownTenantError, digest, secret_matches, split_token
from stoflow.store.database import Database
from stoflow.store.tables import plugin_tokens, tenants

PREFIX = "sfp"


@dataclass(frozen=True, slots=True)
class PluginCaller:
    tenant: str
    account_id: int


def issue_plugin_token(db: Database, tenant: str, account_id: int, *, now: datetime) -> str:
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with db.shared.begin() as conn:
        tenant_id = conn.scalar(select(tenants.c.id).where(tenants.c.name == tenant))
        if tenant_id is None:
            raise UnknownTenantError(f"tenant {tenant!r} does not exist")
        conn.execute(
            update(plugin_tokens)
            .where(
                plugin_tokens.c.tenant_id == tenant_id,
                plugin_tokens.c.account_id == account_id,
                plugin_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        conn.execute(
            insert(plugin_tokens).values(
                tenant_id=tenant_id,
                account_id=account_id,
                token_id=token_id,
                secret_sha256=digest(secret),
                created_at=now,
            )
        )
    return f"{PREFIX}_{token_id}_{secret}"


def authenticate_plugin(db: Database, token: str) -> PluginCaller | None:
    """The account a plugin token stands for (for the plugin gateway), or None."""
    parts = split_token(token, PREFIX)
    if parts is None:
        return None
    token_id, secret = parts
    with db.shared.connect() as conn:
        row = conn.execute(
            select(plugin_tokens.c.secret_sha256, plugin_tokens.c.account_id, tenants.c.name)
            .join(tenants, tenants.c.id == plugin_tokens.c.tenant_id)
            .where(plugin_tokens.c.token_id == token_id, plugin_tokens.c.revoked_at.is_(None))
        ).one_or_none()
    if not secret_matches(secret, row.secret_sha256 if row is not None else None) or row is None:
        return None
    return PluginCaller(tenant=row.name, account_id=row.account_id)
