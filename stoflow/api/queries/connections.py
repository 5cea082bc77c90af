"""The tenant's marketplace accounts: list, save a connected one, change settings, remove."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from stoflow.api.schemas.connections import ConnectionPublic
from stoflow.domain.enums import Marketplace
from stoflow.domain.errors import ValidationFailed
from stoflow.store.secrets import SecretBox
from stoflow.store.tables import marketplace_accounts as accounts

_PUBLIC = (
    accounts.c.id,
    accounts.c.marketplace,
    accounts.c.label,
    accounts.c.status,
    accounts.c.external_user_id,
    accounts.c.settings,
    accounts.c.updated_at,
)


def list_connections(conn: Connection) -> list[ConnectionPublic]:
    rows = conn.execute(select(*_PUBLIC).order_by(accounts.c.marketplace, accounts.c.label))
    return [ConnectionPublic.model_validate(r._mapping) for r in rows]


def get_connection(conn: Connection, account_id: int) -> ConnectionPublic | None:
    row = conn.execute(select(*_PUBLIC).where(accounts.c.id == account_id)).one_or_none()
    return ConnectionPublic.model_validate(row._mapping) if row is not None else None


def save_connected_account(
    conn: Connection,
    box: SecretBox,
    *,
    marketplace: Marketplace,
    label: str,
    credentials: Mapping[str, Any],
    external_user_id: str | None,
    now: datetime,
    settings: Mapping[str, Any] | None = None,
) -> int:
    """Insert the account or, when reconnecting the same label, replace its credentials."""
    sealed = box.seal(dict(credentials))
    existing = conn.scalar(
        select(accounts.c.id).where(accounts.c.marketplace == marketplace, accounts.c.label == label)
    )
    values: dict[str, Any] = {
        "credentials_encrypted": sealed,
        "external_user_id": external_user_id,
        "status": "connected",
        "updated_at": now,
    }
    if existing is not None:
        if settings:
            values["settings"] = dict(settings)
        conn.execute(update(accounts).where(accounts.c.id == existing).values(**values))
        return int(existing)
    account_id: int = conn.execute(
        insert(accounts)
        .values(marketplace=marketplace, label=label, settings=dict(settings or {}), created_at=now, **values)
        .returning(accounts.c.id)
    ).scalar_one()
    return account_id


def update_settings(conn: Connection, account_id: int, changes: Mapping[str, Any], now: datetime) -> None:
    current = conn.scalar(select(accounts.c.settings).where(accounts.c.id == account_id)) or {}
    conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(settings={**current, **changes}, updated_at=now)
    )


def delete_connection(conn: Connection, account_id: int) -> bool:
    return conn.execute(delete(accounts).where(accounts.c.id == account_id)).rowcount > 0


def ensure_plugin_account(conn: Connection, box: SecretBox, *, label: str, now: datetime) -> int:
    """The Vinted account of this label, created waiting for its plugin when new."""
    existing = conn.scalar(
        select(accounts.c.id).where(accounts.c.marketplace == Marketplace.VINTED, accounts.c.label == label)
    )
    if existing is not None:
        return int(existing)
    account_id: int = conn.execute(
        insert(accounts)
        .values(
            marketplace=Marketplace.VINTED,
            label=label,
            credentials_encrypted=box.seal({}),
            settings={},
            status="waiting_plugin",
            created_at=now,
            updated_at=now,
        )
        .returning(accounts.c.id)
    ).scalar_one()
    return account_id


def resolve_accounts(
    conn: Connection, marketplaces: list[Marketplace], chosen: Mapping[Marketplace, int]
) -> dict[Marketplace, int]:
    """The account of each marketplace of a batch: the chosen one, else the only one there is."""
    for marketplace in chosen:
        if marketplace not in marketplaces:
            raise ValidationFailed("account_ids", f"{marketplace.value} is not a marketplace of this batch")
    rows = conn.execute(
        select(accounts.c.id, accounts.c.marketplace).where(accounts.c.marketplace.in_(marketplaces))
    ).all()
    owned: dict[str, list[int]] = {}
    for row in rows:
        owned.setdefault(row.marketplace, []).append(row.id)
    resolved: dict[Marketplace, int] = {}
    for marketplace in marketplaces:
        candidates = owned.get(marketplace.value, [])
        if marketplace in chosen:
            if chosen[marketplace] not in candidates:
                raise ValidationFailed("account_ids", f"no {marketplace.value} account {chosen[marketplace]}")
            resolved[marketplace] = chosen[marketplace]
        elif len(candidates) == 1:
            resolved[marketplace] = candidates[0]
    return resolved
