"""EbayPublicationService: what the eBay handlers' steps ask for, in eBay's vocabulary.

A publication is an inventory item (PUT by SKU, a full replace, so repeating it is harmless), one
offer per SKU/marketplace/format (createOffer is not idempotent: a repeat answers 25002 with the
existing offer's id, which is adopted) and publishOffer (a repeat on a published offer is checked
by reading the offer first). The SKU is derived from the product and the marketplace, so every
probe can ask eBay directly instead of trusting the local database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stoflow.domain.product import Product
from stoflow.marketplaces.auth.accounts import Account
from stoflow.marketplaces.ebay.client import LISTING_FORMAT, EbayClient
from stoflow.marketplaces.images import ImageFetcher
from stoflow.marketplaces.listings import ListingRecord, ListingState
from stoflow.marketplaces.mapping import map_to_ebay, tables_for_seller

DEFAULT_MARKETPLACE_ID = "EBAY_GB"
CONTENT_LANGUAGES = {
    "EBAY_US": "en-US",
    "EBAY_GB": "en-GB",
    "EBAY_AU": "en-AU",
    "EBAY_CA": "en-CA",
    "EBAY_IE": "en-IE",
    "EBAY_DE": "de-DE",
    "EBAY_AT": "de-AT",
    "EBAY_CH": "de-CH",
    "EBAY_FR": "fr-FR",
    "EBAY_BE": "fr-BE",
    "EBAY_IT": "it-IT",
    "EBAY_ES": "es-ES",
    "EBAY_NL": "nl-NL",
    "EBAY_PL": "pl-PL",
}


@dataclass(frozen=True, slots=True)
class EbaySellerSetup:
    """Account settings every offer needs; each missing one is named in the error."""

    marketplace_id: str
    content_language: str
    merchant_location_key: str
    fulfillment_policy_id: str
    payment_policy_id: str
    return_policy_id: str

    @classmethod
    def of(cls, account: Account) -> EbaySellerSetup:
        marketplace_id = str(account.settings.get("marketplace_id") or DEFAULT_MARKETPLACE_ID).upper()
        return cls(
            marketplace_id=marketplace_id,
            content_language=str(
                account.settings.get("content_language") or CONTENT_LANGUAGES.get(marketplace_id, "en-US")
            ),
            merchant_location_key=str(
                account.setting("merchant_location_key", what="the inventory location (merchantLocationKey)")
            ),
            fulfillment_policy_id=str(
                account.setting("fulfillment_policy_id", what="the fulfillment (shipping) business policy")
            ),
            payment_policy_id=str(account.setting("payment_policy_id", what="the payment business policy")),
            return_policy_id=str(account.setting("return_policy_id", what="the return business policy")),
        )


def ebay_sku(product_id: int) -> str:
    """Deterministic per product and marketplace; alphanumeric only, as eBay's error text demands."""
    return f"SF{product_id}EB"


def listing_url(listing_id: str) -> str:
    return f"https://www.ebay.com/itm/{listing_id}"


@dataclass(frozen=True, slots=True)
class OfferState:
    offer_id: str
    published: bool
    listing_id: str | None
    listing_status: str | None
    sold_quantity: int


def offer_state(offer: Mapping[str, Any]) -> OfferState:
    listing = offer.get("listing") or {}
    return OfferState(
        offer_id=str(offer["offerId"]),
        published=offer.get("status") == "PUBLISHED",
        listing_id=str(listing["listingId"]) if listing.get("listingId") else None,
        listing_status=listing.get("listingStatus"),
        sold_quantity=int(listing.get("soldQuantity") or 0),
    )


def offer_listing_state(offer: OfferState | None) -> ListingState:
    """Our state for an offer: an unpublished (or missing) offer leaves the item re-publishable."""
    if offer is None or not offer.published:
        return ListingState.INACTIVE
    if offer.listing_status == "ACTIVE":
        return ListingState.ACTIVE
    return ListingState.SOLD if offer.sold_quantity > 0 else ListingState.ENDED


class EbayPublicationService:
    def __init__(self, client: EbayClient, account: Account, images: ImageFetcher) -> None:
        self.client = client
        self.account = account
        self._images = images

    def setup(self) -> EbaySellerSetup:
        return EbaySellerSetup.of(self.account)

    def payload(self, product: Product) -> dict[str, Any]:
        """The item and offer bodies for this product (images are added once uploaded)."""
        setup = self.setup()
        tables = tables_for_seller(self.account.settings.get("mapping_overrides"))
        draft = map_to_ebay(product, tables, setup.marketplace_id)
        sku = ebay_sku(product.id)
        item = {
            "product": {
                "title": draft.title,
                "description": draft.description,
                "aspects": draft.aspects_payload(),
            },
            "condition": draft.condition,
            "availability": {"shipToLocationAvailability": {"quantity": draft.quantity}},
        }
        offer = {
            "sku": sku,
            "marketplaceId": setup.marketplace_id,
            "format": LISTING_FORMAT,
            "availableQuantity": draft.quantity,
            "categoryId": draft.category_id,
            "listingDescription": draft.description,
            "listingDuration": "GTC",
            "merchantLocationKey": setup.merchant_location_key,
            "pricingSummary": {"price": {"currency": draft.currency, "value": f"{draft.price:.2f}"}},
            "listingPolicies": {
                "fulfillmentPolicyId": setup.fulfillment_policy_id,
                "paymentPolicyId": setup.payment_policy_id,
                "returnPolicyId": setup.return_policy_id,
            },
        }
        return {"sku": sku, "item": item, "offer": offer}

    async def upload_image(self, url: str, position: int) -> str:
        content = await self._images.fetch(url)
        return await self.client.upload_image(content, f"image-{position}.jpg")

    async def put_item(self, sku: str, item: Mapping[str, Any], image_urls: Sequence[str]) -> None:
        body = {**item, "product": {**item["product"], "imageUrls": list(image_urls)}}
        await self.client.put_inventory_item(sku, body)

    async def find_offer(self, sku: str) -> OfferState | None:
        offers = await self.client.offers_for(sku, self.setup().marketplace_id)
        return offer_state(offers[0]) if offers else None

    async def listing_state(self, record: ListingRecord) -> ListingState | None:
        """What eBay says of this listing now; None when neither its offer nor its item exists.

        The stored offer id is asked first (one call); without one, the offers of the SKU. An item
        whose offer is gone can still be offered again, so it is inactive rather than gone.
        """
        offer = await self.offer(record.offer_id) if record.offer_id else await self.find_offer(record.sku)
        if offer is not None:
            return offer_listing_state(offer)
        item = await self.client.get_inventory_item(record.sku)
        return ListingState.INACTIVE if item is not None else None

    async def create_offer(self, offer: Mapping[str, Any]) -> tuple[str, bool]:
        """The offer's id; an offer that already existed for the SKU is adopted and brought up to date."""
        offer_id, adopted = await self.client.create_offer(offer)
        if adopted:
            await self.client.update_offer(offer_id, offer)
        return offer_id, adopted

    async def offer(self, offer_id: str) -> OfferState | None:
        found = await self.client.get_offer(offer_id)
        return offer_state(found) if found is not None else None

    async def publish(self, offer_id: str) -> str:
        return await self.client.publish_offer(offer_id)

    async def update_offer(self, offer_id: str, offer: Mapping[str, Any]) -> None:
        await self.client.update_offer(offer_id, offer)

    async def withdraw(self, offer_id: str) -> str | None:
        """Ends the listing, keeping the offer; None when it was not published (nothing to do)."""
        current = await self.offer(offer_id)
        if current is None or not current.published:
            return None
        return await self.client.withdraw_offer(offer_id)

    async def delete(self, sku: str) -> bool:
        return await self.client.delete_inventory_item(sku)
