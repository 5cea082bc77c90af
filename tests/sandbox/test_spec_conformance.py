"""Every eBay and Etsy route the emulators serve answers what the official OpenAPI documents
describe, and the requests the tests send fit the documents' request schemas."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from starlette.routing import Match, Route

from stoflow.sandbox.clock import ManualClock
from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.gateway import FaultGateway
from stoflow.sandbox.server import Sandbox
from tests.sandbox.clients import EbaySession, EtsySession, Recorder
from tests.sandbox.flows import (
    INVENTORY,
    activate_etsy,
    create_etsy_draft,
    ebay_item,
    ebay_offer,
    publish_on_ebay,
    set_etsy_sku,
    upload_etsy_image,
)
from tests.sandbox.spec_check import Api, load_api, specs_dir

# Routes outside the three documents (token endpoints, the Media API) are checked by behaviour tests.
NOT_IN_SPECS = frozenset({"getToken", "oauthToken", "createImageFromFile", "getImage"})


@pytest.fixture
def sandbox_config(clock: ManualClock) -> SandboxConfig:
    """The clock stands still here, so the per-second quota must cover the whole scenario."""
    return SandboxConfig(seed=7, clock=clock, etsy_per_second_limit=1_000)


@pytest.fixture(scope="session")
def apis() -> list[Api]:
    if not specs_dir().is_dir():
        pytest.fail(f"official OpenAPI documents not found in {specs_dir()} (set STOFLOW_SPECS_DIR)")
    return [
        load_api("ebay-inventory", "ebay/sell_inventory_v1_oas3.json", "https://api.ebay.com", INVENTORY),
        load_api(
            "ebay-fulfillment",
            "ebay/sell_fulfillment_v1_oas3.json",
            "https://api.ebay.com",
            "/sell/fulfillment/v1",
        ),
        load_api("etsy", "etsy/etsy_openapi_v3_oas3.json", "https://openapi.etsy.com", ""),
    ]


def _route_of(sandbox: Sandbox, marketplace: str, request: httpx.Request) -> tuple[Route, dict[str, Any]]:
    emulator = sandbox.ebay if marketplace == "ebay" else sandbox.etsy
    scope = {"type": "http", "method": request.method, "path": request.url.path}
    for route in _router_routes(emulator.app):
        match, child = route.matches(scope)
        if match == Match.FULL:
            return route, dict(child["path_params"])
    raise AssertionError(f"no route for {request.method} {request.url.path}")


def _router_routes(app: object) -> list[Route]:
    assert isinstance(app, FaultGateway)
    return [route for route in app.routes() if isinstance(route, Route)]


def _validate_all(
    sandbox: Sandbox,
    apis: list[Api],
    recorder: Recorder,
    marketplace: str,
    invalid_on_purpose: tuple[httpx.Response, ...] = (),
) -> set[str]:
    """Validate every exchange; requests built to be refused skip the request-schema check only."""
    skip_request = {id(response.request) for response in invalid_on_purpose}
    covered: set[str] = set()
    for request, response in recorder.exchanges:
        if request.url.path.startswith("/_admin"):
            continue
        route, path_params = _route_of(sandbox, marketplace, request)
        if route.name in NOT_IN_SPECS:
            continue
        api = next(api for api in apis if request.url.path.startswith(api.prefix or "/v3/"))
        template = route.path
        declared = api.declared[(request.method, template)]
        assert str(response.status_code) in declared, (route.name, response.status_code, declared)
        api.validate(request, response, path_params, check_request=id(request) not in skip_request)
        covered.add(route.name)
    return covered


def _served_routes(sandbox: Sandbox, marketplace: str) -> set[str]:
    emulator = sandbox.ebay if marketplace == "ebay" else sandbox.etsy
    return {
        route.name
        for route in _router_routes(emulator.app)
        if not route.path.startswith("/_admin") and route.name not in NOT_IN_SPECS
    }


def test_ebay_routes_answer_as_the_spec_says(
    sandbox: Sandbox, ebay: EbaySession, recorder: Recorder, apis: list[Api]
) -> None:
    client = ebay.client
    offer_id, _ = publish_on_ebay(ebay, "SKU-1")
    client.get(f"{INVENTORY}/inventory_item/SKU-1")
    client.get(f"{INVENTORY}/inventory_item/SKU-404")
    client.get(f"{INVENTORY}/inventory_item", params={"limit": 10, "offset": 0})
    client.post(f"{INVENTORY}/offer", json=ebay_offer(ebay, "SKU-1"))  # duplicate: 400
    client.get(f"{INVENTORY}/offer", params={"sku": "SKU-1", "marketplace_id": "EBAY_FR"})
    client.get(f"{INVENTORY}/offer", params={"sku": "SKU-404"})
    client.get(f"{INVENTORY}/offer/{offer_id}")
    client.get(f"{INVENTORY}/offer/999")
    client.put(
        f"{INVENTORY}/offer/{offer_id}",
        json={
            key: value
            for key, value in ebay_offer(ebay, "SKU-1").items()
            if key not in ("sku", "marketplaceId", "format")
        },
    )
    httpx.post(
        f"{sandbox.ebay_url}/_admin/sellers/{ebay.credentials['seller_id']}/sales", json={"sku": "SKU-1"}
    ).raise_for_status()
    client.get("/sell/fulfillment/v1/order", params={"filter": "creationdate:[2025-12-01T00:00:00.000Z..]"})
    order_id = client.get("/sell/fulfillment/v1/order").json()["orders"][0]["orderId"]
    client.get(f"/sell/fulfillment/v1/order/{order_id}")
    client.get("/sell/fulfillment/v1/order/none")
    too_many = client.get("/sell/fulfillment/v1/order", params={"limit": 500})
    client.put(f"{INVENTORY}/inventory_item/SKU-2", json=ebay_item("Second"))
    second = client.post(f"{INVENTORY}/offer", json=ebay_offer(ebay, "SKU-2", merchantLocationKey="nowhere"))
    client.post(f"{INVENTORY}/offer/{second.json()['offerId']}/publish")  # 400: bad location
    client.put(f"{INVENTORY}/inventory_item/SKU-3", json=ebay_item("Third"))
    third = client.post(f"{INVENTORY}/offer", json=ebay_offer(ebay, "SKU-3")).json()["offerId"]
    client.post(f"{INVENTORY}/offer/{third}/publish")
    client.post(f"{INVENTORY}/offer/{third}/withdraw")
    client.delete(f"{INVENTORY}/offer/{third}")
    client.delete(f"{INVENTORY}/inventory_item/SKU-2")

    covered = _validate_all(sandbox, apis, recorder, "ebay", (too_many,))

    assert covered == _served_routes(sandbox, "ebay")


def test_etsy_routes_answer_as_the_spec_says(
    sandbox: Sandbox, etsy: EtsySession, recorder: Recorder, apis: list[Api]
) -> None:
    client, shop = etsy.client, etsy.shop_path
    listing_id = create_etsy_draft(etsy)
    incomplete = client.post(f"{shop}/listings", data={"title": "no price"})  # 400
    activate_etsy(etsy, listing_id)  # 400: no image yet
    upload_etsy_image(etsy, listing_id)
    client.get(f"/v3/application/listings/{listing_id}/images")
    set_etsy_sku(etsy, listing_id, "SKU-9")
    client.get(f"/v3/application/listings/{listing_id}/inventory")
    activate_etsy(etsy, listing_id)
    client.get(
        f"{shop}/listings", params=[("state", "active"), ("includes", "Images"), ("includes", "Inventory")]
    )
    client.get(f"/v3/application/listings/{listing_id}", params={"includes": "Images"})
    client.get("/v3/application/listings/1")
    httpx.post(
        f"{sandbox.etsy_url}/_admin/sellers/{etsy.credentials['seller_id']}/sales",
        json={"listing_id": listing_id},
    ).raise_for_status()
    receipts = client.get(f"{shop}/receipts", params={"min_created": 1_700_000_000, "was_paid": "true"})
    assert receipts.status_code == 200, receipts.text
    client.get(f"{shop}/receipts/{receipts.json()['results'][0]['receipt_id']}")
    client.get(f"{shop}/receipts/12")
    other = create_etsy_draft(etsy)
    client.delete(f"/v3/application/listings/{other}")
    client.delete(f"/v3/application/listings/{other}")  # 404

    covered = _validate_all(sandbox, apis, recorder, "etsy", (incomplete,))

    assert covered == _served_routes(sandbox, "etsy")


def test_the_validator_catches_a_body_that_breaks_the_schema(
    etsy: EtsySession, recorder: Recorder, apis: list[Api]
) -> None:
    listing_id = create_etsy_draft(etsy)
    request, response = recorder.exchanges[-1]
    broken = json.loads(response.content)
    broken["quantity"] = "one"
    forged = httpx.Response(201, json=broken, request=request)

    with pytest.raises(Exception, match=r"(?i)invalid"):
        apis[2].validate(request, forged, {"shop_id": etsy.credentials["shop_id"]})
    assert listing_id > 0
