"""Shop receipts (orders): getShopReceipts with its time and status filters, getShopReceipt, and the
receipt a simulated sale creates."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.etsy.errors import etsy_error
from stoflow.sandbox.etsy.shapes import money
from stoflow.sandbox.etsy.state import EtsySeller, EtsyState, Listing, shop_refusal

PATH = "/v3/application/shops/{shop_id}/receipts"
TIME_FILTERS = {
    "min_created": ("created_timestamp", 1),
    "max_created": ("created_timestamp", -1),
    "min_last_modified": ("updated_timestamp", 1),
    "max_last_modified": ("updated_timestamp", -1),
}
FLAG_FILTERS = {"was_paid": "is_paid", "was_shipped": "is_shipped"}


def receipt_for_sale(
    state: EtsyState, seller: EtsySeller, listing: Listing, sku: str, price: dict[str, Any]
) -> dict[str, Any]:
    now = state.now()
    receipt_id = 3_000_000_000 + state.next_number()
    buyer = 90_000_000 + state.next_number()
    zero = money(0.0, seller.currency_code)
    transaction = {
        "transaction_id": 4_000_000_000 + state.next_number(),
        "title": listing.fields["title"],
        "description": listing.fields["description"],
        "seller_user_id": seller.user_id,
        "buyer_user_id": buyer,
        "create_timestamp": now,
        "created_timestamp": now,
        "paid_timestamp": now,
        "shipped_timestamp": None,
        "quantity": 1,
        "listing_image_id": listing.image_ids[0] if listing.image_ids else None,
        "receipt_id": receipt_id,
        "is_digital": False,
        "file_data": "",
        "listing_id": listing.listing_id,
        "transaction_type": "listing",
        "product_id": listing.products[0]["product_id"],
        "sku": sku,
        "price": price,
        "shipping_cost": zero,
        "variations": [],
        "product_data": [],
        "shipping_profile_id": listing.fields.get("shipping_profile_id"),
        "min_processing_days": 1,
        "max_processing_days": 3,
        "shipping_method": None,
        "shipping_upgrade": None,
        "expected_ship_date": now + 3 * 86_400,
        "buyer_coupon": 0.0,
        "shop_coupon": 0.0,
    }
    return {
        "receipt_id": receipt_id,
        "receipt_type": 0,
        "seller_user_id": seller.user_id,
        "seller_email": None,
        "buyer_user_id": buyer,
        "buyer_email": None,
        "name": "Sandbox Buyer",
        "first_line": None,
        "second_line": None,
        "city": None,
        "state": None,
        "zip": None,
        "status": "paid",
        "formatted_address": None,
        "country_iso": seller.country_iso,
        "payment_method": "cc",
        "payment_email": None,
        "message_from_seller": None,
        "message_from_buyer": None,
        "message_from_payment": None,
        "is_paid": True,
        "is_shipped": False,
        "create_timestamp": now,
        "created_timestamp": now,
        "update_timestamp": now,
        "updated_timestamp": now,
        "is_gift": False,
        "gift_message": "",
        "gift_sender": "",
        "grandtotal": price,
        "subtotal": price,
        "total_price": price,
        "total_shipping_cost": zero,
        "total_tax_cost": zero,
        "total_vat_cost": zero,
        "discount_amt": zero,
        "gift_wrap_price": zero,
        "shipments": [],
        "transactions": [transaction],
        "refunds": [],
    }


def _admits(receipt: dict[str, Any], request: Request) -> bool:
    query = request.query_params
    for name, (field, direction) in TIME_FILTERS.items():
        if name in query and (int(receipt[field]) - int(query[name])) * direction < 0:
            return False
    for name, field in FLAG_FILTERS.items():
        if name in query and receipt[field] != (query[name].lower() == "true"):
            return False
    return True


class ReceiptRoutes:
    def __init__(self, state: EtsyState) -> None:
        self._state = state

    async def get_shop_receipts(self, request: Request, seller: EtsySeller) -> Response:
        if (refusal := shop_refusal(self._state, seller, request)) is not None:
            return refusal
        query = request.query_params
        try:
            limit, offset = int(query.get("limit", 25)), int(query.get("offset", 0))
            found = [r for r in seller.receipts.values() if _admits(r, request)]
        except ValueError:
            return etsy_error(400, "Expected integer query parameters.")
        if not 1 <= limit <= 100 or offset < 0:
            return etsy_error(400, "limit must be between 1 and 100 and offset non-negative.")
        found.sort(
            key=lambda r: int(r["created_timestamp"]), reverse=query.get("sort_order", "desc") == "desc"
        )
        return JSONResponse({"count": len(found), "results": found[offset : offset + limit]})

    async def get_shop_receipt(self, request: Request, seller: EtsySeller) -> Response:
        if (refusal := shop_refusal(self._state, seller, request)) is not None:
            return refusal
        receipt_id = request.path_params["receipt_id"]
        receipt = seller.receipts.get(int(receipt_id)) if receipt_id.isdigit() else None
        if receipt is None:
            return etsy_error(404, f"Receipt {receipt_id} not found.")
        return JSONResponse(receipt)

    def routes(self) -> list[BaseRoute]:
        guarded = self._state.guarded
        return [
            Route(
                PATH,
                guarded("transactions_r", self.get_shop_receipts),
                methods=["GET"],
                name="getShopReceipts",
            ),
            Route(
                f"{PATH}/{{receipt_id}}",
                guarded("transactions_r", self.get_shop_receipt),
                methods=["GET"],
                name="getShopReceipt",
            ),
        ]
