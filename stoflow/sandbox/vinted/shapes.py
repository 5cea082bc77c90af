"""The JSON shapes Vinted's web app reads: items (wardrobe and editor views), photos, pagination."""

from __future__ import annotations

import math
from typing import Any

from stoflow.sandbox.vinted.state import VintedItem, VintedSeller


def price_json(amount: float, currency: str) -> dict[str, str]:
    """Reads give prices as a decimal string object; writes send a bare number."""
    return {"amount": f"{amount:.1f}", "currency_code": currency}


def item_json(seller: VintedSeller, item: VintedItem) -> dict[str, Any]:
    fields = item.fields
    colors = list(fields.get("color_ids") or [])
    return {
        "id": item.id,
        "user_id": item.user_id,
        "title": fields.get("title"),
        "description": fields.get("description"),
        "catalog_id": fields.get("catalog_id"),
        "brand_id": fields.get("brand_id"),
        "brand": fields.get("brand"),
        "brand_dto": {"id": fields.get("brand_id"), "title": fields.get("brand")},
        "size_id": fields.get("size_id"),
        "status_id": fields.get("status_id"),
        "color1_id": colors[0] if colors else None,
        "color2_id": colors[1] if len(colors) > 1 else None,
        "package_size_id": fields.get("package_size_id"),
        "price": price_json(float(fields.get("price") or 0), seller.currency),
        "currency": seller.currency,
        "photos": item.photos,
        "item_attributes": fields.get("item_attributes", []),
        "is_draft": False,
        "is_closed": item.is_closed,
        "is_hidden": item.is_hidden,
        "is_reserved": False,
        "created_at_ts": int(item.created_at),
        "updated_at_ts": int(item.updated_at),
        "url": f"https://www.vinted.fr/items/{item.id}",
    }


def pagination(total: int, page: int, per_page: int) -> dict[str, int]:
    return {
        "current_page": page,
        "total_pages": max(1, math.ceil(total / per_page)),
        "total_entries": total,
        "per_page": per_page,
    }
