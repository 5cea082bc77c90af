"""Etsy sync: a complete read of every listing state updates the records and concludes from
absence; a read that failed on a page records what it saw and concludes nothing."""

from __future__ import annotations

from stoflow.domain.enums import Action, Marketplace
from stoflow.orchestration.orchestrator import JobOutcome
from stoflow.store.tables import marketplace_listings
from tests.integrations.etsy_seller import delete_on_etsy, product_rows, sell
from tests.integrations.support import Harness

ETSY = Marketplace.ETSY


def fail_second_page(seller_id: str) -> dict[str, object]:
    """The sandbox's fault rules draw from Random(f"{seed}/{rule number}"); with seed 11 the first
    rule draws 0.537 then 0.440, so at rate 0.5 it lets the first page through and fails the second."""
    return {
        "kind": "error",
        "status": 500,
        "seller": seller_id,
        "route": "getListingsByShop",
        "rate": 0.5,
        "times": 1,
    }


def test_partial_sync_concludes_nothing_from_absence_then_a_full_one_does(h: Harness) -> None:
    account, seller = h.connect_etsy(sync_page_size=1)
    products = [h.add_dress(f"Dress {n}") for n in range(3)]
    for job in h.batch(Action.PUBLISH, {ETSY: account}, products):
        assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED
    sold, gone, kept = products
    sell(h, seller, f"SF{sold}ET")
    delete_on_etsy(h, account, h.listing(account, gone).remote_id)
    h.clock.advance(60)
    before = product_rows(h)
    # Pages are read state by state: `active` holds only `kept` (one page), then `inactive` fails.
    h.add_fault(ETSY, **fail_second_page(seller["seller_id"]))

    [sync] = h.batch(Action.SYNC, {ETSY: account}, [])
    assert h.orch.run_job(h.tenant, sync) is JobOutcome.RETRY_SCHEDULED

    assert h.task_summary(sync) == [("fetch_remote", "failed"), ("reconcile", "pending")]
    assert h.listing(account, kept).last_synced_at == h.clock()  # page 1 was read and recorded
    assert h.listing(account, sold).state == "active"  # its page (sold_out) was never reached
    assert h.listing(account, gone).state == "active"  # absent, but the read was partial
    assert h.audit(gone) == ["draft_created", "published"]
    assert product_rows(h) == before

    h.clock.advance(60)
    assert h.orch.run_job(h.tenant, sync) is JobOutcome.COMPLETED
    assert h.task_summary(sync) == [("fetch_remote", "completed"), ("reconcile", "completed")]
    assert [h.listing(account, p).state for p in products] == ["sold", "ended", "active"]
    assert h.audit(sold) == ["draft_created", "published", "sync_sold"]
    assert h.audit(gone) == ["draft_created", "published", "sync_gone"]
    assert h.audit(kept) == ["draft_created", "published"]  # no change, no audit entry
    tasks = {t.name: t for t in h.tasks(sync)}
    assert tasks["reconcile"].output == {"ended": [gone]}
    assert tasks["fetch_remote"].output["seen"] == 2
    record = h.listing(account, sold)
    assert record.url == f"https://www.etsy.com/listing/{record.remote_id}"
    assert product_rows(h) == before  # sync changes listing records, never the products


def test_sync_recognises_a_draft_by_sku_when_its_id_was_never_stored(h: Harness) -> None:
    account, _ = h.connect_etsy()
    product = h.add_dress()
    [job] = h.batch(Action.PUBLISH, {ETSY: account}, [product])
    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED
    remote_id = h.listing(account, product).remote_id
    with h.engine.begin() as conn:  # as if the create's answer had been lost before we stored the id
        conn.execute(marketplace_listings.update().values(remote_id=None, state="draft"))

    [sync] = h.batch(Action.SYNC, {ETSY: account}, [])
    assert h.orch.run_job(h.tenant, sync) is JobOutcome.COMPLETED

    record = h.listing(account, product)
    assert (record.remote_id, record.state) == (remote_id, "active")
    assert h.audit(product)[-1] == "sync_active"
