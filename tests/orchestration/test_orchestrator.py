"""TaskOrchestrator behaviour, on SQLite and PostgreSQL (Given / When / Then)."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError

from stoflow.domain.batch_state import BatchCounters
from stoflow.domain.clock import ManualClock
from stoflow.domain.enums import Action, BatchStatus, JobStatus, Marketplace, StepType
from stoflow.domain.errors import PermanentError, RateLimitedError, TransientError, ValidationFailed
from stoflow.domain.retry import RetryPolicy
from stoflow.domain.steps import JobRef, StepContext
from stoflow.handlers.base import HandlerRegistry, UnsupportedOperationError
from stoflow.orchestration.batches import BatchRequest
from stoflow.orchestration.orchestrator import JobOutcome, Lease, TaskOrchestrator
from stoflow.store.database import Database
from stoflow.store.tables import batch_jobs, marketplace_jobs, marketplace_tasks
from tests.orchestration.fakes import FakeMarketplace, FakePublishHandler, add_products


class SimulatedCrash(BaseException):
    """Escapes every `except Exception`, like a SIGKILL between two commits."""


@pytest.fixture
def market() -> FakeMarketplace:
    return FakeMarketplace()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def make_orchestrator(
    db: Database, market: FakeMarketplace, clock: ManualClock, hooks: dict[str, Any] | None = None, **kw: Any
) -> TaskOrchestrator:
    registry = HandlerRegistry([FakePublishHandler(market, hooks)])
    return TaskOrchestrator(db, registry, clock=clock, rng=random.Random(7), **kw)


@pytest.fixture
def orch(db: Database, market: FakeMarketplace, clock: ManualClock) -> TaskOrchestrator:
    return make_orchestrator(db, market, clock)


def publish(orch: TaskOrchestrator, tenant: str, count: int = 1) -> tuple[int, list[int]]:
    products = add_products(orch.db.tenant(tenant), count)
    batch_id = orch.create_batch(tenant, BatchRequest(Action.PUBLISH, [Marketplace.EBAY], products))
    with orch.db.tenant(tenant).connect() as conn:
        job_ids = list(
            conn.scalars(
                select(marketplace_jobs.c.id)
                .where(marketplace_jobs.c.batch_job_id == batch_id)
                .order_by(marketplace_jobs.c.id)
            )
        )
    return batch_id, job_ids


def task_states(db: Database, tenant: str, job_id: int) -> list[str]:
    with db.tenant(tenant).connect() as conn:
        return list(
            conn.scalars(
                select(marketplace_tasks.c.status)
                .where(marketplace_tasks.c.job_id == job_id)
                .order_by(marketplace_tasks.c.step_order)
            )
        )


def job_row(db: Database, tenant: str, job_id: int) -> Any:
    with db.tenant(tenant).connect() as conn:
        return conn.execute(select(marketplace_jobs).where(marketplace_jobs.c.id == job_id)).one()


def batch_counters(db: Database, tenant: str, batch_id: int) -> tuple[BatchCounters, str]:
    with db.tenant(tenant).connect() as conn:
        row = conn.execute(select(batch_jobs).where(batch_jobs.c.id == batch_id)).one()
    counters = BatchCounters(row.total_count, row.completed_count, row.failed_count, row.cancelled_count)
    return counters, row.status


def test_lifecycle_runs_every_task_in_order_and_completes_the_batch(
    orch: TaskOrchestrator, tenant: str
) -> None:
    batch_id, (job_id,) = publish(orch, tenant)
    assert task_states(orch.db, tenant, job_id) == ["pending"] * 4

    assert orch.run_job(tenant, job_id) is JobOutcome.COMPLETED

    assert task_states(orch.db, tenant, job_id) == ["completed"] * 4
    job = job_row(orch.db, tenant, job_id)
    assert job.status == JobStatus.COMPLETED
    assert job.attempts == 1
    # save_result saw the outputs of map_data and create_listing
    assert job.result == {"listing_id": "L1", "title": "LEVI'S 501 #0"}
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.completed, counters.progress, status) == (1, 1.0, BatchStatus.COMPLETED)


def test_each_task_outcome_is_committed_before_the_next_step_runs(
    db: Database, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:
    # Given a job whose steps pause until the test has looked at the database from elsewhere
    seen: list[list[str]] = []
    entered, resume = threading.Semaphore(0), threading.Semaphore(0)

    def pause(ctx: StepContext) -> None:
        entered.release()
        assert resume.acquire(timeout=30)

    hooks = dict.fromkeys(("validate", "map_data", "create_listing", "save_result"), pause)
    orch = make_orchestrator(db, market, clock, hooks)
    _, (job_id,) = publish(orch, tenant)
    runner = threading.Thread(target=orch.run_job, args=(tenant, job_id))
    runner.start()
    # When a second connection watches each step while it runs
    for _ in range(4):
        assert entered.acquire(timeout=30)
        seen.append(task_states(db, tenant, job_id))
        resume.release()
    runner.join(timeout=30)
    # Then the tasks became COMPLETED one at a time, each RUNNING (committed) before its step acted
    assert seen == [
        ["running", "pending", "pending", "pending"],
        ["completed", "running", "pending", "pending"],
        ["completed", "completed", "running", "pending"],
        ["completed", "completed", "completed", "running"],
    ]
    assert task_states(db, tenant, job_id) == ["completed"] * 4


def test_retry_skips_completed_tasks_and_reuses_their_outputs(
    orch: TaskOrchestrator, market: FakeMarketplace, tenant: str, clock: ManualClock
) -> None:
    batch_id, (job_id,) = publish(orch, tenant)
    market.fail_next("save_result", TransientError("eBay answered 503", code="http_503"))

    assert orch.run_job(tenant, job_id) is JobOutcome.RETRY_SCHEDULED
    assert task_states(orch.db, tenant, job_id) == ["completed", "completed", "completed", "failed"]
    job = job_row(orch.db, tenant, job_id)
    assert (job.status, job.error_code, job.next_run_at > clock()) == (JobStatus.PENDING, "http_503", True)

    assert orch.run_job(tenant, job_id) is JobOutcome.COMPLETED
    assert market.calls["validate"] == 1
    assert market.calls["map_data"] == 1
    assert market.calls["create_listing"] == 1
    assert market.calls["save_result"] == 2
    assert job_row(orch.db, tenant, job_id).result["title"] == "LEVI'S 501 #0"
    assert batch_counters(orch.db, tenant, batch_id)[1] == BatchStatus.COMPLETED


def test_probe_adopts_a_listing_whose_response_was_lost(
    orch: TaskOrchestrator, market: FakeMarketplace, tenant: str
) -> None:
    # Given the marketplace creates the listing but the answer is lost (timeout after sending)
    _, (job_id,) = publish(orch, tenant)
    market.fail_next("create_listing", TransientError("read timeout", code="timeout", ambiguous=True))
    assert orch.run_job(tenant, job_id) is JobOutcome.RETRY_SCHEDULED
    # When the job is retried
    assert orch.run_job(tenant, job_id) is JobOutcome.COMPLETED
    # Then the probe found the listing and it was not created twice
    assert len(market.listings) == 1
    assert market.calls["probe"] == 1
    assert market.calls["create_listing"] == 1
    assert job_row(orch.db, tenant, job_id).result["listing_id"] == "L1"
    with orch.db.tenant(tenant).connect() as conn:
        effects = conn.scalar(
            select(marketplace_tasks.c.side_effects).where(
                marketplace_tasks.c.job_id == job_id, marketplace_tasks.c.name == "create_listing"
            )
        )
    assert [e["kind"] for e in effects or []] == ["listing_created", "adopted"]


def test_probe_after_a_crash_mid_step_prevents_a_second_listing(
    db: Database, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:
    crashed: list[bool] = []

    def crash_once_after_acting(ctx: StepContext) -> None:
        if not crashed:
            crashed.append(True)
            market.listings[f"sku-{ctx.job.product_id}-ebay"] = {"listing_id": "L9", "title": "x"}
            raise SimulatedCrash

    orch = make_orchestrator(db, market, clock, {"create_listing": crash_once_after_acting})
    _, (job_id,) = publish(orch, tenant)
    with pytest.raises(SimulatedCrash):
        orch.run_job(tenant, job_id)
    # The crash left the task RUNNING: that is the doubt the next attempt must resolve
    assert task_states(db, tenant, job_id) == ["completed", "completed", "running", "pending"]

    assert orch.run_job(tenant, job_id) is JobOutcome.COMPLETED
    assert market.calls["create_listing"] == 1  # only the crashed attempt
    assert len(market.listings) == 1
    assert job_row(db, tenant, job_id).result["listing_id"] == "L9"


# Server-side termination of a connection is a PostgreSQL scenario.
@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_connection_lost_between_tasks_surfaces_as_a_database_error_and_the_next_run_resumes(
    db: Database, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:

    def terminate_runner_connection(ctx: StepContext) -> None:
        # The runner's connection sits idle after committing the previous task with the fenced
        # between-task statement; the server drops it (as in a restart or a network cut).
        with db.shared.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND state = 'idle' AND query LIKE '%fenced%'"
                )
            )

    orch = make_orchestrator(db, market, clock, {"map_data": terminate_runner_connection})
    batch_id, (job_id,) = publish(orch, tenant)
    with pytest.raises(OperationalError):  # SQLAlchemy's error, as for any statement it sends
        orch.run_job(tenant, job_id)
    assert task_states(db, tenant, job_id) == ["completed", "running", "pending", "pending"]

    assert orch.run_job(tenant, job_id) is JobOutcome.COMPLETED  # a fresh pooled connection
    assert len(market.listings) == 1
    assert batch_counters(db, tenant, batch_id)[1] == BatchStatus.COMPLETED


def test_clean_failure_does_not_probe(orch: TaskOrchestrator, market: FakeMarketplace, tenant: str) -> None:
    # A failure known to have done nothing (e.g. a refused connection) retries without probing
    _, (job_id,) = publish(orch, tenant)
    market.fail_next("create_listing", TransientError("connection refused", code="connect"))
    orch.run_job(tenant, job_id)
    orch.run_job(tenant, job_id)
    assert market.calls["probe"] == 0
    assert market.calls["create_listing"] == 2
    assert len(market.listings) == 1


def test_permanent_error_fails_the_job_at_once_with_the_marketplace_message(
    orch: TaskOrchestrator, market: FakeMarketplace, tenant: str
) -> None:
    batch_id, (job_id,) = publish(orch, tenant)
    market.fail_next(
        "create_listing",
        PermanentError(
            "eBay refused the listing", code="ebay_25002", marketplace_message="A user error has occurred."
        ),
    )
    assert orch.run_job(tenant, job_id) is JobOutcome.FAILED
    job = job_row(orch.db, tenant, job_id)
    assert (job.status, job.attempts, job.error_kind, job.error_code) == (
        "failed",
        1,
        "permanent",
        "ebay_25002",
    )
    assert job.marketplace_message == "A user error has occurred."
    with orch.db.tenant(tenant).connect() as conn:
        task = conn.execute(
            select(marketplace_tasks).where(
                marketplace_tasks.c.job_id == job_id, marketplace_tasks.c.name == "create_listing"
            )
        ).one()
    assert (task.status, task.error_message, task.marketplace_message) == (
        "failed",
        "eBay refused the listing",
        "A user error has occurred.",
    )
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.failed, status) == (1, BatchStatus.FAILED)


def test_transient_errors_retry_until_attempts_run_out(
    db: Database, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:
    orch = make_orchestrator(
        db, market, clock, max_attempts=3, policy=RetryPolicy(base_delay_s=10, max_delay_s=40)
    )
    _, (job_id,) = publish(orch, tenant)
    market.fail_next("validate", *(TransientError(f"503 #{i}") for i in range(3)))
    delays = []
    for expected in (JobOutcome.RETRY_SCHEDULED, JobOutcome.RETRY_SCHEDULED, JobOutcome.FAILED):
        assert orch.run_job(tenant, job_id) is expected
        delays.append((job_row(db, tenant, job_id).next_run_at - clock()).total_seconds())
    # capped exponential backoff with jitter: attempt n waits within [c/2, c], c = min(40, 10 * 2^(n-1))
    assert 5 <= delays[0] <= 10
    assert 10 <= delays[1] <= 20
    job = job_row(db, tenant, job_id)
    assert (job.status, job.attempts, job.error_message) == ("failed", 3, "503 #2")


def test_rate_limit_waits_as_told_without_spending_an_attempt(
    orch: TaskOrchestrator, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:
    _, (job_id,) = publish(orch, tenant)
    market.fail_next("validate", RateLimitedError("429", retry_after_s=42))
    assert orch.run_job(tenant, job_id) is JobOutcome.WAITING
    job = job_row(orch.db, tenant, job_id)
    assert (job.attempts, (job.next_run_at - clock()).total_seconds()) == (0, 42)


def test_unexpected_exception_is_retried_and_probed(
    orch: TaskOrchestrator, market: FakeMarketplace, tenant: str
) -> None:
    _, (job_id,) = publish(orch, tenant)
    market.fail_next("validate", KeyError("boom"))
    assert orch.run_job(tenant, job_id) is JobOutcome.RETRY_SCHEDULED
    job = job_row(orch.db, tenant, job_id)
    assert (job.error_code, job.error_kind) == ("internal_error", "transient")
    assert orch.run_job(tenant, job_id) is JobOutcome.COMPLETED


def test_counters_and_progress_cascade_from_jobs(
    orch: TaskOrchestrator, market: FakeMarketplace, tenant: str
) -> None:
    batch_id, job_ids = publish(orch, tenant, count=4)
    assert batch_counters(orch.db, tenant, batch_id)[1] == BatchStatus.PENDING
    orch.run_job(tenant, job_ids[0])
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.progress, status) == (0.25, BatchStatus.RUNNING)
    market.fail_next("validate", ValidationFailed("title", "too long", marketplace="ebay"))
    orch.run_job(tenant, job_ids[1])
    orch.run_job(tenant, job_ids[2])
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.completed, counters.failed, counters.progress, status) == (
        2,
        1,
        0.75,
        BatchStatus.RUNNING,
    )
    orch.run_job(tenant, job_ids[3])
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.completed, counters.failed, status) == (3, 1, BatchStatus.PARTIALLY_FAILED)


def test_retrying_a_failed_job_reopens_the_batch_and_runs_only_what_failed(
    orch: TaskOrchestrator, market: FakeMarketplace, tenant: str
) -> None:
    batch_id, (job_id,) = publish(orch, tenant)
    market.fail_next("save_result", PermanentError("disk full"))
    assert orch.run_job(tenant, job_id) is JobOutcome.FAILED
    assert orch.retry_job(tenant, job_id) is True
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.failed, status) == (0, BatchStatus.RUNNING)
    assert orch.run_job(tenant, job_id) is JobOutcome.COMPLETED
    assert market.calls["create_listing"] == 1
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.completed, counters.failed, status) == (1, 0, BatchStatus.COMPLETED)
    assert orch.retry_job(tenant, job_id) is False  # a completed job is not retried


def test_cancellation_stops_at_the_next_task_boundary(
    db: Database, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:
    def request_cancel(ctx: StepContext) -> None:
        with db.tenant(tenant).begin() as conn:
            conn.execute(
                update(marketplace_jobs)
                .where(marketplace_jobs.c.id == ctx.job.id)
                .values(cancel_requested=True)
            )

    orch = make_orchestrator(db, market, clock, {"map_data": request_cancel})
    batch_id, (job_id,) = publish(orch, tenant)
    assert orch.run_job(tenant, job_id) is JobOutcome.CANCELLED
    # the task in flight finished; the rest never ran
    assert task_states(db, tenant, job_id) == ["completed", "completed", "cancelled", "cancelled"]
    assert market.calls["create_listing"] == 0
    counters, status = batch_counters(db, tenant, batch_id)
    assert (counters.cancelled, status) == (1, BatchStatus.CANCELLED)


def test_a_stale_lease_cannot_write(orch: TaskOrchestrator, tenant: str) -> None:
    _, (job_id,) = publish(orch, tenant)
    with orch.db.tenant(tenant).begin() as conn:
        conn.execute(
            update(marketplace_jobs)
            .where(marketplace_jobs.c.id == job_id)
            .values(status=JobStatus.RUNNING, lease_token=5, lease_owner="w2")
        )
    assert orch.run_job(tenant, job_id, lease=Lease(token=4, owner="w1")) is JobOutcome.NOT_RUNNABLE
    assert task_states(orch.db, tenant, job_id) == ["pending"] * 4


def successor_claims(db: Database, tenant: str) -> Callable[[StepContext], None]:
    """A step hook: another runner takes the job (its token moves on) while the step runs."""

    def claim(ctx: StepContext) -> None:
        with db.tenant(tenant).begin() as conn:
            conn.execute(
                update(marketplace_jobs)
                .where(marketplace_jobs.c.id == ctx.job.id)
                .values(lease_token=marketplace_jobs.c.lease_token + 1)
            )

    return claim


def test_a_lease_taken_over_mid_job_rejects_the_old_holder_writes(
    db: Database, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:
    orch = make_orchestrator(db, market, clock, {"map_data": successor_claims(db, tenant)})
    _, (job_id,) = publish(orch, tenant)
    assert orch.run_job(tenant, job_id) is JobOutcome.LEASE_LOST
    # map_data's outcome was not written: the successor will run it
    assert task_states(db, tenant, job_id) == ["completed", "running", "pending", "pending"]


def test_a_lease_taken_over_during_the_last_task_leaves_job_and_batch_to_the_successor(
    db: Database, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:
    orch = make_orchestrator(db, market, clock, {"save_result": successor_claims(db, tenant)})
    batch_id, (job_id,) = publish(orch, tenant)
    assert orch.run_job(tenant, job_id) is JobOutcome.LEASE_LOST
    # neither the last outcome, nor the job's end, nor the batch's count was written
    assert task_states(db, tenant, job_id) == ["completed", "completed", "completed", "running"]
    assert job_row(db, tenant, job_id).status == JobStatus.RUNNING
    counters, status = batch_counters(db, tenant, batch_id)
    assert (counters.completed, status) == (0, BatchStatus.RUNNING)


def test_a_job_whose_tasks_all_completed_is_closed_without_running_a_step(
    orch: TaskOrchestrator, market: FakeMarketplace, tenant: str
) -> None:
    batch_id, (job_id,) = publish(orch, tenant)
    with orch.db.tenant(tenant).begin() as conn:
        conn.execute(
            update(marketplace_tasks).where(marketplace_tasks.c.job_id == job_id).values(status="completed")
        )
    assert orch.run_job(tenant, job_id) is JobOutcome.COMPLETED
    assert sum(market.calls.values()) == 0
    counters, status = batch_counters(orch.db, tenant, batch_id)
    assert (counters.completed, status) == (1, BatchStatus.COMPLETED)


def test_two_orchestrators_on_one_batch_keep_counters_exact(
    db: Database, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:
    first = make_orchestrator(db, market, clock)
    second = make_orchestrator(db, market, clock)
    batch_id, job_ids = publish(first, tenant, count=24)
    for _ in job_ids[::3]:
        market.fail_next("validate", PermanentError("bad"))  # consumed by whichever runs first
    queue = list(job_ids)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(orch: TaskOrchestrator) -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    job_id = queue.pop()
                orch.run_job(tenant, job_id)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(o,)) for o in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    counters, status = batch_counters(db, tenant, batch_id)
    assert (counters.completed, counters.failed, counters.total) == (16, 8, 24)
    assert status == BatchStatus.PARTIALLY_FAILED
    assert len(market.listings) == 16


def test_async_steps_are_awaited(orch: TaskOrchestrator) -> None:
    async def run(ctx: StepContext) -> dict[str, Any]:
        return {"seen": ctx.name}

    job = JobRef("t", 1, 1, Marketplace.EBAY, Action.PUBLISH, 1, None, "k", 1)
    ctx = StepContext(job, 1, "x", StepType.CUSTOM, {}, {}, in_doubt=False)
    assert orch.call_step(run, ctx) == {"seen": "x"}


def test_batch_creation_validates_its_request(orch: TaskOrchestrator, tenant: str) -> None:
    products = add_products(orch.db.tenant(tenant), 2)
    with pytest.raises(ValidationFailed, match="product_ids: unknown product ids \\[999\\]"):
        orch.create_batch(tenant, BatchRequest(Action.PUBLISH, [Marketplace.EBAY], [products[0], 999]))
    with pytest.raises(ValidationFailed, match="marketplaces"):
        orch.create_batch(tenant, BatchRequest(Action.PUBLISH, [], products))
    with pytest.raises(ValidationFailed, match="product_ids: a product is listed twice"):
        orch.create_batch(tenant, BatchRequest(Action.PUBLISH, [Marketplace.EBAY], [products[0]] * 2))
    with pytest.raises(UnsupportedOperationError, match="publish is not supported on vinted"):
        orch.create_batch(tenant, BatchRequest(Action.PUBLISH, [Marketplace.VINTED], products))
    with orch.db.tenant(tenant).connect() as conn:
        assert conn.scalar(select(batch_jobs.c.id)) is None  # nothing half-created


def test_batch_creation_is_idempotent_by_key(orch: TaskOrchestrator, tenant: str) -> None:
    products = add_products(orch.db.tenant(tenant), 3)
    request = BatchRequest(Action.PUBLISH, [Marketplace.EBAY], products, idempotency_key="req-1")
    first = orch.create_batch(tenant, request)
    assert orch.create_batch(tenant, request) == first
    with orch.db.tenant(tenant).connect() as conn:
        assert len(list(conn.scalars(select(marketplace_jobs.c.id)))) == 3
        assert len(list(conn.scalars(select(marketplace_tasks.c.id)))) == 12


def test_a_job_whose_runs_keep_dying_fails_at_its_attempt_limit(
    db: Database, market: FakeMarketplace, clock: ManualClock, tenant: str
) -> None:
    def crash(ctx: StepContext) -> None:
        raise SimulatedCrash

    orch = make_orchestrator(db, market, clock, {"map_data": crash}, max_attempts=2)
    _, (job_id,) = publish(orch, tenant)
    for _ in range(2):
        with pytest.raises(SimulatedCrash):
            orch.run_job(tenant, job_id)
    assert orch.run_job(tenant, job_id) is JobOutcome.FAILED
    job = job_row(db, tenant, job_id)
    assert (job.status, job.error_code) == ("failed", "attempts_exhausted")


def test_a_job_without_a_handler_fails_instead_of_looping(
    orch: TaskOrchestrator, db: Database, clock: ManualClock, tenant: str
) -> None:
    _, (job_id,) = publish(orch, tenant)
    other = TaskOrchestrator(db, HandlerRegistry(), clock=clock)
    assert other.run_job(tenant, job_id) is JobOutcome.FAILED
    job = job_row(db, tenant, job_id)
    assert (job.status, job.error_code) == ("failed", "unsupported_operation")
