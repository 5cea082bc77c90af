"""Fulfillment `getOrders` / `getOrder`, with the `filter` grammar, and the orders a sale creates.

    filter=creationdate:[2026-01-01T00:00:00.000Z..2026-02-01T00:00:00.000Z],
           orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}

`lastmodifieddate` is ignored when `creationdate` is present; either end of a range may be open
except the start. `offset` counts records here, unlike the Inventory API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.ebay.errors import ebay_error
from stoflow.sandbox.ebay.state import SCOPE_FULFILLMENT, SCOPE_FULFILLMENT_READ, EbaySeller, EbayState, Offer

BASE = "/sell/fulfillment/v1"
READ = frozenset({SCOPE_FULFILLMENT, SCOPE_FULFILLMENT_READ})
DEFAULT_LOOKBACK_S = 90 * 86_400
FULFILLMENT_SETS = (frozenset({"NOT_STARTED", "IN_PROGRESS"}), frozenset({"FULFILLED", "IN_PROGRESS"}))


def iso(timestamp: float) -> str:
    moment = dt.datetime.fromtimestamp(timestamp, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _parse_time(text: str) -> float | None:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC).timestamp()
    except ValueError:
        return None


class FilterError(ValueError):
    def __init__(self, error_id: int, message: str) -> None:
        super().__init__(message)
        self.error_id = error_id


@dataclass(frozen=True)
class OrderFilter:
    field: str  # creationDate or lastModifiedDate
    start: float
    end: float | None
    statuses: frozenset[str] | None

    def admits(self, order: dict[str, Any]) -> bool:
        stamp = _parse_time(order[self.field]) or 0.0
        if stamp < self.start or (self.end is not None and stamp > self.end):
            return False
        return self.statuses is None or order["orderFulfillmentStatus"] in self.statuses


def _range(value: str, now: float) -> tuple[float, float | None]:
    start_text, sep, end_text = value[1:-1].partition("..")
    if not sep:
        raise FilterError(30800, "Invalid filter value: a date range needs '..'.")
    if not start_text:
        raise FilterError(30820, "The start date is missing.")
    start = _parse_time(start_text)
    end = _parse_time(end_text) if end_text else None
    if start is None or (end_text and end is None):
        raise FilterError(30810, "Invalid date format.")
    if start > now:
        raise FilterError(30850, "The start date cannot be in the future.")
    if end is not None and start > end:
        raise FilterError(30840, "The start date is after the end date.")
    return start, end


def _terms(text: str) -> list[str]:
    """Split on the commas that separate filter terms, not those inside brackets or braces."""
    terms: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            terms.append(text[start:index])
            start = index + 1
    terms.append(text[start:])
    return [term.strip() for term in terms if term.strip()]


def parse_filter(text: str | None, now: float) -> OrderFilter:
    ranges: dict[str, tuple[float, float | None]] = {}
    statuses: frozenset[str] | None = None
    for term in _terms(text or ""):
        name, _, value = term.partition(":")
        name = name.lower()
        if name in ("creationdate", "lastmodifieddate") and value.startswith("[") and value.endswith("]"):
            ranges[name] = _range(value, now)
        elif name == "orderfulfillmentstatus" and value.startswith("{") and value.endswith("}"):
            statuses = frozenset(value[1:-1].split("|"))
            if statuses not in FULFILLMENT_SETS:
                raise FilterError(30800, "Invalid filter value for orderfulfillmentstatus.")
        elif name in ("creationdate", "lastmodifieddate", "orderfulfillmentstatus"):
            raise FilterError(30800, f"Invalid filter value for {name}.")
        else:
            raise FilterError(30700, f"Invalid filter name: {name}.")
    if "creationdate" in ranges:
        return OrderFilter("creationDate", *ranges["creationdate"], statuses)
    if "lastmodifieddate" in ranges:
        return OrderFilter("lastModifiedDate", *ranges["lastmodifieddate"], statuses)
    return OrderFilter("creationDate", now - DEFAULT_LOOKBACK_S, None, statuses)


def order_for_sale(state: EbayState, seller: EbaySeller, offer: Offer, title: str | None) -> dict[str, Any]:
    number = state.next_number()
    now = iso(state.clock.now())
    price = (offer.details.get("pricingSummary") or {}).get("price") or {"value": "0.00", "currency": "USD"}
    amount = {"value": str(price.get("value")), "currency": str(price.get("currency", "USD"))}
    return {
        "orderId": f"{number:02d}-{number:05d}-{number * 7:05d}",
        "legacyOrderId": f"{offer.listing_id}-{number}",
        "creationDate": now,
        "lastModifiedDate": now,
        "orderFulfillmentStatus": "NOT_STARTED",
        "orderPaymentStatus": "PAID",
        "sellerId": seller.username,
        "buyer": {"username": f"sandbox_buyer_{number}"},
        "pricingSummary": {"priceSubtotal": amount, "total": amount},
        "cancelStatus": {"cancelState": "NONE_REQUESTED", "cancelRequests": []},
        "lineItems": [
            {
                "lineItemId": str(10_000_000_000 + number),
                "legacyItemId": offer.listing_id,
                "sku": offer.sku,
                "title": title or offer.sku,
                "quantity": 1,
                "lineItemCost": amount,
                "total": amount,
                "lineItemFulfillmentStatus": "NOT_STARTED",
                "soldFormat": offer.format,
                "listingMarketplaceId": offer.marketplace_id,
                "purchaseMarketplaceId": offer.marketplace_id,
            }
        ],
    }


class OrderRoutes:
    def __init__(self, state: EbayState) -> None:
        self._state = state

    async def get_orders(self, request: Request) -> Response:
        seller = self._state.authorize(request, READ)
        if isinstance(seller, Response):
            return seller
        query = request.query_params
        try:
            limit, offset = int(query.get("limit", 50)), int(query.get("offset", 0))
        except ValueError:
            return ebay_error(400, 31100, "Invalid limit or offset.", domain="API_FULFILLMENT")
        if not 1 <= limit <= 200:
            return ebay_error(400, 31100, "The limit must be between 1 and 200.", domain="API_FULFILLMENT")
        if offset < 0:
            return ebay_error(400, 31000, "The offset cannot be negative.", domain="API_FULFILLMENT")
        orders = sorted(seller.orders.values(), key=lambda order: str(order["creationDate"]))
        if (order_ids := query.get("orderIds")) is not None:
            wanted = [item for item in order_ids.split(",") if item]
            if len(wanted) > 50:
                return ebay_error(400, 30900, "Too many order ids.", domain="API_FULFILLMENT")
            orders = [order for order in orders if order["orderId"] in wanted]
        else:
            try:
                order_filter = parse_filter(query.get("filter"), self._state.clock.now())
            except FilterError as exc:
                return ebay_error(400, exc.error_id, str(exc), domain="API_FULFILLMENT")
            orders = [order for order in orders if order_filter.admits(order)]
        page = orders[offset : offset + limit]
        body: dict[str, Any] = {
            "href": f"{BASE}/order?limit={limit}&offset={offset}",
            "limit": limit,
            "offset": offset,
            "total": len(orders),
            "orders": page,
        }
        if offset + limit < len(orders):
            body["next"] = f"{BASE}/order?limit={limit}&offset={offset + limit}"
        if offset > 0:
            body["prev"] = f"{BASE}/order?limit={limit}&offset={max(0, offset - limit)}"
        return JSONResponse(body)

    async def get_order(self, request: Request) -> Response:
        seller = self._state.authorize(request, READ)
        if isinstance(seller, Response):
            return seller
        order = seller.orders.get(request.path_params["orderId"])
        if order is None:
            return ebay_error(404, 32100, "Order not found.", domain="API_FULFILLMENT")
        return JSONResponse(order)

    def routes(self) -> list[BaseRoute]:
        return [
            Route(f"{BASE}/order", self.get_orders, methods=["GET"], name="getOrders"),
            Route(f"{BASE}/order/{{orderId}}", self.get_order, methods=["GET"], name="getOrder"),
        ]
