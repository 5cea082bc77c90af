"""Claims, leases, operator actions and seller pauses, in one process (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from stoflow.domain.clock import ManualClock, system_clock
from stoflow.domain.enums import Action, BatchStatus, JobStatus, Marketplace
from stoflow.domain.errors import NeedsUserError, PermanentError
from stoflow.orchestration import operations
from stoflow.orchestration.batches import BatchRequest
from stoflow.orchestration.claim import ClaimedJob, claim_jobs
from stoflow.orchestration.leases import renew_lease, taken_by_successor
from stoflow.orchestration.orchestrator import JobOutcome, Lease, TaskOrchestrator
from stoflow.orchestration.worker import Worker, WorkerConfig
from stoflow.store.database import Database
from stoflow.store.tables import marketplace_accounts, marketplace_jobs, marketplace_pauses
from stoflow.store.tenants import create_tenant, drop_tenant
from tests.orchestration.fakes import FakeMarketplace, add_products
from tests.orchestration.test_orchestrator import (
    batch_counters,
    job_row,
    make_orchestrator,
    publish,
    task_states,
)


@pytest.fixture
def market() -> FakeMarketplace:
    return FakeMarketplace()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def orch(db: Database, market: FakeMarketplace, clock: ManualClock) -> TaskOrchestrator:
    return make_orchestrator(db, market, clock)


def claim(orch: TaskOrchestrator, tenant: str, clock: ManualClock, owner: str = "w1", **kw: Any) -> list[int]:
    with orch.db.tenant(tenant).begin() as conn:
        claimed = claim_jobs(conn, tenant, owner=owner, now=clock(), lease_s=30, **kw)
    return [c.job_id for c in claimed]


def test_claim_leases_a_due_job_once_and_reclaims_it_after_the_lease_expires(
    orch: TaskOrchestrator, tenant: str, clock: ManualClock
) -> None:
    _, (job_id,) = publish(orch, tenant)
    assert claim(orch, tenant, clock, "w1") == [job_id]
    first = job_row(orch.db, tenant, job_id)
    assert (first.status, first.lease_owner, first.lease_token, first.attempts) == ("running", "w1", 1, 1)
    assert first.lease_expires_at == clock() + timedelta(seconds=30)
    # A live lease is not claimed by anyone else
    assert claim(orch, tenant, clock, "w2") == []
    # When w1 stops renewing past its lease, w2 takes the job with a new token
    clock.advance(31)
    assert claim(orch, tenant, clock, "w2") == [job_id]
    second = job_row(orch.db, tenant, job_id)
    assert (second.lease_owner, second.lease_token, second.attempts) == ("w2", 2, 2)
    # Then the stale holder is fenced out of every write, including heartbeats
    assert orch.run_job(tenant, job_id, lease=Lease(1, "w1")) is JobOutcome.NOT_RUNNABLE
    assert not renew_lease(orch.db, ClaimedJob(tenant, job_id, 1), lease_s=30, clock=clock)
    assert renew_lease(orch.db, ClaimedJob(tenant, job_id, 2), lease_s=30, clock=clock)
    assert task_states(orch.db, tenant, job_id) == ["pending"] * 4
    assert orch.run_job(tenant, job_id, lease=Lease(2, "w2")) is JobOutcome.COMPLETED
    # A renewal that races with the job's own end is not a lost lease; w1's was
    assert not renew_lease(orch.db, ClaimedJob(tenant, job_id, 2), lease_s=30, clock=clock)
    assert not taken_by_successor(orch.db, ClaimedJob(tenant, job_id, 2))
    assert taken_by_successor(orch.db, ClaimedJob(tenant, job_id, 1))


def test_claim_skips_jobs_not_yet_due(orch: TaskOrchestrator, tenant: str, clock: ManualClock) -> None:
    _, (job_id,) = publish(orch, tenant)
    with orch.db.tenant(tenant).begin() as conn:
        conn.execute(update(marketplace_jobs).values(next_run_at=clock() + timedelta(seconds=10)))
    assert claim(orch, tenant, clock) == []
    clock.advance(10)
    assert claim(orch, tenant, clock) == [job_id]


def test_stopping_worker_releases_the_job_after_the_task_in_flight(
    orch: TaskOrchestrator, tenant: str, clock: ManualClock
) -> None:
    _, (job_id,) = publish(orch, tenant)
    assert claim(orch, tenant, clock) == [job_id]
    outcome = orch.run_job(tenant, job_id, lease=Lease(1, "w1"), should_stop=lambda: True)
    assert outcome is JobOutcome.RELEASED
    job = job_row(orch.db, tenant, job_id)
    # The attempt is given back and the job is due again, with no lease
    assert (job.status, job.attempts, job.lease_owner, job.next_run_at) == ("pending", 0, None, clock())
    assert task_states(orch.db, tenant, job_id) == ["completed", "pending", "pending", "pending"]


def test_cancel_batch_cancels_pending_jobs_now_and_running_jobs_at_the_next_boundary(
    orch: TaskOrchestrator, tenant: str, clock: ManualClock
) -> None:
    batch_id, _ = publish(orch, tenant, 3)
    (running,) = claim(orch, tenant, clock)
    result = operations.cancel_batch(orch.db, tenant, batch_id, clock=clock)
    assert (result.cancelled, result.stopping) == (2, 1)
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.cancelled, status) == (2, BatchStatus.PENDING)
    # The claimed job sees the flag at its next commit and runs nothing more
    assert orch.run_job(tenant, running, lease=Lease(1, "w1")) is JobOutcome.CANCELLED
    assert task_states(orch.db, tenant, running) == ["cancelled"] * 4
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.cancelled, status) == (3, BatchStatus.CANCELLED)
    assert claim(orch, tenant, clock) == []


def test_retry_failed_jobs_of_a_batch_reruns_only_unfinished_tasks(
    orch: TaskOrchestrator, market: FakeMarketplace, tenant: str, clock: ManualClock
) -> None:
    batch_id, (ok_job, bad_job) = publish(orch, tenant, 2)
    assert orch.run_job(tenant, ok_job) is JobOutcome.COMPLETED
    market.fail_next("save_result", PermanentError("eBay refused", code="ebay_25002"))
    assert orch.run_job(tenant, bad_job) is JobOutcome.FAILED
    assert batch_counters(orch.db, tenant, batch_id)[1] == BatchStatus.PARTIALLY_FAILED

    assert operations.retry_failed_jobs(orch.db, tenant, batch_id, clock=clock) == 1
    assert claim(orch, tenant, clock) == [bad_job]
    assert orch.run_job(tenant, bad_job, lease=Lease(2, "w1")) is JobOutcome.COMPLETED
    assert market.calls["create_listing"] == 2  # once per job, never again for the retried one
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.completed, counters.failed, status) == (2, 0, BatchStatus.COMPLETED)
    assert not operations.retry_job(orch.db, tenant, bad_job, clock=clock)  # completed: nothing to do


def test_paused_batch_is_not_claimed_until_resumed(
    orch: TaskOrchestrator, tenant: str, clock: ManualClock
) -> None:
    batch_id, job_ids = publish(orch, tenant, 2)
    assert operations.pause_batch(orch.db, tenant, batch_id, clock=clock) == 2
    assert claim(orch, tenant, clock) == []
    assert operations.resume_batch(orch.db, tenant, batch_id, clock=clock) == 2
    assert claim(orch, tenant, clock, limit=5) == job_ids


def test_needs_user_pauses_the_sellers_marketplace_until_resumed(
    orch: TaskOrchestrator, market: FakeMarketplace, tenant: str, clock: ManualClock
) -> None:
    _, (first, second) = publish(orch, tenant, 2)
    market.fail_next("create_listing", NeedsUserError("solve the captcha", code="captcha"))
    (claimed,) = claim(orch, tenant, clock)
    assert orch.run_job(tenant, claimed, lease=Lease(1, "w1")) is JobOutcome.PAUSED
    with orch.db.tenant(tenant).connect() as conn:
        assert conn.scalar(select(marketplace_pauses.c.reason)) == "captcha"
    # The other job of the same marketplace is held too
    assert claim(orch, tenant, clock) == []
    assert operations.resume_seller(orch.db, tenant, Marketplace.EBAY, clock=clock) == 1
    assert sorted(claim(orch, tenant, clock, limit=5)) == [first, second]


def test_account_concurrency_allows_one_running_job_per_account(
    orch: TaskOrchestrator, tenant: str, clock: ManualClock
) -> None:
    engine = orch.db.tenant(tenant)
    with engine.begin() as conn:
        account = conn.execute(
            insert(marketplace_accounts)
            .values(
                marketplace="ebay",
                label="main",
                credentials_encrypted=b"x",
                settings={},
                status="connected",
                created_at=clock(),
                updated_at=clock(),
            )
            .returning(marketplace_accounts.c.id)
        ).scalar_one()
    products = add_products(engine, 3)
    orch.create_batch(
        tenant,
        BatchRequest(Action.PUBLISH, [Marketplace.EBAY], products, account_ids={Marketplace.EBAY: account}),
    )
    limits = {Marketplace.EBAY: 1}
    assert len(claim(orch, tenant, clock, account_concurrency=limits)) == 1
    assert claim(orch, tenant, clock, account_concurrency=limits) == []
    assert len(claim(orch, tenant, clock, account_concurrency={Marketplace.EBAY: 2})) == 1


def test_in_process_worker_runs_a_batch_round_robin_across_tenants(
    db: Database, market: FakeMarketplace, tenant: str
) -> None:
    other = tenant[:-1] + ("x" if tenant[-1] != "x" else "y")
    create_tenant(db, other)
    try:
        orch = make_orchestrator(db, market, ManualClock())
        orch.clock = system_clock
        big, _ = publish(orch, tenant, 30)
        small, _ = publish(orch, other, 1)
        order: list[str] = []

        class Record:
            def on_claimed(self, claim: ClaimedJob) -> None:
                order.append(claim.tenant)

            def on_finished(self, claim: ClaimedJob, outcome: JobOutcome) -> None:
                del claim, outcome

        worker = Worker(orch, WorkerConfig(concurrency=1, lease_s=5, poll_s=0.05), hooks=Record())
        worker.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and batch_counters(db, tenant, big)[1] != BatchStatus.COMPLETED:
            time.sleep(0.05)
        assert worker.stop(timeout=30)
        assert batch_counters(db, tenant, big)[0].completed == 30
        assert batch_counters(db, other, small)[1] == BatchStatus.COMPLETED
        # The small tenant's only job started among the first two claims
        assert other in order[:2]
        with db.tenant(tenant).connect() as conn:
            assert set(conn.scalars(select(marketplace_jobs.c.status))) == {JobStatus.COMPLETED}
    finally:
        drop_tenant(db, other)


def test_a_worker_slot_survives_an_unexpected_error_and_the_job_is_reclaimed(
    db: Database, market: FakeMarketplace, tenant: str
) -> None:
    orch = make_orchestrator(db, market, ManualClock())
    orch.clock = system_clock
    batch_id, (job_id,) = publish(orch, tenant, 1)
    calls: list[int] = []

    class FailingOnce(TaskOrchestrator):
        def run_job(self, tenant: str, job_id: int, **kwargs: Any) -> JobOutcome:
            calls.append(job_id)
            if len(calls) == 1:
                raise RuntimeError("a bug outside any step")
            return super().run_job(tenant, job_id, **kwargs)

    orch = FailingOnce(orch.db, orch.registry, clock=system_clock)
    worker = Worker(orch, WorkerConfig(concurrency=1, lease_s=1, poll_s=0.05))
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if batch_counters(db, tenant, batch_id)[1] == BatchStatus.COMPLETED:
                break
            time.sleep(0.05)
    finally:
        assert worker.stop(timeout=30)
    # the same slot (the only one) took the job again once its lease expired, and finished it
    assert calls == [job_id, job_id]
    assert batch_counters(db, tenant, batch_id)[1] == BatchStatus.COMPLETED
