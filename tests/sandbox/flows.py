"""Listing flows the tests share: a publishable eBay item and offer, an activatable Etsy listing."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.clients import JPEG, EbaySession, EtsySession

INVENTORY = "/sell/inventory/v1"


def ebay_item(title: str = "Levi's 501 jeans [SKU-1]") -> dict[str, Any]:
    return {
        "product": {
            "title": title,
            "description": "Worn twice.",
            "imageUrls": ["https://i.ebayimg.sandbox.ebay.com/images/g/x/s-l1600.jpg"],
        },
        "condition": "USED_EXCELLENT",
        "availability": {"shipToLocationAvailability": {"quantity": 1}},
    }


def ebay_offer(session: EbaySession, sku: str, **overrides: Any) -> dict[str, Any]:
    creds = session.credentials
    offer = {
        "sku": sku,
        "marketplaceId": "EBAY_FR",
        "format": "FIXED_PRICE",
        "availableQuantity": 1,
        "categoryId": "11483",
        "listingDescription": "Worn twice.",
        "listingDuration": "GTC",
        "merchantLocationKey": creds["merchant_location_key"],
        "pricingSummary": {"price": {"currency": "EUR", "value": "25.00"}},
        "listingPolicies": {
            "fulfillmentPolicyId": creds["fulfillment_policy_id"],
            "paymentPolicyId": creds["payment_policy_id"],
            "returnPolicyId": creds["return_policy_id"],
        },
    }
    offer.update(overrides)
    return offer


def publish_on_ebay(session: EbaySession, sku: str = "SKU-1") -> tuple[str, str]:
    """Item, offer, publish: returns (offerId, listingId)."""
    session.client.put(f"{INVENTORY}/inventory_item/{sku}", json=ebay_item()).raise_for_status()
    created = session.client.post(f"{INVENTORY}/offer", json=ebay_offer(session, sku))
    created.raise_for_status()
    offer_id = created.json()["offerId"]
    published = session.client.post(f"{INVENTORY}/offer/{offer_id}/publish")
    published.raise_for_status()
    return offer_id, published.json()["listingId"]


def etsy_draft_form(session: EtsySession, **overrides: str) -> dict[str, str]:
    form = {
        "quantity": "1",
        "title": "Vintage wool coat [SKU-9]",
        "description": "1970s wool coat.",
        "price": "80.0",
        "who_made": "someone_else",
        "when_made": "1970s",
        "is_supply": "false",
        "taxonomy_id": "2",
        "shipping_profile_id": str(session.credentials["shipping_profile_id"]),
    }
    form.update(overrides)
    return form


def create_etsy_draft(session: EtsySession, **overrides: str) -> int:
    response = session.client.post(
        f"{session.shop_path}/listings", data=etsy_draft_form(session, **overrides)
    )
    response.raise_for_status()
    return int(response.json()["listing_id"])


def upload_etsy_image(session: EtsySession, listing_id: int) -> httpx.Response:
    return session.client.post(
        f"{session.shop_path}/listings/{listing_id}/images", files={"image": ("coat.jpg", JPEG, "image/jpeg")}
    )


def set_etsy_sku(session: EtsySession, listing_id: int, sku: str, quantity: int = 1) -> httpx.Response:
    return session.client.put(
        f"/v3/application/listings/{listing_id}/inventory",
        json={
            "products": [
                {
                    "sku": sku,
                    "property_values": [],
                    "offerings": [
                        {"price": 80.0, "quantity": quantity, "is_enabled": True, "readiness_state_id": None}
                    ],
                }
            ],
            "price_on_property": [],
            "quantity_on_property": [],
            "sku_on_property": [],
        },
    )


def activate_etsy(session: EtsySession, listing_id: int) -> httpx.Response:
    return session.client.patch(f"{session.shop_path}/listings/{listing_id}", data={"state": "active"})
