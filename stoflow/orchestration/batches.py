"""Creating a batch: one transaction, bulk inserts of its jobs and of all their tasks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from stoflow.domain.enums import Action, BatchStatus, JobStatus, Marketplace, TaskStatus
from stoflow.domain.errors import ValidationFailed
from stoflow.domain.steps import JobPlan
from stoflow.handlers.base import HandlerRegistry
from stoflow.store.products import load_products
from stoflow.store.tables import batch_jobs, marketplace_jobs, marketplace_tasks

# Actions that work on a marketplace account as a whole rather than on listed products.
ACCOUNT_ACTIONS = frozenset({Action.SYNC, Action.ORDERS_SYNC})


@dataclass(frozen=True, slots=True)
class BatchRequest:
    action: Action
    marketplaces: Sequence[Marketplace]
    product_ids: Sequence[int] = ()
    account_ids: Mapping[Marketplace, int] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    # A caller-chosen key: creating the same batch twice (a double click, a retried request)
    # returns the first one instead of doing the work twice.
    idempotency_key: str | None = None


def _validate(request: BatchRequest) -> None:
    if not request.marketplaces:
        raise ValidationFailed("marketplaces", "at least one marketplace is required")
    if len(set(request.marketplaces)) != len(request.marketplaces):
        raise ValidationFailed("marketplaces", "a marketplace is listed twice")
    if request.action in ACCOUNT_ACTIONS:
        if request.product_ids:
            raise ValidationFailed("product_ids", f"{request.action.value} works on accounts, not products")
    elif not request.product_ids:
        raise ValidationFailed("product_ids", "at least one product is required")
    if len(set(request.product_ids)) != len(request.product_ids):
        raise ValidationFailed("product_ids", "a product is listed twice")


def insert_batch(
    conn: Connection,
    registry: HandlerRegistry,
    request: BatchRequest,
    *,
    now: datetime,
    max_attempts: int,
) -> int:
    """Plan and insert a batch with its jobs and tasks inside the caller's transaction."""
    _validate(request)
    if request.idempotency_key is not None:
        existing = conn.scalar(
            select(batch_jobs.c.id).where(batch_jobs.c.idempotency_key == request.idempotency_key)
        )
        if existing is not None:
            return int(existing)
    handlers = {m: registry.get(m, request.action) for m in request.marketplaces}
    products = load_products(conn, request.product_ids)
    missing = [pid for pid in request.product_ids if pid not in products]
    if missing:
        raise ValidationFailed("product_ids", f"unknown product ids {missing[:20]}")

    targets: list[int | None] = list(request.product_ids) or [None]
    batch_id: int = conn.execute(
        insert(batch_jobs)
        .values(
            action=request.action,
            status=BatchStatus.PENDING,
            total_count=len(targets) * len(request.marketplaces),
            completed_count=0,
            failed_count=0,
            cancelled_count=0,
            idempotency_key=request.idempotency_key,
            created_at=now,
            updated_at=now,
        )
        .returning(batch_jobs.c.id)
    ).scalar_one()

    plans: list[JobPlan] = []
    job_rows: list[dict[str, Any]] = []
    for product_id in targets:
        for marketplace in request.marketplaces:
            account_id = request.account_ids.get(marketplace)
            plans.append(
                JobPlan(
                    marketplace=marketplace,
                    action=request.action,
                    product=products[product_id] if product_id is not None else None,
                    account_id=account_id,
                    params=request.params,
                )
            )
            job_rows.append(
                {
                    "batch_job_id": batch_id,
                    "marketplace": marketplace,
                    "action": request.action,
                    "product_id": product_id,
                    "account_id": account_id,
                    "status": JobStatus.PENDING,
                    "attempts": 0,
                    "max_attempts": max_attempts,
                    "next_run_at": now,
                    "lease_token": 0,
                    "cancel_requested": False,
                    "idempotency_key": f"{batch_id}:{marketplace.value}:{request.action.value}:{product_id}",
                    "created_at": now,
                    "updated_at": now,
                }
            )
    job_ids = conn.execute(
        insert(marketplace_jobs).returning(marketplace_jobs.c.id, sort_by_parameter_order=True), job_rows
    ).scalars()
    task_rows: list[dict[str, Any]] = []
    for job_id, plan in zip(job_ids, plans, strict=True):
        for order, spec in enumerate(handlers[plan.marketplace].create_tasks(plan), start=1):
            task_rows.append(
                {
                    "job_id": job_id,
                    "step_type": spec.step_type,
                    "step_order": order,
                    "name": spec.name,
                    "status": TaskStatus.PENDING,
                    "is_idempotent": spec.is_idempotent,
                    "side_effects": [],
                    "input": spec.input,
                    "attempts": 0,
                    "error_ambiguous": False,
                }
            )
    if task_rows:
        conn.execute(insert(marketplace_tasks), task_rows)
    return batch_id
