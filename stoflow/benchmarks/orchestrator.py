"""`stoflow bench orchestrator`: the cost of the task machinery next to the database's own floor.

Figures, all measured in one run on the database STOFLOW_DATABASE_URL names:
- create_ms_per_task: creating a batch of `jobs` jobs x `tasks_per_job` tasks (one transaction).
- exec_tasks_per_s: running those jobs one after another with no-op steps, one commit per task.
- floor_commits_per_s: raw single-row UPDATE + COMMIT on the same database with one connection,
  the ceiling for any design that commits each task on its own (the higher of two measurements,
  one just before and one just after the run).
- floor_autocommit_commits_per_s: the same UPDATE sent in autocommit (one round trip per commit),
  the stricter floor; see `floor.py`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import insert, select

from stoflow.benchmarks.floor import raw_commits_per_s
from stoflow.domain.clock import system_clock
from stoflow.domain.enums import Action, Marketplace, StepType
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.base import BaseJobHandler, HandlerRegistry
from stoflow.orchestration.batches import BatchRequest
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.store.database import Database
from stoflow.store.migrate import upgrade_shared
from stoflow.store.tables import marketplace_jobs, products
from stoflow.store.tenants import create_tenant, drop_tenant


def _noop(ctx: StepContext) -> dict[str, Any]:
    return {"step": ctx.name}


class NoopHandler(BaseJobHandler):
    marketplace: ClassVar[Marketplace] = Marketplace.EBAY
    action: ClassVar[Action] = Action.PUBLISH

    def __init__(self, tasks_per_job: int) -> None:
        self.tasks_per_job = tasks_per_job

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        return [TaskSpec(StepType.CUSTOM, f"noop:{i}", {"i": i}) for i in range(self.tasks_per_job)]

    def steps(self) -> Mapping[StepType, Step]:
        return {StepType.CUSTOM: Step(_noop)}


def run_orchestrator_bench(database_url: str, *, jobs: int = 1000, tasks_per_job: int = 8) -> dict[str, Any]:
    db = Database(database_url, pool_size=2)
    tenant = f"bench_{uuid.uuid4().hex[:10]}"
    upgrade_shared(db)
    create_tenant(db, tenant)
    try:
        engine = db.tenant(tenant)
        now = time.time()
        with engine.begin() as conn:
            stamp = system_clock()
            conn.execute(
                insert(products),
                [
                    {
                        "title": f"bench {i}",
                        "price": Decimal("10.00"),
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                    for i in range(jobs)
                ],
            )
            product_ids = list(conn.scalars(select(products.c.id).order_by(products.c.id)))
        orch = TaskOrchestrator(db, HandlerRegistry([NoopHandler(tasks_per_job)]))
        started = time.perf_counter()
        batch_id = orch.create_batch(tenant, BatchRequest(Action.PUBLISH, [Marketplace.EBAY], product_ids))
        create_s = time.perf_counter() - started
        with engine.connect() as conn:
            job_ids = list(
                conn.scalars(select(marketplace_jobs.c.id).where(marketplace_jobs.c.batch_job_id == batch_id))
            )
        # The floors are measured just before and just after the run and the higher kept: this
        # disk's commit latency drifts by +-20% within minutes, and the higher floor is the
        # harder comparison.
        floor_commits = min(jobs * tasks_per_job, 4000)
        floors = [raw_commits_per_s(db, commits=floor_commits)]
        strict_floors = [raw_commits_per_s(db, commits=floor_commits, one_round_trip=True)]
        started = time.perf_counter()
        for job_id in job_ids:
            orch.run_job(tenant, job_id)
        exec_s = time.perf_counter() - started
        floors.append(raw_commits_per_s(db, commits=floor_commits))
        strict_floors.append(raw_commits_per_s(db, commits=floor_commits, one_round_trip=True))
        floor, strict_floor = max(floors), max(strict_floors)
        total_tasks = jobs * tasks_per_job
        exec_rate = total_tasks / exec_s
        return {
            "database": db.url.get_backend_name(),
            "jobs": jobs,
            "tasks_per_job": tasks_per_job,
            "create_ms_per_task": round(create_s * 1000 / total_tasks, 4),
            "exec_tasks_per_s": round(exec_rate, 1),
            "floor_commits_per_s": round(floor, 1),
            "exec_vs_floor": round(exec_rate / floor, 3),
            "floor_autocommit_commits_per_s": round(strict_floor, 1),
            "exec_vs_autocommit_floor": round(exec_rate / strict_floor, 3),
            "wall_s": round(time.time() - now, 2),
        }
    finally:
        drop_tenant(db, tenant)
        db.dispose()
