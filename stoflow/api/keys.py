"""API keys: one or more per tenant, shown once at creation, stored as a digest.

A key reads `sfk_<key_id>_<secret>`. The key id (public, unique) selects the row; the secret's
SHA-256 digest is compared with `hmac.compare_digest`, so the comparison takes the same time whatever
the guess. Secrets are 256 random bits, which makes a slow password hash unnecessary.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from stoflow.domain.clock import Clock, system_clock
from stoflow.store.database import Database
from stoflow.store.tables import api_keys, tenants

PREFIX = "sfk"


class UnknownTenantError(LookupError):
    """No tenant of this name exists."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who an authenticated request acts for."""

    tenant: str
    key_id: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(db: Database, tenant: str, *, label: str = "default", clock: Clock = system_clock) -> str:
    """Create a key for `tenant` and return it in clear: the only time it is ever available."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with db.shared.begin() as conn:
        tenant_id = conn.scalar(select(tenants.c.id).where(tenants.c.name == tenant))
        if tenant_id is None:
            raise UnknownTenantError(f"tenant {tenant!r} does not exist")
        conn.execute(
            insert(api_keys).values(
                tenant_id=tenant_id,
                key_id=key_id,
                secret_sha256=digest(secret),
                label=label[:80],
                created_at=clock(),
            )
        )
    return f"{PREFIX}_{key_id}_{secret}"


def split_token(token: str, prefix: str) -> tuple[str, str] | None:
    """`<prefix>_<id>_<secret>` -> (id, secret), or None when malformed."""
    head, _, rest = token.partition("_")
    token_id, _, secret = rest.partition("_")
    if head != prefix or not token_id or not secret or len(token_id) > 24:
        return None
    return token_id, secret


def secret_matches(secret: str, stored_digest: str | None) -> bool:
    """Constant-time check; compares against a dummy digest when no row was found."""
    return hmac.compare_digest(digest(secret), stored_digest or digest("")) and stored_digest is not None


def authenticate(db: Database, key: str) -> Caller | None:
    """The caller a key belongs to, or None for a malformed, unknown or revoked key."""
    parts = split_token(key, PREFIX)
    if parts is None:
        return None
    key_id, secret = parts
    with db.shared.connect() as conn:
        row = conn.execute(
            select(api_keys.c.secret_sha256, tenants.c.name)
            .join(tenants, tenants.c.id == api_keys.c.tenant_id)
            .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
        ).one_or_none()
    # Compare even when the row is missing, so timing does not reveal which key ids exist.
    if not secret_matches(secret, row.secret_sha256 if row is not None else None) or row is None:
        return None
    return Caller(tenant=row.name, key_id=key_id)


def revoke_api_key(db: Database, tenant: str, key_id: str, *, clock: Clock = system_clock) -> bool:
    """Revoke one of the tenant's keys by its public id (the part after `sfk_`); True if it was live."""
    with db.shared.begin() as conn:
        tenant_id = conn.scalar(select(tenants.c.id).where(tenants.c.name == tenant))
        if tenant_id is None:
            raise UnknownTenantError(f"tenant {tenant!r} does not exist")
        revoked = conn.execute(
            update(api_keys)
            .where(
                api_keys.c.tenant_id == tenant_id,
                api_keys.c.key_id == key_id,
                api_keys.c.revoked_at.is_(None),
            )
            .values(revoked_at=clock())
        ).rowcount
    return revoked > 0
