"""Update, unpublish and delete after a publish, on eBay and Etsy, with task rows and audit trail."""

from __future__ import annotations

from sqlalchemy import insert, update

from stoflow.domain.enums import Action, Marketplace
from stoflow.orchestration.orchestrator import JobOutcome
from stoflow.store.tables import product_images, products
from tests.integrations.support import Harness

EBAY, ETSY = Marketplace.EBAY, Marketplace.ETSY


def change_product(h: Harness, product: int) -> None:
    """A new title and one more photo; the existing photos stay."""
    with h.engine.begin() as conn:
        conn.execute(
            update(products).where(products.c.id == product).values(title="Floral midi dress, 1970s")
        )
        conn.execute(
            insert(product_images).values(
                product_id=product,
                position=9,
                url="https://img.example/detail.jpg",
                internal=False,
                created_at=h.clock(),
            )
        )


def run(h: Harness, action: Action, marketplace: Marketplace, account: int, product: int) -> int:
    [job] = h.batch(action, {marketplace: account}, [product])
    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED, h.task_summary(job)
    return job


def test_ebay_update_unpublish_delete(h: Harness) -> None:
    account, seller = h.connect_ebay()
    product = h.add_dress()
    run(h, Action.PUBLISH, EBAY, account, product)
    change_product(h, product)

    job = run(h, Action.UPDATE, EBAY, account, product)
    assert [name for name, _ in h.task_summary(job)] == [
        "validate",
        "map_data",
        "upload_image:1",
        "upload_image:2",
        "upload_image:3",
        "update_listing",
        "save_result",
    ]
    assert len(h.calls(EBAY, "createImageFromFile")) == 3  # only the new photo was uploaded again
    [remote] = h.remote_listings(EBAY, seller["seller_id"])
    assert remote["title"] == "Floral midi dress, 1970s"
    assert len(remote["details"]["offer"]["listingPolicies"]) == 3

    run(h, Action.UNPUBLISH, EBAY, account, product)
    [remote] = h.remote_listings(EBAY, seller["seller_id"])
    assert remote["state"] == "UNPUBLISHED"
    assert h.listing(account, product).state == "inactive"

    run(h, Action.DELETE, EBAY, account, product)
    assert h.remote_listings(EBAY, seller["seller_id"]) == []
    assert h.listing(account, product).state == "deleted"
    assert h.audit(product) == ["published", "updated", "withdrawn", "deleted"]


def test_etsy_update_and_delete(h: Harness) -> None:
    account, seller = h.connect_etsy()
    product = h.add_dress()
    run(h, Action.PUBLISH, ETSY, account, product)
    change_product(h, product)

    run(h, Action.UPDATE, ETSY, account, product)
    [remote] = h.remote_listings(ETSY, seller["seller_id"])
    assert (remote["title"], remote["state"]) == ("Floral midi dress, 1970s", "active")
    assert remote["details"]["image_count"] == 3
    assert len(h.calls(ETSY, "uploadListingImage")) == 3

    run(h, Action.DELETE, ETSY, account, product)
    assert h.remote_listings(ETSY, seller["seller_id"]) == []
    assert h.listing(account, product).state == "deleted"
    assert h.audit(product) == ["draft_created", "published", "updated", "deleted"]


def test_delete_of_a_product_never_published_fails_clearly(h: Harness) -> None:
    account, _ = h.connect_etsy()
    [job] = h.batch(Action.DELETE, {ETSY: account}, [h.add_dress()])
    assert h.orch.run_job(h.tenant, job) is JobOutcome.FAILED
    assert h.job(job).error_code == "listing_missing"
