"""50 products published to eBay and Etsy while 10% of marketplace calls fail transiently
(server errors and responses lost after the change was made): 50 listings on each, no duplicates."""

from __future__ import annotations

from collections import Counter

from stoflow.domain.enums import Action, JobStatus, Marketplace
from tests.integrations.support import Harness

EBAY, ETSY = Marketplace.EBAY, Marketplace.ETSY
PRODUCTS = 50


def test_fifty_products_on_two_marketplaces_through_transient_faults(h: Harness) -> None:
    ebay_account, ebay_seller = h.connect_ebay()
    etsy_account, etsy_seller = h.connect_etsy()
    products = [h.add_dress(f"Vintage dress no {n}", internal_photo=False) for n in range(PRODUCTS)]
    jobs = h.batch(Action.PUBLISH, {EBAY: ebay_account, ETSY: etsy_account}, products)
    for marketplace in (EBAY, ETSY):
        h.add_fault(marketplace, kind="error", status=503, rate=0.07)
        h.add_fault(marketplace, kind="lost_response", rate=0.03)

    for job in jobs:
        h.run_until_settled(job, max_runs=30)

    assert Counter(h.job(job).status for job in jobs) == {JobStatus.COMPLETED: 2 * PRODUCTS}
    faults = [c for m in (EBAY, ETSY) for c in h.calls(m) if c["faults"]]
    assert len(faults) > 50  # the faults did fire
    for marketplace, seller, suffix in ((EBAY, ebay_seller, "EB"), (ETSY, etsy_seller, "ET")):
        remote = h.remote_listings(marketplace, seller["seller_id"])
        skus = Counter(r["sku"] for r in remote)
        assert skus == {f"SF{p}{suffix}": 1 for p in products}, marketplace
        assert {r["state"] for r in remote} == ({"ACTIVE"} if marketplace is EBAY else {"active"})
