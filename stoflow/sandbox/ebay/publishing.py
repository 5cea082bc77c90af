"""What publishOffer checks before a listing goes live, with the error ids eBay uses."""

from __future__ import annotations

from starlette.responses import Response

from stoflow.sandbox.ebay.errors import ebay_error
from stoflow.sandbox.ebay.state import EbaySeller, InventoryItem, Offer


def publish_problem(seller: EbaySeller, offer: Offer, item: InventoryItem | None) -> Response | None:
    """The first reason the offer cannot be published, or None."""
    if item is None:
        return ebay_error(400, 25702, f"SKU {offer.sku} is not available in the system")
    product = item.body.get("product") or {}
    details = offer.details
    price = (details.get("pricingSummary") or {}).get("price") or {}
    policies = details.get("listingPolicies") or {}
    checks: list[tuple[bool, int, str]] = [
        (bool(product.get("title")), 25016, "The title value is invalid. A title is required."),
        (
            bool(details.get("listingDescription") or product.get("description")),
            25016,
            "The listing description is missing. Provide a description on the offer or the item.",
        ),
        (
            bool(product.get("imageUrls")),
            25014,
            "The pictures are missing or invalid. At least 1 picture is required.",
        ),
        (item.body.get("condition") is not None, 25021, "The item condition is missing or invalid."),
        (
            item.quantity() > 0 or int(details.get("availableQuantity") or 0) > 0,
            25004,
            "The quantity is invalid. The available quantity must be greater than 0.",
        ),
        (_positive_amount(price.get("value")), 25003, "The price is invalid or missing."),
        (bool(details.get("categoryId")), 25005, "The category is invalid or missing."),
        (
            details.get("merchantLocationKey") == seller.merchant_location_key,
            25012,
            "No inventory location was found for the merchantLocationKey.",
        ),
        (
            policies.get("fulfillmentPolicyId") == seller.fulfillment_policy_id,
            25035,
            "The fulfillment policy was not found for this marketplace.",
        ),
        (
            policies.get("paymentPolicyId") == seller.payment_policy_id,
            25035,
            "The payment policy was not found for this marketplace.",
        ),
        (
            policies.get("returnPolicyId") == seller.return_policy_id,
            25035,
            "The return policy was not found for this marketplace.",
        ),
        (
            offer.format != "FIXED_PRICE" or details.get("listingDuration", "GTC") == "GTC",
            25006,
            "Fixed price listings only support the listing duration GTC.",
        ),
    ]
    for passed, error_id, message in checks:
        if not passed:
            return ebay_error(400, error_id, message, category="BUSINESS")
    return None


def _positive_amount(value: object) -> bool:
    try:
        return float(str(value)) > 0
    except ValueError:
        return False
