"""Etsy emulator rules over real HTTP: PKCE and rotated refresh tokens, the activation rule, the
api key form, quotas and their headers, SKUs through inventory, receipts from a sale."""

from __future__ import annotations

from contextlib import closing

import httpx

from stoflow.sandbox.clock import ManualClock
from stoflow.sandbox.server import Sandbox
from tests.sandbox.clients import EtsySession, connect_etsy, pkce_pair
from tests.sandbox.conftest import ETSY_PER_DAY, ETSY_PER_SECOND
from tests.sandbox.flows import activate_etsy, create_etsy_draft, set_etsy_sku, upload_etsy_image


def test_a_draft_needs_an_image_before_it_can_go_active(etsy: EtsySession) -> None:
    listing_id = create_etsy_draft(etsy)

    refused = activate_etsy(etsy, listing_id)
    upload_etsy_image(etsy, listing_id).raise_for_status()
    accepted = activate_etsy(etsy, listing_id)

    assert refused.status_code == 400
    assert "image" in refused.json()["error"]
    assert accepted.json()["state"] == "active"


def test_physical_listings_need_a_shipping_profile(etsy: EtsySession) -> None:
    form = {
        "quantity": "1",
        "title": "Coat",
        "description": "Wool",
        "price": "10",
        "who_made": "someone_else",
        "when_made": "1970s",
        "is_supply": "false",
        "taxonomy_id": "2",
    }

    response = etsy.client.post(f"{etsy.shop_path}/listings", data=form)

    assert response.status_code == 400
    assert response.json() == {"error": "A shipping_profile_id is required for physical listings."}


def test_who_made_when_made_and_is_supply_come_together(etsy: EtsySession) -> None:
    response = etsy.client.post(
        f"{etsy.shop_path}/listings",
        data={
            "quantity": "1",
            "title": "Coat",
            "description": "Wool",
            "price": "10",
            "who_made": "someone_else",
            "when_made": "1970s",
            "taxonomy_id": "2",
            "shipping_profile_id": str(etsy.credentials["shipping_profile_id"]),
        },
    )

    assert response.status_code == 400


def test_non_eu_shops_also_need_a_return_policy(sandbox: Sandbox) -> None:
    session = connect_etsy(sandbox.etsy_url, country_iso="US")
    with closing(session.client):
        listing_id = create_etsy_draft(session)
        upload_etsy_image(session, listing_id)

        refused = activate_etsy(session, listing_id)
        session.client.patch(
            f"{session.shop_path}/listings/{listing_id}",
            data={"return_policy_id": str(session.credentials["return_policy_id"])},
        )
        accepted = activate_etsy(session, listing_id)

    assert refused.json() == {"error": "A return_policy_id is required for active physical listings."}
    assert accepted.status_code == 200


def test_the_sku_lives_in_the_inventory(etsy: EtsySession) -> None:
    listing_id = create_etsy_draft(etsy)

    set_etsy_sku(etsy, listing_id, "SKU-9").raise_for_status()

    inventory = etsy.client.get(f"/v3/application/listings/{listing_id}/inventory").json()
    assert inventory["products"][0]["sku"] == "SKU-9"
    assert inventory["products"][0]["offerings"][0]["price"] == {
        "amount": 8000,
        "divisor": 100,
        "currency_code": "EUR",
    }
    drafts = etsy.client.get(f"{etsy.shop_path}/listings", params={"state": "draft"}).json()
    assert drafts["results"][0]["skus"] == ["SKU-9"]


def test_the_api_key_must_carry_the_shared_secret(etsy: EtsySession) -> None:
    keystring = etsy.credentials["keystring"]

    response = etsy.client.get(f"{etsy.shop_path}/listings", headers={"x-api-key": keystring})

    assert response.status_code == 403
    assert response.json() == {"error": "Shared secret is required in x-api-key header"}


def test_quota_headers_count_down_then_429_per_second(etsy: EtsySession, clock: ManualClock) -> None:
    responses = [etsy.client.get(f"{etsy.shop_path}/listings") for _ in range(ETSY_PER_SECOND + 1)]

    assert [r.headers["x-remaining-this-second"] for r in responses[:-1]] == [
        str(n) for n in range(ETSY_PER_SECOND - 1, -1, -1)
    ]
    assert responses[0].headers["x-limit-per-day"] == str(ETSY_PER_DAY)
    assert responses[-1].status_code == 429
    assert responses[-1].json() == {"error": "Exceeded per second rate limit"}
    clock.advance(1)
    assert etsy.client.get(f"{etsy.shop_path}/listings").status_code == 200


def test_the_daily_quota_answers_429_with_retry_after(etsy: EtsySession, clock: ManualClock) -> None:
    for _ in range(ETSY_PER_DAY):
        clock.advance(1)
        etsy.client.get(f"{etsy.shop_path}/listings")
    clock.advance(1)

    refused = etsy.client.get(f"{etsy.shop_path}/listings")

    assert refused.status_code == 429
    assert refused.json() == {"error": "Exceeded daily rate limit"}
    assert refused.headers["x-remaining-today"] == "0"
    assert int(refused.headers["retry-after"]) > 0


def test_refresh_rotates_the_refresh_token(etsy: EtsySession, clock: ManualClock) -> None:
    old_refresh = etsy.tokens["refresh_token"]
    client_id = etsy.credentials["keystring"]
    clock.advance(3_601)
    assert etsy.client.get(f"{etsy.shop_path}/listings").json()["error"] == "invalid_token"

    refreshed = httpx.post(
        f"{etsy.base_url}/v3/public/oauth/token",
        data={"grant_type": "refresh_token", "client_id": client_id, "refresh_token": old_refresh},
    )
    reused = httpx.post(
        f"{etsy.base_url}/v3/public/oauth/token",
        data={"grant_type": "refresh_token", "client_id": client_id, "refresh_token": old_refresh},
    )

    tokens = refreshed.json()
    assert tokens["refresh_token"] != old_refresh
    assert tokens["access_token"].startswith(f"{etsy.credentials['user_id']}.")
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    etsy.use_token(tokens["access_token"])
    assert etsy.client.get(f"{etsy.shop_path}/listings").status_code == 200


def test_pkce_rejects_a_wrong_verifier(sandbox: Sandbox, etsy: EtsySession) -> None:
    _, challenge = pkce_pair()
    code = httpx.post(
        f"{sandbox.etsy_url}/_admin/sellers/{etsy.credentials['seller_id']}/credentials",
        json={"code_challenge": challenge},
    ).json()

    response = httpx.post(
        f"{sandbox.etsy_url}/v3/public/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": etsy.credentials["keystring"],
            "redirect_uri": code["redirect_uri"],
            "code": code["code"],
            "code_verifier": "w" * 50,
        },
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_sale_sells_out_the_listing_and_writes_a_receipt(
    sandbox: Sandbox, etsy: EtsySession, clock: ManualClock
) -> None:
    listing_id = create_etsy_draft(etsy)
    upload_etsy_image(etsy, listing_id)
    set_etsy_sku(etsy, listing_id, "SKU-9")
    activate_etsy(etsy, listing_id)
    clock.advance(1)

    httpx.post(
        f"{sandbox.etsy_url}/_admin/sellers/{etsy.credentials['seller_id']}/sales", json={"sku": "SKU-9"}
    ).raise_for_status()

    listing = etsy.client.get(f"/v3/application/listings/{listing_id}").json()
    assert listing["state"] == "sold_out"
    receipts = etsy.client.get(f"{etsy.shop_path}/receipts", params={"min_last_modified": int(clock.now())})
    assert receipts.json()["results"][0]["transactions"][0]["sku"] == "SKU-9"
    assert etsy.client.delete(f"/v3/application/listings/{listing_id}").status_code == 204
    assert etsy.client.delete(f"/v3/application/listings/{listing_id}").status_code == 404
