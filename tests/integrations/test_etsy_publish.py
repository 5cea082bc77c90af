"""Etsy publish end to end over real HTTP against the sandbox, with its task rows."""

from __future__ import annotations

from stoflow.domain.enums import Action, Marketplace
from stoflow.orchestration.orchestrator import JobOutcome
from tests.integrations.support import Harness

ETSY = Marketplace.ETSY
PUBLISH_TASKS = [
    "validate",
    "map_data",
    "create_listing",
    "upload_image:1",
    "upload_image:2",
    "set_inventory",
    "activate_listing",
    "save_result",
]


def test_publish_creates_an_active_listing_with_sku_and_public_images(h: Harness) -> None:
    account, seller = h.connect_etsy()
    product = h.add_dress()
    [job] = h.batch(Action.PUBLISH, {ETSY: account}, [product])

    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED

    assert h.task_summary(job) == [(name, "completed") for name in PUBLISH_TASKS]
    [remote] = h.remote_listings(ETSY, seller["seller_id"])
    assert (remote["sku"], remote["state"]) == (f"SF{product}ET", "active")
    record = h.listing(account, product)
    assert (record.state, record.remote_id) == ("active", remote["id"])
    assert h.audit(product) == ["draft_created", "published"]
    assert h.images.fetched == ["https://img.example/front.jpg", "https://img.example/back.jpg"]
    assert len(h.calls(ETSY, "uploadListingImage")) == 2


def test_lost_create_answer_adopts_the_draft_instead_of_making_a_second(h: Harness) -> None:
    account, seller = h.connect_etsy()
    product = h.add_dress()
    [job] = h.batch(Action.PUBLISH, {ETSY: account}, [product])
    h.add_fault(ETSY, kind="lost_response", route="createDraftListing", times=1)
    h.add_fault(ETSY, kind="lost_response", route="uploadListingImage", times=1)

    outcomes = h.run_until_settled(job)

    assert outcomes[-1] is JobOutcome.COMPLETED
    [remote] = h.remote_listings(ETSY, seller["seller_id"])
    assert remote["state"] == "active"
    assert len(h.calls(ETSY, "createDraftListing")) == 1
    create = next(t for t in h.tasks(job) if t.name == "create_listing")
    assert [e["kind"] for e in create.side_effects] == ["adopted"]
    assert h.listing(account, product).remote_id == remote["id"]
    assert remote["details"]["image_count"] == 2  # the repeated upload replaced its rank


def test_validation_error_fails_at_the_step_in_etsys_words(h: Harness) -> None:
    account, _ = h.connect_etsy(shipping_profile_id=999)
    [job] = h.batch(Action.PUBLISH, {ETSY: account}, [h.add_dress()])

    assert h.orch.run_job(h.tenant, job) is JobOutcome.FAILED

    [failed] = [t for t in h.tasks(job) if t.status == "failed"]
    assert failed.name == "create_listing"
    assert failed.marketplace_message == "shipping_profile_id 999 does not belong to this shop."
    assert h.job(job).marketplace_message == "shipping_profile_id 999 does not belong to this shop."


def test_expired_token_refresh_stores_the_rotated_refresh_token(h: Harness) -> None:
    account, seller = h.connect_etsy()
    first, second = h.add_dress("Dress one"), h.add_dress("Dress two")
    [job] = h.batch(Action.PUBLISH, {ETSY: account}, [first])
    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED
    with h.admin(ETSY) as admin:
        admin.post(f"/_admin/sellers/{seller['seller_id']}/expire-tokens").raise_for_status()

    [job] = h.batch(Action.PUBLISH, {ETSY: account}, [second])
    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED
    # two refreshes in all, each rotating the refresh token; the second used the first's new one
    assert [c["status"] for c in h.calls(ETSY, "oauthToken")] == [200, 200]
