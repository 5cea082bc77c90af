"""Fault injection through the admin API, over real HTTP: each kind, per seller and route,
deterministic under the seed; and the inspection routes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.server import Sandbox, running_sandbox
from tests.sandbox.clients import EbaySession, EtsySession, VintedSession, connect_ebay, vinted_item
from tests.sandbox.flows import INVENTORY, ebay_item, ebay_offer
from tests.sandbox.test_vinted import ITEMS


def _inject(base_url: str, **rule: Any) -> dict[str, Any]:
    response = httpx.post(f"{base_url}/_admin/faults", json=rule)
    response.raise_for_status()
    return dict(response.json())


def test_an_error_fault_answers_the_marketplace_error_body(sandbox: Sandbox, ebay: EbaySession) -> None:
    _inject(sandbox.ebay_url, kind="error", status=500, route="createOrReplaceInventoryItem", times=1)

    failed = ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json=ebay_item())
    retried = ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json=ebay_item())

    assert failed.status_code == 500
    assert failed.json()["errors"][0]["errorId"] == 25001
    assert retried.status_code == 204


def test_a_429_fault_carries_retry_after(sandbox: Sandbox, etsy: EtsySession) -> None:
    _inject(sandbox.etsy_url, kind="error", status=429, retry_after=30, seller=etsy.credentials["seller_id"])

    response = etsy.client.get(f"{etsy.shop_path}/listings")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "30"
    assert response.json() == {"error": "Exceeded per second rate limit"}


def test_faults_target_one_seller_only(sandbox: Sandbox, ebay: EbaySession) -> None:
    other = connect_ebay(sandbox.ebay_url)
    _inject(sandbox.ebay_url, kind="error", status=503, seller=ebay.credentials["seller_id"])

    assert ebay.client.get(f"{INVENTORY}/inventory_item").status_code == 503
    assert other.client.get(f"{INVENTORY}/inventory_item").status_code == 200
    other.client.close()


def test_an_error_rate_fires_the_same_way_under_the_same_seed(sandbox: Sandbox, ebay: EbaySession) -> None:
    _inject(sandbox.ebay_url, kind="error", status=500, rate=0.5)

    first = [ebay.client.get(f"{INVENTORY}/inventory_item").status_code for _ in range(12)]

    assert set(first) == {200, 500}
    assert first == _replay_pattern(sandbox, 12)


def _replay_pattern(sandbox: Sandbox, calls: int) -> list[int]:
    """The same rule on a second emulator built with the same seed fires on the same calls."""
    with running_sandbox(SandboxConfig(seed=sandbox.config.seed, clock=sandbox.config.clock)) as twin:
        session = connect_ebay(twin.ebay_url)
        _inject(twin.ebay_url, kind="error", status=500, rate=0.5)
        statuses = [session.client.get(f"{INVENTORY}/inventory_item").status_code for _ in range(calls)]
        session.client.close()
    return statuses


def test_latency_delays_but_answers(sandbox: Sandbox, ebay: EbaySession) -> None:
    _inject(sandbox.ebay_url, kind="latency", delay_ms=150, times=1)

    response = ebay.client.get(f"{INVENTORY}/inventory_item")

    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.15


def test_a_timeout_outlasts_the_client_and_changes_nothing(sandbox: Sandbox, ebay: EbaySession) -> None:
    _inject(sandbox.ebay_url, kind="timeout", delay_ms=400, route="createOrReplaceInventoryItem", times=1)

    with pytest.raises(httpx.ReadTimeout):
        ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json=ebay_item(), timeout=0.1)

    assert ebay.client.get(f"{INVENTORY}/inventory_item/SKU-1").status_code == 404


def test_a_lost_response_drops_the_connection_after_the_change(sandbox: Sandbox, ebay: EbaySession) -> None:
    ebay.client.put(f"{INVENTORY}/inventory_item/SKU-1", json=ebay_item()).raise_for_status()
    _inject(sandbox.ebay_url, kind="lost_response", route="createOffer", times=1)

    with pytest.raises(httpx.RemoteProtocolError):
        ebay.client.post(f"{INVENTORY}/offer", json=ebay_offer(ebay, "SKU-1"))

    retry = ebay.client.post(f"{INVENTORY}/offer", json=ebay_offer(ebay, "SKU-1"))
    assert retry.json()["errors"][0]["errorId"] == 25002  # the first offer exists after all
    count = httpx.get(
        f"{sandbox.ebay_url}/_admin/sellers/{ebay.credentials['seller_id']}/listings/count",
        params={"sku": "SKU-1"},
    ).json()
    assert count["count"] == 1
    calls = httpx.get(f"{sandbox.ebay_url}/_admin/calls", params={"route": "createOffer"}).json()["calls"]
    assert [(c["status"], c["faults"]) for c in calls] == [(None, ["lost_response"]), (400, [])]


def test_expiring_tokens_now_gives_401_until_refresh(sandbox: Sandbox, etsy: EtsySession) -> None:
    httpx.post(
        f"{sandbox.etsy_url}/_admin/sellers/{etsy.credentials['seller_id']}/expire-tokens"
    ).raise_for_status()

    assert etsy.client.get(f"{etsy.shop_path}/listings").status_code == 401


def test_challenge_mode_serves_the_captcha_page_until_switched_off(
    sandbox: Sandbox, vinted: VintedSession
) -> None:
    photo_id = vinted.upload_photo()
    rule = _inject(sandbox.vinted_url, kind="challenge", seller=vinted.credentials["seller_id"])

    blocked = vinted.client.post(ITEMS, json=vinted_item(photo_id))

    assert blocked.status_code == 403
    assert blocked.headers["content-type"].startswith("text/html")
    assert "captcha-delivery.com" in blocked.text
    httpx.delete(f"{sandbox.vinted_url}/_admin/faults/{rule['id']}").raise_for_status()
    assert vinted.client.post(ITEMS, json=vinted_item(photo_id)).status_code == 200


def test_listings_inspection_shows_state_and_counts_markers(sandbox: Sandbox, vinted: VintedSession) -> None:
    photo_id = vinted.upload_photo()
    for _ in range(2):
        vinted.client.post(ITEMS, json=vinted_item(photo_id, title="Robe [SKU-7]")).raise_for_status()
    admin = f"{sandbox.vinted_url}/_admin/sellers/{vinted.credentials['seller_id']}"

    listings = httpx.get(f"{admin}/listings").json()["listings"]
    count = httpx.get(f"{admin}/listings/count", params={"marker": "[SKU-7]"}).json()

    assert {listing["state"] for listing in listings} == {"active"}
    assert count["count"] == 2


def test_bad_fault_payloads_are_refused(sandbox: Sandbox) -> None:
    response = httpx.post(f"{sandbox.ebay_url}/_admin/faults", json={"kind": "meteor"})

    assert response.status_code == 422
