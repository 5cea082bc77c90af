"""eBay publish under the sandbox's faults: lost responses, 429, expired tokens, refusals."""

from __future__ import annotations

import threading

from stoflow.domain.enums import Action, Marketplace
from stoflow.orchestration.orchestrator import JobOutcome
from tests.integrations.support import Harness

EBAY = Marketplace.EBAY


def test_lost_responses_on_create_offer_and_publish_leave_one_offer_and_one_listing(h: Harness) -> None:
    account, seller = h.connect_ebay()
    product = h.add_dress()
    [job] = h.batch(Action.PUBLISH, {EBAY: account}, [product])
    h.add_fault(EBAY, kind="lost_response", route="createOffer", times=1)
    h.add_fault(EBAY, kind="lost_response", route="publishOffer", times=1)

    outcomes = h.run_until_settled(job)

    assert outcomes == [JobOutcome.RETRY_SCHEDULED, JobOutcome.RETRY_SCHEDULED, JobOutcome.COMPLETED]
    remote = h.remote_listings(EBAY, seller["seller_id"])
    assert [(r["sku"], r["state"]) for r in remote] == [(f"SF{product}EB", "ACTIVE")]
    assert len(h.calls(EBAY, "createOffer")) == 1  # the probe found the offer: no second create
    assert len(h.calls(EBAY, "publishOffer")) == 1
    tasks = {t.name: t for t in h.tasks(job)}
    kinds = [effect["kind"] for effect in tasks["create_offer"].side_effects]
    assert kinds == ["adopted"]
    assert tasks["publish_listing"].output["listing_id"] == h.listing(account, product).remote_id


def test_rate_limited_call_waits_as_told_without_spending_an_attempt(h: Harness) -> None:
    account, _ = h.connect_ebay()
    [job] = h.batch(Action.PUBLISH, {EBAY: account}, [h.add_dress()])
    h.add_fault(EBAY, kind="error", status=429, retry_after=7, route="createOffer", times=1)

    assert h.orch.run_job(h.tenant, job) is JobOutcome.WAITING
    waiting = h.job(job)
    assert (waiting.next_run_at - h.clock()).total_seconds() == 7
    assert waiting.attempts == 0
    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED
    assert h.job(job).attempts == 1


def test_expired_token_is_refreshed_once_and_the_call_repeated(h: Harness) -> None:
    account, seller = h.connect_ebay()
    first, second = h.add_dress("Dress one"), h.add_dress("Dress two")
    [job] = h.batch(Action.PUBLISH, {EBAY: account}, [first])
    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED
    assert len(h.calls(EBAY, "getToken")) == 1
    with h.admin(EBAY) as admin:
        admin.post(f"/_admin/sellers/{seller['seller_id']}/expire-tokens").raise_for_status()

    [job] = h.batch(Action.PUBLISH, {EBAY: account}, [second])
    assert h.orch.run_job(h.tenant, job) is JobOutcome.COMPLETED
    assert len(h.calls(EBAY, "getToken")) == 2
    assert [c["status"] for c in h.calls(EBAY, "createOrReplaceInventoryItem")] == [204, 204]


def test_two_workers_meeting_an_expired_token_refresh_it_once(h: Harness) -> None:
    account, seller = h.connect_ebay()
    products = [h.add_dress(f"Dress {n}") for n in range(3)]
    [warmup, *jobs] = h.batch(Action.PUBLISH, {EBAY: account}, products)
    assert h.orch.run_job(h.tenant, warmup) is JobOutcome.COMPLETED
    with h.admin(EBAY) as admin:
        admin.post(f"/_admin/sellers/{seller['seller_id']}/expire-tokens").raise_for_status()
    start = threading.Barrier(len(jobs))
    outcomes: list[JobOutcome] = []

    def worker(job_id: int) -> None:
        start.wait()
        outcomes.append(h.orch.run_job(h.tenant, job_id))

    threads = [threading.Thread(target=worker, args=(job_id,)) for job_id in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert outcomes == [JobOutcome.COMPLETED, JobOutcome.COMPLETED]
    assert len(h.calls(EBAY, "getToken")) == 2  # the first token, then one refresh for both workers


def test_marketplace_refusal_fails_the_job_at_its_step_in_ebays_words(h: Harness) -> None:
    account, _ = h.connect_ebay(return_policy_id="6000000000")
    [job] = h.batch(Action.PUBLISH, {EBAY: account}, [h.add_dress()])

    assert h.orch.run_job(h.tenant, job) is JobOutcome.FAILED

    failed = [t for t in h.tasks(job) if t.status == "failed"]
    assert [t.name for t in failed] == ["publish_listing"]
    assert failed[0].error_code == "ebay_25035"
    assert failed[0].marketplace_message == "The return policy was not found for this marketplace."
    row = h.job(job)
    assert (row.status, row.error_kind) == ("failed", "permanent")
    assert row.marketplace_message == "The return policy was not found for this marketplace."


def test_missing_business_policy_is_named_before_anything_is_sent(h: Harness) -> None:
    account, _ = h.connect_ebay(fulfillment_policy_id="")
    [job] = h.batch(Action.PUBLISH, {EBAY: account}, [h.add_dress()])

    assert h.orch.run_job(h.tenant, job) is JobOutcome.FAILED

    first = h.tasks(job)[0]
    assert (first.name, first.status, first.error_code) == ("validate", "failed", "ebay_setting_missing")
    assert "fulfillment (shipping) business policy" in first.error_message
    assert h.calls(EBAY, "createOrReplaceInventoryItem") == []


def test_token_refused_after_a_refresh_asks_the_seller_to_reconnect(h: Harness) -> None:
    account, _ = h.connect_ebay()
    [job] = h.batch(Action.PUBLISH, {EBAY: account}, [h.add_dress()])
    h.add_fault(EBAY, kind="error", status=401, route="createOrReplaceInventoryItem")

    assert h.orch.run_job(h.tenant, job) is JobOutcome.FAILED

    row = h.job(job)
    assert (row.error_kind, row.error_code) == ("auth_expired", "ebay_auth_expired")
    assert "reconnect" in row.error_message
