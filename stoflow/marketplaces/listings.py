"""Listing records (one per product and account) and the audit trail of every publication change.

Steps write here in their own short transactions, beside the task commits: a remote id must be on
record the moment it exists (an Etsy draft), whatever happens to the task that created it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from stoflow.domain.enums import Marketplace
from stoflow.store.tables import listing_audit, marketplace_listings

listings = marketplace_listings


class ListingState(StrEnum):
    DRAFT = "draft"  # exists remotely, not visible to buyers
    ACTIVE = "active"
    INACTIVE = "inactive"  # withdrawn / deactivated, can be published again
    SOLD = "sold"
    EXPIRED = "expired"  # Etsy: the listing's term ran out; the seller can renew it
    ENDED = "ended"  # gone remotely (seen by a complete sync)
    DELETED = "deleted"  # deleted by StoFlow


@dataclass(frozen=True, slots=True)
class ListingRecord:
    id: int
    product_id: int
    account_id: int
    marketplace: Marketplace
    sku: str
    remote_id: str | None
    offer_id: str | None
    url: str | None
    state: ListingState
    details: Mapping[str, Any]
    last_synced_at: datetime | None


def _record(row: RowMapping) -> ListingRecord:
    return ListingRecord(
        id=row["id"],
        product_id=row["product_id"],
        account_id=row["account_id"],
        marketplace=Marketplace(row["marketplace"]),
        sku=row["sku"],
        remote_id=row["remote_id"],
        offer_id=row["offer_id"],
        url=row["url"],
        state=ListingState(row["state"]),
        details=dict(row["details"] or {}),
        last_synced_at=row["last_synced_at"],
    )


def find_listing(conn: Connection, account_id: int, product_id: int) -> ListingRecord | None:
    row = (
        conn.execute(
            select(listings).where(listings.c.account_id == account_id, listings.c.product_id == product_id)
        )
        .mappings()
        .one_or_none()
    )
    return _record(row) if row is not None else None


def listings_of_account(conn: Connection, account_id: int) -> list[ListingRecord]:
    rows = conn.execute(select(listings).where(listings.c.account_id == account_id).order_by(listings.c.id))
    return [_record(row) for row in rows.mappings()]


def save_listing(
    conn: Connection,
    *,
    account_id: int,
    product_id: int,
    marketplace: Marketplace,
    sku: str,
    now: datetime,
    **values: Any,
) -> ListingRecord:
    """Insert or update the record of this product on this account with the given columns."""
    existing = find_listing(conn, account_id, product_id)
    if existing is None:
        conn.execute(
            insert(listings).values(
                account_id=account_id,
                product_id=product_id,
                marketplace=marketplace,
                sku=sku,
                details=values.pop("details", {}),
                state=values.pop("state", ListingState.DRAFT),
                created_at=now,
                updated_at=now,
                **values,
            )
        )
    else:
        conn.execute(
            update(listings).where(listings.c.id == existing.id).values(sku=sku, updated_at=now, **values)
        )
    saved = find_listing(conn, account_id, product_id)
    assert saved is not None
    return saved


def record_change(
    conn: Connection,
    *,
    product_id: int,
    account_id: int,
    marketplace: Marketplace,
    change: str,
    now: datetime,
    job_id: int | None = None,
    remote_id: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    conn.execute(
        insert(listing_audit).values(
            product_id=product_id,
            account_id=account_id,
            marketplace=marketplace,
            change=change,
            job_id=job_id,
            remote_id=remote_id,
            details=dict(details or {}),
            created_at=now,
        )
    )


def unseen_since(conn: Connection, account_id: int, since: datetime) -> list[ListingRecord]:
    """Live records that existed before a sync started and that its complete read did not see.

    Absence from the pages is only a suspicion: a listing can move between pages (sold while the
    active ones are read) and be missed. Callers re-check each one before concluding anything, and
    must not call this after a partial read, which proves nothing about what it did not reach.
    """
    live = (ListingState.ACTIVE, ListingState.INACTIVE, ListingState.DRAFT)
    return [
        record
        for record in listings_of_account(conn, account_id)
        if record.state in live
        and (record.last_synced_at is None or record.last_synced_at < since)
        and _created_before(conn, record.id, since)
    ]


def set_listing_state(conn: Connection, record: ListingRecord, state: ListingState, now: datetime) -> None:
    """The state a re-check found; last_synced_at moves too, since the marketplace was just asked."""
    conn.execute(
        update(listings)
        .where(listings.c.id == record.id)
        .values(state=state, last_synced_at=now, updated_at=now)
    )


def _created_before(conn: Connection, record_id: int, moment: datetime) -> bool:
    created = conn.scalar(select(listings.c.created_at).where(listings.c.id == record_id))
    return created is not None and created < moment
