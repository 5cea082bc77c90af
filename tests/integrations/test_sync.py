"""eBay sync: a complete read updates listing records and concludes from absence; a read that
failed midway records what it saw and concludes nothing."""

from __future__ import annotations

import httpx

from stoflow.domain.enums import Action, Marketplace
from stoflow.orchestration.orchestrator import JobOutcome
from tests.integrations.support import Harness

EBAY = Marketplace.EBAY
# The sandbox's fault rules draw from Random(f"{seed}/{rule number}"); with seed 11 the first rule
# draws 0.537 then 0.440, so at rate 0.5 it lets the first page through and fails the second.
FAIL_SECOND_CALL = {"kind": "error", "status": 500, "route": "getInventoryItems", "rate": 0.5, "times": 1}


def delete_remotely(h: Harness, seller: dict[str, object], sku: str) -> None:
    """The seller ends a listing on eBay itself, behind StoFlow's back."""
    with httpx.Client(base_url=h.sandbox.ebay_url) as client:
        token = client.post(
            "/identity/v1/oauth2/token",
            data={"grant_type": "refresh_token", "refresh_token": str(seller["refresh_token"])},
            auth=(str(seller["client_id"]), str(seller["client_secret"])),
        ).json()["access_token"]
        client.delete(
            f"/sell/inventory/v1/inventory_item/{sku}", headers={"Authorization": f"Bearer {token}"}
        ).raise_for_status()


def test_partial_sync_concludes_nothing_from_absence_then_a_full_one_does(h: Harness) -> None:
    account, seller = h.connect_ebay(sync_page_size=1)
    products = [h.add_dress(f"Dress {n}") for n in range(3)]
    for job in h.batch(Action.PUBLISH, {EBAY: account}, products):
        assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED
    first, gone, last = products
    delete_remotely(h, seller, f"SF{gone}EB")
    with h.admin(EBAY) as admin:
        admin.post(f"/_admin/sellers/{seller['seller_id']}/sales", json={"sku": f"SF{first}EB"})
    h.clock.advance(60)
    h.add_fault(EBAY, **FAIL_SECOND_CALL)

    [sync] = h.batch(Action.SYNC, {EBAY: account}, [])
    assert h.orch.run_job(h.tenant, sync) is JobOutcome.RETRY_SCHEDULED

    assert h.task_summary(sync) == [("fetch_remote", "failed"), ("reconcile", "pending")]
    assert h.listing(account, first).state == "sold"  # page 1 was read and recorded
    assert h.listing(account, gone).state == "active"  # absent, but the read was partial
    assert (h.listing(account, last).state, h.listing(account, last).last_synced_at) == ("active", None)

    assert h.orch.run_job(h.tenant, sync) is JobOutcome.COMPLETED
    assert h.task_summary(sync) == [("fetch_remote", "completed"), ("reconcile", "completed")]
    assert [h.listing(account, p).state for p in products] == ["sold", "ended", "active"]
    assert h.audit(gone) == ["published", "sync_gone"]
