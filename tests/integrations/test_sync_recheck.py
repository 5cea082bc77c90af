"""Reconcile re-checks each listing the complete read did not see before ending it.

A listing sold while fetch_remote pages is absent from the pages it reads (gone from the active ones,
not yet in the sold ones read earlier). The race cannot be timed over HTTP, so the sync handlers
here read their pages through a wrapper that leaves that listing out and makes the sale on the
sandbox while the read is under way; everything else, the re-check included, is the real path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from stoflow.domain.enums import Action, Marketplace
from stoflow.handlers.direct_api import IntegrationDeps
from stoflow.handlers.ebay.sync import EbaySyncHandler
from stoflow.handlers.etsy.sync import EtsySyncHandler
from stoflow.marketplaces.auth.accounts import Account
from stoflow.marketplaces.ebay.service import EbayPublicationService
from stoflow.marketplaces.etsy.service import EtsyPublicationService, RemoteListing
from stoflow.orchestration.orchestrator import JobOutcome
from tests.integrations.etsy_seller import delete_on_etsy, sell
from tests.integrations.support import Harness
from tests.integrations.test_sync import delete_remotely

EBAY, ETSY = Marketplace.EBAY, Marketplace.ETSY
Sale = Callable[[], object]


class EbaySyncMissingOne(EbaySyncHandler):
    """getInventoryItems never shows `sku`; the sale happens as the first page is read."""

    def __init__(self, deps: IntegrationDeps, sku: str, sale: Sale) -> None:
        super().__init__(deps)
        self.hidden_sku, self.sale = sku, sale

    def open_service(self, engine: Engine, account: Account) -> EbayPublicationService:
        service = super().open_service(engine, account)
        read_page = service.client.inventory_page

        async def inventory_page(page: int, limit: int) -> dict[str, Any]:
            sale, self.sale = self.sale, lambda: None  # once: the buyer buys one unit
            sale()
            body = await read_page(page, limit)
            items = [item for item in body.get("inventoryItems", []) if item["sku"] != self.hidden_sku]
            return {**body, "inventoryItems": items}

        service.client.inventory_page = inventory_page  # type: ignore[method-assign]
        return service


class EtsySyncMissingOne(EtsySyncHandler):
    """getListingsByShop never shows `listing_id`; the sale happens as the first page is read."""

    def __init__(self, deps: IntegrationDeps, listing_id: str, sale: Sale) -> None:
        super().__init__(deps)
        self.hidden_id, self.sale = int(listing_id), sale

    def open_service(self, engine: Engine, account: Account) -> EtsyPublicationService:
        service = super().open_service(engine, account)
        read_page = service.listings_page

        async def listings_page(
            state: str, offset: int, *, limit: int = 100
        ) -> tuple[list[RemoteListing], int]:
            sale, self.sale = self.sale, lambda: None  # once: the buyer buys one unit
            sale()
            listings, count = await read_page(state, offset, limit=limit)
            return [item for item in listings if item.listing_id != self.hidden_id], count

        service.listings_page = listings_page  # type: ignore[method-assign]
        return service


def ebay_sale(h: Harness, seller: dict[str, Any], sku: str) -> Sale:
    def buy() -> None:
        with h.admin(EBAY) as admin:
            admin.post(f"/_admin/sellers/{seller['seller_id']}/sales", json={"sku": sku}).raise_for_status()

    return buy


def published(h: Harness, marketplace: Marketplace, account: int, count: int) -> list[int]:
    products = [h.add_dress(f"Dress {n}") for n in range(count)]
    for job in h.batch(Action.PUBLISH, {marketplace: account}, products):
        assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED
    h.clock.advance(60)
    return products


def reconcile_output(h: Harness, job: int) -> Any:
    return {t.name: t for t in h.tasks(job)}["reconcile"].output


def ebay_sync_missing(h: Harness, account: int, seller: dict[str, Any], product: int) -> int:
    sku = f"SF{product}EB"
    h.orch.registry.register(EbaySyncMissingOne(h.deps, sku, ebay_sale(h, seller, sku)))
    [sync] = h.batch(Action.SYNC, {EBAY: account}, [])
    return sync


def etsy_sync_missing(h: Harness, account: int, seller: dict[str, Any], product: int) -> int:
    listing_id = h.listing(account, product).remote_id
    h.orch.registry.register(
        EtsySyncMissingOne(h.deps, listing_id, lambda: sell(h, seller, f"SF{product}ET"))
    )
    [sync] = h.batch(Action.SYNC, {ETSY: account}, [])
    return sync


def test_ebay_listing_sold_during_the_read_is_recorded_sold_and_a_deleted_one_ended(h: Harness) -> None:
    account, seller = h.connect_ebay(sync_page_size=1)
    sold, gone, kept = published(h, EBAY, account, 3)
    delete_remotely(h, seller, f"SF{gone}EB")
    sync = ebay_sync_missing(h, account, seller, sold)

    assert h.orch.run_job(h.tenant, sync) is JobOutcome.COMPLETED

    assert [h.listing(account, p).state for p in (sold, gone, kept)] == ["sold", "ended", "active"]
    assert h.audit(sold) == ["published", "sync_sold"]
    assert h.audit(gone) == ["published", "sync_gone"]
    assert reconcile_output(h, sync) == {"ended": [gone], "rechecked": {str(sold): "sold"}}


def test_etsy_listing_sold_during_the_read_is_recorded_sold_and_a_deleted_one_ended(h: Harness) -> None:
    account, seller = h.connect_etsy(sync_page_size=1)
    sold, gone, kept = published(h, ETSY, account, 3)
    delete_on_etsy(h, account, h.listing(account, gone).remote_id)
    sync = etsy_sync_missing(h, account, seller, sold)

    assert h.orch.run_job(h.tenant, sync) is JobOutcome.COMPLETED

    assert [h.listing(account, p).state for p in (sold, gone, kept)] == ["sold", "ended", "active"]
    assert h.audit(sold) == ["draft_created", "published", "sync_sold"]
    assert h.audit(gone) == ["draft_created", "published", "sync_gone"]
    assert reconcile_output(h, sync) == {"ended": [gone], "rechecked": {str(sold): "sold"}}


def test_ebay_transient_fault_on_the_recheck_fails_reconcile_and_marks_nothing(h: Harness) -> None:
    account, seller = h.connect_ebay()
    sold, gone = published(h, EBAY, account, 2)
    delete_remotely(h, seller, f"SF{gone}EB")
    sync = ebay_sync_missing(h, account, seller, sold)
    h.add_fault(EBAY, kind="error", status=500, route="getOffer", times=1)  # the re-check's call only

    assert h.orch.run_job(h.tenant, sync) is JobOutcome.RETRY_SCHEDULED
    assert h.task_summary(sync) == [("fetch_remote", "completed"), ("reconcile", "failed")]
    assert [h.listing(account, p).state for p in (sold, gone)] == ["active", "active"]
    assert h.audit(sold) == h.audit(gone) == ["published"]

    assert h.orch.run_job(h.tenant, sync) is JobOutcome.COMPLETED  # the retry re-checks again
    assert [h.listing(account, p).state for p in (sold, gone)] == ["sold", "ended"]


def test_etsy_transient_fault_on_the_recheck_fails_reconcile_and_marks_nothing(h: Harness) -> None:
    account, seller = h.connect_etsy()
    sold, gone = published(h, ETSY, account, 2)
    delete_on_etsy(h, account, h.listing(account, gone).remote_id)
    sync = etsy_sync_missing(h, account, seller, sold)
    h.add_fault(ETSY, kind="error", status=503, route="getListing", times=1)  # the re-check's call only

    assert h.orch.run_job(h.tenant, sync) is JobOutcome.RETRY_SCHEDULED
    assert h.task_summary(sync) == [("fetch_remote", "completed"), ("reconcile", "failed")]
    assert [h.listing(account, p).state for p in (sold, gone)] == ["active", "active"]
    assert h.audit(sold) == h.audit(gone) == ["draft_created", "published"]

    assert h.orch.run_job(h.tenant, sync) is JobOutcome.COMPLETED  # the retry re-checks again
    assert [h.listing(account, p).state for p in (sold, gone)] == ["sold", "ended"]
