"""Vinted emulator rules over real HTTP: session and CSRF, validation bodies, item lifecycle,
wardrobe pagination, sold orders, throttling and session expiry."""

from __future__ import annotations

import re

import httpx

from stoflow.sandbox.clock import ManualClock
from stoflow.sandbox.server import Sandbox
from tests.sandbox.clients import VintedSession, vinted_item
from tests.sandbox.conftest import VINTED_PER_MINUTE

ITEMS = "/api/v2/item_upload/items"


def _create(vinted: VintedSession, **overrides: object) -> int:
    response = vinted.client.post(ITEMS, json=vinted_item(vinted.upload_photo(), **overrides))
    response.raise_for_status()
    return int(response.json()["item"]["id"])


def test_writes_without_the_csrf_token_are_refused_with_code_106(vinted: VintedSession) -> None:
    photo_id = vinted.upload_photo()
    del vinted.client.headers["X-CSRF-Token"]

    response = vinted.client.post(ITEMS, json=vinted_item(photo_id))

    assert response.status_code == 403
    assert response.json() == {"code": 106, "message": "Access denied", "message_code": "access_denied"}


def test_the_csrf_token_is_served_in_the_new_item_page(vinted: VintedSession) -> None:
    page = vinted.client.get("/items/new").text

    token = re.search(r'"CSRF_TOKEN":"([0-9a-f-]{36})"', page)

    assert token is not None
    assert token.group(1) == vinted.credentials["csrf_token"]


def test_a_call_without_a_session_is_401(sandbox: Sandbox) -> None:
    assert httpx.get(f"{sandbox.vinted_url}/api/v2/users/current").status_code == 401


def test_an_incomplete_item_gets_the_validation_error_body(vinted: VintedSession) -> None:
    response = vinted.client.post(
        ITEMS, json=vinted_item(vinted.upload_photo(), brand_id=None, brand=None, size_id=None, price=None)
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["message_code"]) == (99, "validation_error")
    assert {error["field"] for error in body["errors"]} == {"brand", "size_id", "price"}
    assert vinted.client.get(f"/api/v2/wardrobe/{vinted.credentials['user_id']}/items").json()["items"] == []


def test_edit_hide_unhide_and_delete_an_item(vinted: VintedSession) -> None:
    item_id = _create(vinted)
    edited = vinted_item(vinted.upload_photo(), id=item_id, price=19.5)

    assert vinted.client.put(f"{ITEMS}/{item_id}", json=edited).json()["item"]["price"] == {
        "amount": "19.5",
        "currency_code": "EUR",
    }
    assert (
        vinted.client.put(f"/api/v2/items/{item_id}/is_hidden", json={"is_hidden": True}).status_code == 200
    )
    assert vinted.client.get(f"{ITEMS}/{item_id}").json()["item"]["is_hidden"] is True
    vinted.client.put(f"/api/v2/items/{item_id}/is_hidden", json={"is_hidden": False})
    assert vinted.client.post(f"/api/v2/items/{item_id}/delete").status_code == 200
    assert vinted.client.post(f"/api/v2/items/{item_id}/delete").status_code == 404


def test_the_wardrobe_pages_through_the_items(vinted: VintedSession) -> None:
    for number in range(5):
        _create(vinted, title=f"Item {number}")

    page = vinted.client.get(
        f"/api/v2/wardrobe/{vinted.credentials['user_id']}/items", params={"page": 2, "per_page": 2}
    ).json()

    assert len(page["items"]) == 2
    assert page["pagination"] == {"current_page": 2, "total_pages": 3, "total_entries": 5, "per_page": 2}


def test_a_sale_closes_the_item_and_shows_in_sold_orders(sandbox: Sandbox, vinted: VintedSession) -> None:
    item_id = _create(vinted)

    httpx.post(
        f"{sandbox.vinted_url}/_admin/sellers/{vinted.credentials['seller_id']}/sales",
        json={"listing_id": item_id},
    ).raise_for_status()

    orders = vinted.client.get("/api/v2/my_orders", params={"type": "sold", "status": "all"}).json()
    assert [order["item_id"] for order in orders["my_orders"]] == [item_id]
    wardrobe = vinted.client.get(f"/api/v2/wardrobe/{vinted.credentials['user_id']}/items").json()
    assert wardrobe["items"][0]["is_closed"] is True


def test_too_many_calls_in_a_minute_get_429(vinted: VintedSession, clock: ManualClock) -> None:
    statuses = [vinted.client.get("/api/v2/users/current").status_code for _ in range(VINTED_PER_MINUTE + 1)]

    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {200}
    clock.advance(60)
    assert vinted.client.get("/api/v2/users/current").status_code == 200


def test_an_expired_session_is_renewed_with_the_refresh_cookie(
    sandbox: Sandbox, vinted: VintedSession
) -> None:
    httpx.post(f"{sandbox.vinted_url}/_admin/sellers/{vinted.credentials['seller_id']}/expire-tokens")
    assert vinted.client.get("/api/v2/users/current").status_code == 401

    assert vinted.client.post("/web/api/auth/refresh").status_code == 200

    assert vinted.client.get("/api/v2/users/current").status_code == 200
