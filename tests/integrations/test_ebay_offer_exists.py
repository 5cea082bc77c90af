"""eBay createOffer answered 400/25002 "Offer entity already exists": the existing offer is adopted
and brought up to date, and no second offer is made."""

from __future__ import annotations

from typing import Any

import httpx

from stoflow.domain.enums import Action, Marketplace
from stoflow.orchestration.orchestrator import JobOutcome
from tests.integrations.support import Harness

EBAY = Marketplace.EBAY
INVENTORY = "/sell/inventory/v1"


def seller_client(h: Harness, seller: dict[str, Any]) -> httpx.Client:
    """The seller's own eBay session (eBay does not rotate refresh tokens, so StoFlow's stays valid)."""
    with httpx.Client(base_url=h.sandbox.ebay_url, timeout=10) as client:
        token = client.post(
            "/identity/v1/oauth2/token",
            data={"grant_type": "refresh_token", "refresh_token": str(seller["refresh_token"])},
            auth=(str(seller["client_id"]), str(seller["client_secret"])),
        ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Language": "en-GB"}
    return httpx.Client(base_url=h.sandbox.ebay_url, timeout=10, headers=headers)


def test_create_offer_adopts_the_offer_that_already_exists_for_the_sku(h: Harness) -> None:
    account, seller = h.connect_ebay()
    product = h.add_dress()
    sku = f"SF{product}EB"
    with seller_client(h, seller) as ebay:  # an offer left for this SKU, with a stale price
        ebay.put(f"{INVENTORY}/inventory_item/{sku}", json={"product": {"title": "Old"}}).raise_for_status()
        stale = {"sku": sku, "marketplaceId": "EBAY_GB", "format": "FIXED_PRICE", "availableQuantity": 1}
        stale["pricingSummary"] = {"price": {"currency": "GBP", "value": "1.00"}}
        existing = ebay.post(f"{INVENTORY}/offer", json=stale).json()["offerId"]
    [job] = h.batch(Action.PUBLISH, {EBAY: account}, [product])

    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED

    tasks = {t.name: t for t in h.tasks(job)}
    assert tasks["create_offer"].output == {"offer_id": existing, "adopted": True}
    assert [c["status"] for c in h.calls(EBAY, "createOffer")] == [201, 400]  # ours, then StoFlow's
    with seller_client(h, seller) as ebay:
        offers = ebay.get(f"{INVENTORY}/offer", params={"sku": sku}).json()["offers"]
    [offer] = offers
    assert (offer["offerId"], offer["status"]) == (existing, "PUBLISHED")
    wanted = tasks["map_data"].output["offer"]
    assert offer["pricingSummary"] == wanted["pricingSummary"]  # brought up to date by updateOffer
    assert offer["listingPolicies"] == wanted["listingPolicies"]
    assert h.listing(account, product).offer_id == existing
