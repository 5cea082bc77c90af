"""EtsyPublicationService: what the Etsy handlers' steps ask for.

createDraftListing is not idempotent and Etsy has no SKU lookup, so a publication is found again in
two ways: by the listing id StoFlow stores the moment the draft exists, and, when the create's
answer was lost before we could store it, by searching the shop's drafts for our SKU or for a draft
without SKU whose title is ours (the SKU only arrives with set_inventory, after the create).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stoflow.domain.product import Product
from stoflow.marketplaces.auth.accounts import Account
from stoflow.marketplaces.etsy.client import EtsyClient
from stoflow.marketplaces.images import ImageFetcher
from stoflow.marketplaces.listings import ListingRecord, ListingState
from stoflow.marketplaces.mapping import map_to_etsy, tables_for_seller

PAGE_SIZE = 100
LISTING_STATES = ("active", "inactive", "sold_out", "draft", "expired")
ETSY_STATES: Mapping[str, ListingState] = {
    "active": ListingState.ACTIVE,
    "inactive": ListingState.INACTIVE,
    "sold_out": ListingState.SOLD,
    "draft": ListingState.DRAFT,
    "expired": ListingState.EXPIRED,
    "removed": ListingState.ENDED,  # getListing can still answer for a listing the seller removed
}


def etsy_sku(product_id: int) -> str:
    return f"SF{product_id}ET"


@dataclass(frozen=True, slots=True)
class EtsyShopSetup:
    shop_id: int
    shipping_profile_id: int
    return_policy_id: int | None  # required outside the EU; Etsy says so if it is missing

    @classmethod
    def of(cls, account: Account) -> EtsyShopSetup:
        return_policy = account.settings.get("return_policy_id")
        return cls(
            shop_id=int(account.setting("shop_id", what="the Etsy shop")),
            shipping_profile_id=int(account.setting("shipping_profile_id", what="the shipping profile")),
            return_policy_id=int(return_policy) if return_policy else None,
        )


@dataclass(frozen=True, slots=True)
class RemoteListing:
    listing_id: int
    state: str
    skus: tuple[str, ...]
    title: str
    url: str | None


def remote_listing(raw: Mapping[str, Any]) -> RemoteListing:
    inventory = raw.get("inventory") or {}
    skus = raw.get("skus") or [p.get("sku") for p in inventory.get("products") or []]
    return RemoteListing(
        listing_id=int(raw["listing_id"]),
        state=str(raw["state"]),
        skus=tuple(str(s) for s in skus if s),
        title=str(raw.get("title") or ""),
        url=raw.get("url"),
    )


class EtsyPublicationService:
    def __init__(self, client: EtsyClient, account: Account, images: ImageFetcher) -> None:
        self.client = client
        self.account = account
        self._images = images

    def setup(self) -> EtsyShopSetup:
        return EtsyShopSetup.of(self.account)

    def payload(self, product: Product) -> dict[str, Any]:
        """The draft's form fields and the inventory body (SKU, price, quantity)."""
        setup = self.setup()
        draft = map_to_etsy(product, tables_for_seller(self.account.settings.get("mapping_overrides")))
        sku = etsy_sku(product.id)
        listing: dict[str, Any] = {
            "quantity": draft.quantity,
            "title": draft.title,
            "description": draft.description,
            "price": f"{draft.price:.2f}",
            "who_made": draft.who_made,
            "when_made": draft.when_made,
            "is_supply": "true" if draft.is_supply else "false",
            "taxonomy_id": draft.taxonomy_id,
            "shipping_profile_id": setup.shipping_profile_id,
            "tags": list(draft.tags),
            "materials": list(draft.materials),
        }
        if setup.return_policy_id is not None:
            listing["return_policy_id"] = setup.return_policy_id
        inventory = {
            "products": [
                {
                    "sku": sku,
                    "property_values": [],
                    "offerings": [
                        {"price": float(draft.price), "quantity": draft.quantity, "is_enabled": True}
                    ],
                }
            ],
            "price_on_property": [],
            "quantity_on_property": [],
            "sku_on_property": [],
        }
        return {"sku": sku, "listing": listing, "inventory": inventory}

    async def create_draft(self, fields: Mapping[str, Any]) -> RemoteListing:
        return remote_listing(await self.client.create_draft_listing(fields))

    async def existing(self, listing_id: int) -> RemoteListing | None:
        found = await self.client.get_listing(listing_id)
        return remote_listing(found) if found is not None else None

    async def listing_state(self, record: ListingRecord) -> ListingState | None:
        """What Etsy says of this listing now (getListing by the stored id); None when it is gone.

        A record without a listing id cannot be asked about: Etsy has no SKU lookup, and the
        complete read already searched every state for the SKU, so it is reported gone.
        """
        if record.remote_id is None:
            return None
        found = await self.existing(int(record.remote_id))
        if found is None:
            return None
        return ETSY_STATES.get(found.state, record.state)  # a state we do not know changes nothing

    async def find_draft(self, sku: str, title: str) -> RemoteListing | None:
        """A draft of this product left by an attempt whose answer was lost."""
        offset = 0
        while True:
            page = await self.client.shop_listings("draft", limit=PAGE_SIZE, offset=offset)
            for raw in page["results"]:
                listing = remote_listing(raw)
                if sku in listing.skus or (not listing.skus and listing.title == title):
                    return listing
            offset += PAGE_SIZE
            if offset >= int(page["count"]):
                return None

    async def upload_image(self, listing_id: int, url: str, rank: int) -> int:
        return await self.client.upload_image(listing_id, await self._images.fetch(url), rank=rank)

    async def set_inventory(self, listing_id: int, inventory: Mapping[str, Any]) -> None:
        await self.client.set_inventory(listing_id, inventory)

    async def activate(self, listing_id: int) -> RemoteListing:
        return remote_listing(await self.client.update_listing(listing_id, {"state": "active"}))

    async def update(self, listing_id: int, fields: Mapping[str, Any]) -> RemoteListing:
        return remote_listing(await self.client.update_listing(listing_id, fields))

    async def delete(self, listing_id: int) -> bool:
        return await self.client.delete_listing(listing_id)

    async def listings_page(
        self, state: str, offset: int, *, limit: int = PAGE_SIZE
    ) -> tuple[list[RemoteListing], int]:
        """One page of the shop's listings in `state`, and how many the shop has in that state."""
        page = await self.client.shop_listings(state, limit=limit, offset=offset)
        return [remote_listing(raw) for raw in page["results"]], int(page["count"])

    async def receipts_page(self, offset: int, *, limit: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], int]:
        """One page of the shop's receipts, oldest first, and how many there are."""
        page = await self.client.receipts(limit=limit, offset=offset, min_last_modified=None)
        return list(page["results"]), int(page["count"])
