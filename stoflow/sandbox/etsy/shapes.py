"""Response shapes from the Open API v3 spec: ShopListing, ListingImage, ListingInventory, Money."""

from __future__ import annotations

from typing import Any

from stoflow.sandbox.etsy.state import EtsySeller, EtsyState, Listing


def money(value: float, currency_code: str) -> dict[str, Any]:
    """Etsy answers prices as integer amounts over a divisor, never as floats."""
    return {"amount": round(value * 100), "divisor": 100, "currency_code": currency_code}


def amount_of(price: dict[str, Any]) -> float:
    return int(price["amount"]) / int(price["divisor"])


def listing_json(
    state: EtsyState, seller: EtsySeller, listing: Listing, includes: frozenset[str]
) -> dict[str, Any]:
    fields = listing.fields
    prices = [amount_of(o["price"]) for p in listing.products for o in p["offerings"] if o["is_enabled"]]
    shown: dict[str, Any] = {
        "listing_id": listing.listing_id,
        "user_id": listing.user_id,
        "shop_id": listing.shop_id,
        "title": fields["title"],
        "description": fields["description"],
        "state": listing.state,
        "creation_timestamp": listing.created,
        "created_timestamp": listing.created,
        "ending_timestamp": listing.created + 120 * 86_400,
        "original_creation_timestamp": listing.created,
        "last_modified_timestamp": listing.updated,
        "updated_timestamp": listing.updated,
        "state_timestamp": listing.state_timestamp,
        "quantity": listing.quantity(),
        "shop_section_id": fields.get("shop_section_id"),
        "featured_rank": -1,
        "url": f"https://www.etsy.com/listing/{listing.listing_id}",
        "num_favorers": 0,
        "non_taxable": not fields.get("is_taxable", True),
        "is_taxable": bool(fields.get("is_taxable", True)),
        "is_customizable": bool(fields.get("is_customizable", False)),
        "is_personalizable": False,
        "listing_type": fields.get("type", "physical"),
        "tags": fields.get("tags", []),
        "materials": fields.get("materials", []),
        "shipping_profile_id": fields.get("shipping_profile_id"),
        "return_policy_id": fields.get("return_policy_id"),
        "processing_min": fields.get("processing_min"),
        "processing_max": fields.get("processing_max"),
        "who_made": fields.get("who_made"),
        "when_made": fields.get("when_made"),
        "is_supply": fields.get("is_supply"),
        "item_weight": fields.get("item_weight"),
        "item_weight_unit": fields.get("item_weight_unit"),
        "item_length": fields.get("item_length"),
        "item_width": fields.get("item_width"),
        "item_height": fields.get("item_height"),
        "item_dimensions_unit": fields.get("item_dimensions_unit"),
        "is_private": False,
        "style": fields.get("styles", []),
        "file_data": "",
        "has_variations": False,
        "should_auto_renew": bool(fields.get("should_auto_renew", False)),
        "language": "en-US",
        "price": money(min(prices) if prices else float(fields["price"]), seller.currency_code),
        "taxonomy_id": fields.get("taxonomy_id"),
        "readiness_state_id": fields.get("readiness_state_id"),
        "suggested_title": None,
    }
    # Nullable enums: the spec's enum lists leave out null, so an unset one is left out instead.
    for name in ("who_made", "when_made", "item_weight_unit", "item_dimensions_unit"):
        if shown[name] is None:
            del shown[name]
    if "Images" in includes:
        shown["images"] = [state.images[image_id] for image_id in listing.image_ids]
    if "Inventory" in includes:
        shown["inventory"] = inventory_json(listing)
    shown["skus"] = listing.skus()
    return shown


def inventory_json(listing: Listing) -> dict[str, Any]:
    return {
        "products": listing.products,
        "price_on_property": [],
        "quantity_on_property": [],
        "sku_on_property": [],
        "readiness_state_on_property": [],
    }


def image_json(state: EtsyState, listing_id: int, image_id: int, rank: int, alt_text: str) -> dict[str, Any]:
    base = f"https://i.etsystatic.com/sandbox/r/il/{image_id}"
    now = state.now()
    return {
        "listing_id": listing_id,
        "listing_image_id": image_id,
        "hex_code": "A0A0A0",
        "red": 160,
        "green": 160,
        "blue": 160,
        "hue": 0,
        "saturation": 0,
        "brightness": 63,
        "is_black_and_white": False,
        "creation_tsz": now,
        "created_timestamp": now,
        "rank": rank,
        "url_75x75": f"{base}/il_75x75.jpg",
        "url_170x135": f"{base}/il_170x135.jpg",
        "url_570xN": f"{base}/il_570xN.jpg",
        "url_fullxfull": f"{base}/il_fullxfull.jpg",
        "full_height": 1000,
        "full_width": 1000,
        "alt_text": alt_text,
    }


def product(
    state: EtsyState,
    *,
    sku: str,
    price: float,
    quantity: int,
    is_enabled: bool,
    currency: str,
    readiness_state_id: int | None = None,
) -> dict[str, Any]:
    return {
        "product_id": 20_000_000_000 + state.next_number(),
        "sku": sku,
        "is_deleted": False,
        "offerings": [
            {
                "offering_id": 30_000_000_000 + state.next_number(),
                "quantity": quantity,
                "is_enabled": is_enabled,
                "is_deleted": False,
                "price": money(price, currency),
                "readiness_state_id": readiness_state_id,
            }
        ],
        "property_values": [],
    }
