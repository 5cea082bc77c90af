"""OAuth states in the shared database (never in memory): any API process can finish a connection.

The state sent to the marketplace is 256 random bits; only its SHA-256 digest is stored, with the
tenant, the account label and, for PKCE, the sealed code verifier. A state is taken once.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select

from stoflow.domain.enums import Marketplace
from stoflow.store.secrets import SecretBox
from stoflow.store.tables import oauth_states, tenants


@dataclass(frozen=True, slots=True)
class StartedConnection:
    state: str
    code_challenge: str | None


@dataclass(frozen=True, slots=True)
class PendingConnection:
    tenant: str
    marketplace: Marketplace
    label: str
    code_verifier: str | None


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def pkce_challenge(verifier: str) -> str:
    """S256: base64url(sha256(verifier)) without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def start_connection(
    conn: Connection,
    box: SecretBox,
    *,
    tenant: str,
    marketplace: Marketplace,
    label: str,
    pkce: bool,
    now: datetime,
    ttl_s: int,
) -> StartedConnection:
    tenant_id = conn.scalar(select(tenants.c.id).where(tenants.c.name == tenant))
    if tenant_id is None:
        raise LookupError(f"tenant {tenant!r} does not exist")
    conn.execute(delete(oauth_states).where(oauth_states.c.expires_at < now))
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if pkce else None  # 86 characters of [A-Za-z0-9_-]
    conn.execute(
        insert(oauth_states).values(
            state_sha256=_digest(state),
            tenant_id=tenant_id,
            marketplace=marketplace,
            label=label,
            code_verifier_encrypted=box.seal({"verifier": verifier}) if verifier else None,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_s),
        )
    )
    return StartedConnection(state=state, code_challenge=pkce_challenge(verifier) if verifier else None)


def take_connection(
    conn: Connection, box: SecretBox, *, state: str, marketplace: Marketplace, now: datetime
) -> PendingConnection | None:
    """The connection started with `state`, removed so it cannot be used twice; None if unknown."""
    row = conn.execute(
        select(oauth_states, tenants.c.name.label("tenant"))
        .join(tenants, tenants.c.id == oauth_states.c.tenant_id)
        .where(oauth_states.c.state_sha256 == _digest(state))
        .with_for_update()
    ).one_or_none()
    if row is None:
        return None
    conn.execute(delete(oauth_states).where(oauth_states.c.id == row.id))
    if row.expires_at < now or row.marketplace != marketplace:
        return None
    verifier = (
        box.open(bytes(row.code_verifier_encrypted))["verifier"] if row.code_verifier_encrypted else None
    )
    return PendingConnection(
        tenant=row.tenant, marketplace=Marketplace(row.marketplace), label=row.label, code_verifier=verifier
    )
