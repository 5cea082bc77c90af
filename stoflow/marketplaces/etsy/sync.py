"""Etsy listing sync: read the shop state by state, page by page, and record what each page shows.

Etsy has no call that lists every state at once and no SKU filter (marketplace-apis 2.6), so a
complete read is one pass of getListingsByShop per state. A remote listing is matched to our record
by the listing id we stored, else by our SKU in its inventory (a draft whose create answer was lost
has no id on record yet). Listings that are not ours are ignored: the shop is the seller's, not ours.

Nothing here concludes from absence; that is the reconcile step's job, after a complete read and
a re-check of each absent listing (`EtsyPublicationService.listing_state`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from stoflow.domain.enums import Marketplace
from stoflow.marketplaces.etsy.service import (
    ETSY_STATES,
    LISTING_STATES,
    EtsyPublicationService,
    RemoteListing,
)
from stoflow.marketplaces.listings import ListingRecord, record_change, save_listing


async def shop_pages(service: EtsyPublicationService, page_size: int) -> AsyncIterator[list[RemoteListing]]:
    """Every page of every listing state; a failing call ends the iteration with its StepError."""
    for state in LISTING_STATES:
        offset = 0
        while True:
            listings, count = await service.listings_page(state, offset, limit=page_size)
            yield listings
            offset += page_size
            if offset >= count or not listings:
                break


@dataclass(frozen=True, slots=True)
class OwnListings:
    """The account's listing records, indexed the two ways a remote listing can be recognised."""

    by_remote_id: Mapping[str, ListingRecord]
    by_sku: Mapping[str, ListingRecord]

    @classmethod
    def of(cls, records: Sequence[ListingRecord]) -> OwnListings:
        return cls(
            by_remote_id={r.remote_id: r for r in records if r.remote_id},
            by_sku={r.sku: r for r in records},
        )

    def match(self, listing: RemoteListing) -> ListingRecord | None:
        found = self.by_remote_id.get(str(listing.listing_id))
        if found is None:
            found = next((self.by_sku[sku] for sku in listing.skus if sku in self.by_sku), None)
        return found


def record_page(
    conn: Connection, ours: OwnListings, page: Sequence[RemoteListing], *, at: datetime, job_id: int
) -> int:
    """Record the state, id and URL of each of our listings on this page; audit state changes.

    Returns how many of our listings the page held. `at` is when the sync started, so a record seen
    by this sync always has last_synced_at >= the reconcile's cut-off.
    """
    seen = 0
    for listing in page:
        record = ours.match(listing)
        if record is None:
            continue
        seen += 1
        state = ETSY_STATES.get(listing.state, record.state)
        save_listing(
            conn,
            account_id=record.account_id,
            product_id=record.product_id,
            marketplace=Marketplace.ETSY,
            sku=record.sku,
            now=at,
            remote_id=str(listing.listing_id),
            url=listing.url,
            state=state,
            last_synced_at=at,
        )
        if state is not record.state:
            record_change(
                conn,
                product_id=record.product_id,
                account_id=record.account_id,
                marketplace=Marketplace.ETSY,
                change=f"sync_{state.value}",
                now=at,
                job_id=job_id,
                remote_id=str(listing.listing_id),
                details={"etsy_state": listing.state},
            )
    return seen
