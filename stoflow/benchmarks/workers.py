"""`stoflow bench workers`: end-to-end throughput of worker processes, wake-up latency, memory.

Jobs of 8 no-op steps run through real `stoflow worker` processes on the given database, so each
figure includes claims, leases, heartbeats and one commit per task. `floor_commits_per_s` is measured
in the same run (single-row UPDATE + COMMIT in a loop) as the ceiling to compare against.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import psutil
from sqlalchemy import select

from stoflow.benchmarks.floor import raw_commits_per_s
from stoflow.benchmarks.orchestrator import NoopHandler
from stoflow.domain.enums import Action, Marketplace
from stoflow.handlers.base import HandlerRegistry
from stoflow.orchestration.batches import BatchRequest
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.store.database import Database
from stoflow.store.migrate import upgrade_shared
from stoflow.store.products import add_product
from stoflow.store.tables import batch_jobs, marketplace_jobs
from stoflow.store.tenants import create_tenant, drop_tenant

STEPS_PER_JOB = 8


def bench_registry() -> HandlerRegistry:
    """The `--setup` of the benchmark's worker processes."""
    return HandlerRegistry([NoopHandler(STEPS_PER_JOB)])


def run_workers_bench(
    database_url: str,
    *,
    process_counts: Sequence[int] = (1, 2, 4),
    jobs_per_run: int = 500,
    latency_samples: int = 40,
    memory_tasks: int = 100_000,
) -> dict[str, Any]:
    db = Database(database_url)
    upgrade_shared(db)
    orch = TaskOrchestrator(db, bench_registry())
    try:
        result: dict[str, Any] = {
            "database": db.url.get_backend_name(),
            "steps_per_job": STEPS_PER_JOB,
            "floor_commits_per_s": round(raw_commits_per_s(db), 1),
            "exec_tasks_per_s": {},
        }
        for count in process_counts:
            result["exec_tasks_per_s"][str(count)] = round(_throughput(orch, count, jobs_per_run), 1)
        result["enqueue_to_start_ms"] = _latency(orch, latency_samples)
        result["worker_rss_mb"] = _memory(orch, memory_tasks)
        return result
    finally:
        db.dispose()


# -- pieces ------------------------------------------------------------------------------------
class _Bench:
    """A scratch tenant with `n` worker processes serving only it."""

    def __init__(self, orch: TaskOrchestrator, processes: int) -> None:
        self.orch = orch
        self.tenant = f"bench_{uuid.uuid4().hex[:10]}"
        create_tenant(orch.db, self.tenant)
        with orch.db.tenant(self.tenant).begin() as conn:
            self.product = add_product(conn, title="bench", price=Decimal("1.00"))
        env = {
            **os.environ,
            "STOFLOW_DATABASE_URL": orch.db.url.render_as_string(hide_password=False),
            "STOFLOW_WORKER_SETUP": "stoflow.benchmarks.workers:bench_registry",
        }
        command = [sys.executable, "-m", "stoflow.cli.main", "worker", "--concurrency", "1"]
        self.workers = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [*command, "--tenant", self.tenant],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(processes)
        ]
        time.sleep(2.0)  # imported, connected and listening before the clock starts

    def products(self, jobs: int) -> list[int]:
        # A batch lists each product once, so `jobs` jobs need `jobs` products.
        with self.orch.db.tenant(self.tenant).begin() as conn:
            return [self.product] + [
                add_product(conn, title="bench", price=Decimal("1.00")) for _ in range(jobs - 1)
            ]

    def enqueue(self, product_ids: list[int]) -> int:
        request = BatchRequest(Action.PUBLISH, [Marketplace.EBAY], product_ids)
        return self.orch.create_batch(self.tenant, request)

    def settled(self, batch_id: int) -> bool:
        with self.orch.db.tenant(self.tenant).connect() as conn:
            return (
                conn.scalar(select(batch_jobs.c.finished_at).where(batch_jobs.c.id == batch_id)) is not None
            )

    def wait(self, batch_id: int, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while not self.settled(batch_id):
            if time.monotonic() > deadline:
                raise TimeoutError(f"batch {batch_id} did not finish in {timeout}s")
            time.sleep(0.01)

    def close(self) -> None:
        for worker in self.workers:
            worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            worker.wait(timeout=30)
        drop_tenant(self.orch.db, self.tenant)


def _throughput(orch: TaskOrchestrator, processes: int, jobs: int) -> float:
    bench = _Bench(orch, processes)
    try:
        product_ids = bench.products(jobs)  # catalogue set-up is not part of the measure
        started = time.perf_counter()
        bench.wait(bench.enqueue(product_ids))
        return jobs * STEPS_PER_JOB / (time.perf_counter() - started)
    finally:
        bench.close()


def _latency(orch: TaskOrchestrator, samples: int) -> dict[str, float]:
    bench = _Bench(orch, 1)
    delays: list[float] = []
    try:
        for _ in range(samples):
            batch_id = bench.enqueue([bench.product])
            bench.wait(batch_id)
            with orch.db.tenant(bench.tenant).connect() as conn:
                row = conn.execute(
                    select(marketplace_jobs.c.created_at, marketplace_jobs.c.started_at).where(
                        marketplace_jobs.c.batch_job_id == batch_id
                    )
                ).one()
            delays.append((row.started_at - row.created_at).total_seconds() * 1000)
            time.sleep(0.02)
    finally:
        bench.close()
    delays.sort()
    return {
        "p50": round(statistics.median(delays), 2),
        "p95": round(delays[min(len(delays) - 1, int(len(delays) * 0.95))], 2),
        "samples": len(delays),
    }


def _memory(orch: TaskOrchestrator, tasks: int) -> dict[str, float]:
    bench = _Bench(orch, 1)
    rss: dict[str, float] = {}
    try:
        process = psutil.Process(bench.workers[0].pid)
        checkpoints = sorted({min(10_000, tasks), tasks})
        done = 0
        for checkpoint in checkpoints:
            jobs = (checkpoint - done) // STEPS_PER_JOB
            batch_id = bench.enqueue(bench.products(jobs))
            bench.wait(batch_id, timeout=3600)
            done += jobs * STEPS_PER_JOB
            rss[f"after_{done}_tasks"] = round(process.memory_info().rss / 2**20, 1)
    finally:
        bench.close()
    return rss
