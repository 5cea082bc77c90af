"""eBay publish end to end over real HTTP against the sandbox, with the task rows it leaves."""

from __future__ import annotations

from stoflow.domain.enums import Action, Marketplace
from stoflow.orchestration.orchestrator import JobOutcome
from tests.integrations.support import Harness

EBAY = Marketplace.EBAY
PUBLISH_TASKS = [
    "validate",
    "map_data",
    "upload_image:1",
    "upload_image:2",
    "create_listing",
    "create_offer",
    "publish_listing",
    "save_result",
]


def test_publish_creates_item_offer_and_live_listing(h: Harness) -> None:
    account, seller = h.connect_ebay()
    product = h.add_dress()
    [job] = h.batch(Action.PUBLISH, {EBAY: account}, [product])

    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED

    assert h.task_summary(job) == [(name, "completed") for name in PUBLISH_TASKS]
    remote = h.remote_listings(EBAY, seller["seller_id"])
    assert [(r["sku"], r["state"]) for r in remote] == [(f"SF{product}EB", "ACTIVE")]
    record = h.listing(account, product)
    assert record.state == "active"
    assert record.remote_id == remote[0]["details"]["offer"]["listing"]["listingId"]
    assert record.offer_id == remote[0]["id"]
    assert h.audit(product) == ["published"]
    # the internal price-label photo was never fetched nor uploaded
    assert h.images.fetched == ["https://img.example/front.jpg", "https://img.example/back.jpg"]
    assert len(h.calls(EBAY, "createImageFromFile")) == 2
