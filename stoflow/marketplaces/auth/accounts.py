"""Marketplace accounts: settings in clear, credentials only as SecretBox tokens.

Credentials (tokens, the application's keys) are decrypted on load and re-sealed on every write;
they never appear in a log line, an exception message or a task row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from stoflow.domain.enums import Marketplace
from stoflow.domain.errors import PermanentError
from stoflow.store.secrets import SecretBox
from stoflow.store.tables import marketplace_accounts as accounts


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    marketplace: Marketplace
    label: str
    settings: Mapping[str, Any]
    credentials: Mapping[str, Any]

    def __repr__(self) -> str:  # never print credentials
        return f"Account(id={self.id}, marketplace={self.marketplace.value}, label={self.label!r})"

    def setting(self, name: str, *, what: str) -> Any:
        """A required account setting; missing means the seller has something to configure."""
        value = self.settings.get(name)
        if value in (None, ""):
            raise PermanentError(
                f"{self.marketplace.value} account {self.label!r}: {what} is not configured "
                f"(account setting {name!r})",
                code=f"{self.marketplace.value}_setting_missing",
            )
        return value


def add_account(
    conn: Connection,
    box: SecretBox,
    *,
    marketplace: Marketplace,
    label: str,
    credentials: Mapping[str, Any],
    settings: Mapping[str, Any],
    now: datetime,
) -> int:
    account_id: int = conn.execute(
        insert(accounts)
        .values(
            marketplace=marketplace,
            label=label,
            credentials_encrypted=box.seal(dict(credentials)),
            settings=dict(settings),
            status="connected",
            created_at=now,
            updated_at=now,
        )
        .returning(accounts.c.id)
    ).scalar_one()
    return account_id


def load_account(conn: Connection, box: SecretBox, account_id: int, *, for_update: bool = False) -> Account:
    query = select(accounts).where(accounts.c.id == account_id)
    if for_update:
        query = query.with_for_update()  # PostgreSQL row lock; SQLite's BEGIN IMMEDIATE serializes
    row = conn.execute(query).mappings().one_or_none()
    if row is None:
        raise PermanentError(f"marketplace account {account_id} does not exist", code="account_missing")
    return Account(
        id=row["id"],
        marketplace=Marketplace(row["marketplace"]),
        label=row["label"],
        settings=dict(row["settings"] or {}),
        credentials=box.open(bytes(row["credentials_encrypted"])),
    )


class LockedAccount:
    """An account row held under lock for the length of a transaction (one refresh at a time)."""

    def __init__(self, conn: Connection, box: SecretBox, account: Account, now: datetime) -> None:
        self._conn = conn
        self._box = box
        self.account = account
        self._now = now

    def save_credentials(self, credentials: Mapping[str, Any]) -> None:
        self._conn.execute(
            update(accounts)
            .where(accounts.c.id == self.account.id)
            .values(credentials_encrypted=self._box.seal(dict(credentials)), updated_at=self._now)
        )

    def mark_disconnected(self) -> None:
        self._conn.execute(
            update(accounts)
            .where(accounts.c.id == self.account.id)
            .values(status="reconnect", updated_at=self._now)
        )


@contextmanager
def locked_account(engine: Engine, box: SecretBox, account_id: int, now: datetime) -> Iterator[LockedAccount]:
    """Lock the account row until the block ends; what the block saved is committed on exit."""
    with engine.begin() as conn:
        yield LockedAccount(conn, box, load_account(conn, box, account_id, for_update=True), now)
