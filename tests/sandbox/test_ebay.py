"""eBay emulator rules over real HTTP: tokens, the one-offer rule, publish checks, orders."""

from __future__ import annotations

from contextlib import closing

import httpx

from stoflow.sandbox.clock import ManualClock
from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.server import Sandbox, running_sandbox
from tests.sandbox.clients import JPEG, EbaySession, connect_ebay
from tests.sandbox.flows import INVENTORY, ebay_item, ebay_offer, publish_on_ebay


def test_a_second_offer_for_the_same_sku_marketplace_and_format_names_the_first(ebay: EbaySession) -> None:
    ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json=ebay_item()).raise_for_status()
    first = ebay.client.post(f"{INVENTORY}/offer", json=ebay_offer(ebay, "SKU-1")).json()["offerId"]

    duplicate = ebay.client.post(f"{INVENTORY}/offer", json=ebay_offer(ebay, "SKU-1"))

    assert duplicate.status_code == 400
    error = duplicate.json()["errors"][0]
    assert error["errorId"] == 25002
    assert error["message"] == "A user error has occurred. Offer entity already exists."
    assert error["parameters"] == [{"name": "offerId", "value": first}]
    other_market = ebay.client.post(
        f"{INVENTORY}/offer", json=ebay_offer(ebay, "SKU-1", marketplaceId="EBAY_DE")
    )
    assert other_market.status_code == 201


def test_writes_without_content_language_are_refused(ebay: EbaySession) -> None:
    del ebay.client.headers["Content-Language"]

    response = ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json=ebay_item())

    assert response.status_code == 400
    assert response.json()["errors"][0]["errorId"] == 25709


def test_items_replace_read_back_and_disappear(ebay: EbaySession) -> None:
    assert ebay.client.get(f"{INVENTORY}/inventory_item/SKU-1").status_code == 404
    ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json=ebay_item("First title"))
    ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json={"product": {"title": "Replaced"}})

    item = ebay.client.get(f"{INVENTORY}/inventory_item/SKU-1").json()

    assert item["product"] == {"title": "Replaced"}
    assert "condition" not in item  # a PUT replaces the whole item
    assert ebay.client.delete(f"{INVENTORY}/inventory_item/SKU-1").status_code == 204
    assert ebay.client.get(f"{INVENTORY}/inventory_item/SKU-1").status_code == 404


def test_publish_checks_the_listing_prerequisites(ebay: EbaySession) -> None:
    ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json={"product": {"title": "No pictures"}})
    offer_id = ebay.client.post(f"{INVENTORY}/offer", json=ebay_offer(ebay, "SKU-1")).json()["offerId"]

    refused = ebay.client.post(f"{INVENTORY}/offer/{offer_id}/publish")

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["errorId"] == 25014
    ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json=ebay_item())
    ebay.client.put(
        f"{INVENTORY}/offer/{offer_id}",
        json={
            k: v for k, v in ebay_offer(ebay, "SKU-1").items() if k not in ("sku", "marketplaceId", "format")
        }
        | {"listingPolicies": {"fulfillmentPolicyId": "1", "paymentPolicyId": "2", "returnPolicyId": "3"}},
    )
    assert ebay.client.post(f"{INVENTORY}/offer/{offer_id}/publish").json()["errors"][0]["errorId"] == 25035


def test_publish_withdraw_and_republish_move_the_offer_state(ebay: EbaySession) -> None:
    offer_id, listing_id = publish_on_ebay(ebay)
    assert ebay.client.get(f"{INVENTORY}/offer/{offer_id}").json()["listing"]["listingStatus"] == "ACTIVE"

    withdrawn = ebay.client.post(f"{INVENTORY}/offer/{offer_id}/withdraw")

    assert withdrawn.json() == {"listingId": listing_id}
    assert ebay.client.get(f"{INVENTORY}/offer/{offer_id}").json()["status"] == "UNPUBLISHED"
    assert ebay.client.post(f"{INVENTORY}/offer/{offer_id}/publish").status_code == 200


def test_an_expired_access_token_gets_401_1001_until_refreshed(ebay: EbaySession, clock: ManualClock) -> None:
    clock.advance(7_201)

    expired = ebay.client.get(f"{INVENTORY}/inventory_item")

    assert expired.status_code == 401
    assert expired.json()["errors"][0]["errorId"] == 1001
    refreshed = ebay.refresh().json()
    assert refreshed["expires_in"] == 7_200
    assert "refresh_token" not in refreshed  # eBay does not rotate refresh tokens
    ebay.client.headers["Authorization"] = f"Bearer {refreshed['access_token']}"
    assert ebay.client.get(f"{INVENTORY}/inventory_item").status_code == 200


def test_a_bad_refresh_token_is_an_invalid_grant(ebay: EbaySession) -> None:
    ebay.credentials["refresh_token"] = "v^1.1#not-a-token"

    response = ebay.refresh()

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_authorization_code_is_exchanged_once_for_both_tokens(sandbox: Sandbox, ebay: EbaySession) -> None:
    creds = ebay.credentials
    code = httpx.post(f"{sandbox.ebay_url}/_admin/sellers/{creds['seller_id']}/credentials").json()
    form = {
        "grant_type": "authorization_code",
        "code": code["authorization_code"],
        "redirect_uri": creds["ru_name"],
    }
    auth = (creds["client_id"], creds["client_secret"])

    first = httpx.post(f"{sandbox.ebay_url}/identity/v1/oauth2/token", data=form, auth=auth)
    second = httpx.post(f"{sandbox.ebay_url}/identity/v1/oauth2/token", data=form, auth=auth)

    assert first.json()["refresh_token_expires_in"] == 47_304_000
    assert second.status_code == 400
    app_token = httpx.post(
        f"{sandbox.ebay_url}/identity/v1/oauth2/token", auth=auth, data={"grant_type": "client_credentials"}
    ).json()
    assert app_token["token_type"] == "Application Access Token"


def test_the_daily_call_budget_answers_429_2001(clock: ManualClock) -> None:
    with running_sandbox(SandboxConfig(clock=clock, ebay_daily_call_limit=2)) as small:
        session = connect_ebay(small.ebay_url)
        with closing(session.client):
            statuses = [session.client.get(f"{INVENTORY}/inventory_item").status_code for _ in range(3)]
            throttled = session.client.get(f"{INVENTORY}/inventory_item").json()

    assert statuses == [200, 200, 429]
    assert throttled["errors"][0]["errorId"] == 2001


def test_media_upload_returns_a_location_and_an_eps_url(ebay: EbaySession) -> None:
    response = ebay.client.post(
        "/commerce/media/v1_beta/image/create_image_from_file", files={"image": ("a.jpg", JPEG, "image/jpeg")}
    )

    assert response.status_code == 201
    assert response.json()["imageUrl"].startswith("https://i.ebayimg")
    assert ebay.client.get(response.headers["Location"]).json() == response.json()


def test_orders_follow_the_filter_grammar(sandbox: Sandbox, ebay: EbaySession, clock: ManualClock) -> None:
    _, listing_id = publish_on_ebay(ebay)
    sale = httpx.post(
        f"{sandbox.ebay_url}/_admin/sellers/{ebay.credentials['seller_id']}/sales",
        json={"listing_id": listing_id},
    ).json()
    clock.advance(60)

    def orders(filter_text: str) -> httpx.Response:
        return ebay.client.get("/sell/fulfillment/v1/order", params={"filter": filter_text})

    found = orders(
        "lastmodifieddate:[2025-12-31T00:00:00.000Z..],orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}"
    )
    assert [o["orderId"] for o in found.json()["orders"]] == [sale["order_id"]]
    assert found.json()["orders"][0]["lineItems"][0]["sku"] == "SKU-1"
    assert orders("creationdate:[2025-12-01T00:00:00.000Z..2025-12-31T00:00:00.000Z]").json()["total"] == 0
    assert orders("creationdate:[2026-01-02T00:00:00.000Z..]").json()["errors"][0]["errorId"] == 30850
    assert orders("colour:[red]").json()["errors"][0]["errorId"] == 30700
    assert orders("creationdate:[yesterday..]").json()["errors"][0]["errorId"] == 30810
    offers = ebay.client.get(f"{INVENTORY}/offer", params={"sku": "SKU-1"}).json()["offers"]
    assert offers[0]["listing"]["listingStatus"] == "ENDED"  # the only unit sold
