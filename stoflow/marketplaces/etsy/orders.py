"""Etsy receipts imported as `marketplace_orders`, once each, and the listings they sold.

A receipt is inserted with ON CONFLICT DO NOTHING on (account_id, remote_order_id): a second run, a
retry of a page whose answer or commit was lost, or two workers importing the same shop all leave
one row per receipt. RETURNING tells which receipts this transaction really inserted, and only those
mark their listings sold, in the same transaction: a receipt seen again (say after the seller
relisted the item) does not mark the new listing sold a second time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from stoflow.domain.enums import Marketplace
from stoflow.marketplaces.etsy.service import PAGE_SIZE, EtsyPublicationService
from stoflow.marketplaces.listings import (
    ListingState,
    listings_of_account,
    record_change,
    save_listing,
)
from stoflow.store.tables import marketplace_orders


@dataclass(frozen=True, slots=True)
class Receipt:
    receipt_id: str
    status: str
    listing_ids: tuple[str, ...]
    skus: tuple[str, ...]
    total: Decimal | None
    currency: str | None
    updated_at: datetime


def _money(raw: Mapping[str, Any] | None) -> tuple[Decimal | None, str | None]:
    """Etsy's Money is an integer amount over a divisor; never a float."""
    if not raw:
        return None, None
    return Decimal(int(raw["amount"])) / Decimal(int(raw["divisor"])), raw.get("currency_code")


def receipt(raw: Mapping[str, Any]) -> Receipt:
    transactions = raw.get("transactions") or []
    total, currency = _money(raw.get("grandtotal") or raw.get("total_price"))
    return Receipt(
        receipt_id=str(raw["receipt_id"]),
        status=str(raw.get("status") or "open"),
        listing_ids=tuple(str(t["listing_id"]) for t in transactions if t.get("listing_id")),
        skus=tuple(str(t["sku"]) for t in transactions if t.get("sku")),
        total=total,
        currency=currency,
        updated_at=datetime.fromtimestamp(int(raw["updated_timestamp"]), UTC),
    )


async def receipt_pages(
    service: EtsyPublicationService, page_size: int = PAGE_SIZE
) -> AsyncIterator[list[Receipt]]:
    """Every receipt, oldest first: a sale made during the read lands after what was already read."""
    offset = 0
    while True:
        raws, count = await service.receipts_page(offset, limit=page_size)
        yield [receipt(raw) for raw in raws]
        offset += page_size
        if offset >= count or not raws:
            return


def insert_new(conn: Connection, account_id: int, receipts: Sequence[Receipt], now: datetime) -> set[str]:
    """Insert the receipts not imported yet; the ids of those this call inserted."""
    if not receipts:
        return set()
    rows = [
        {
            "account_id": account_id,
            "marketplace": Marketplace.ETSY,
            "remote_order_id": r.receipt_id,
            "status": r.status,
            "skus": list(r.skus),
            "total": r.total,
            "currency": r.currency,
            "remote_updated_at": r.updated_at,
            "imported_at": now,
            "updated_at": now,
        }
        for r in receipts
    ]
    # Both dialects spell it ON CONFLICT (...) DO NOTHING (SQLite >= 3.24), with RETURNING (>= 3.35);
    # SQLAlchemy only offers it through each dialect's own insert().
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(marketplace_orders)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["account_id", "remote_order_id"])
        .returning(marketplace_orders.c.remote_order_id)
    )
    return set(conn.execute(statement).scalars())


def import_page(
    conn: Connection, account_id: int, receipts: Sequence[Receipt], *, now: datetime, job_id: int
) -> tuple[int, list[int]]:
    """One page in one transaction: new receipts, and our listings they sold. (inserted, sold products)."""
    inserted = insert_new(conn, account_id, receipts, now)
    by_listing = {r.remote_id: r for r in listings_of_account(conn, account_id) if r.remote_id}
    sold: list[int] = []
    for found in (r for r in receipts if r.receipt_id in inserted):
        for listing_id in found.listing_ids:
            record = by_listing.get(listing_id)
            if record is None or record.state is ListingState.SOLD:
                continue
            save_listing(
                conn,
                account_id=account_id,
                product_id=record.product_id,
                marketplace=Marketplace.ETSY,
                sku=record.sku,
                now=now,
                state=ListingState.SOLD,
            )
            record_change(
                conn,
                product_id=record.product_id,
                account_id=account_id,
                marketplace=Marketplace.ETSY,
                change="order_sold",
                now=now,
                job_id=job_id,
                remote_id=listing_id,
                details={"receipt_id": found.receipt_id},
            )
            sold.append(record.product_id)
    return len(inserted), sold
