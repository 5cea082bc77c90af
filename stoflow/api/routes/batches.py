"""/api/batches: create a batch, follow it, list its jobs, retry what failed, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, Field

from stoflow.api.deps import CallerDep, OrchestratorDep, PageDep, ServicesDep, TenantDbDep
from stoflow.api.errors import NotFoundError
from stoflow.api.queries import batches as q
from stoflow.api.queries.connections import resolve_accounts
from stoflow.api.schemas.batches import BatchCreate, BatchPublic, FailureGroup, JobPublic
from stoflow.api.schemas.common import Cancelled, Count, ObjectId, Page, not_found
from stoflow.domain.enums import BatchStatus, JobStatus, Marketplace
from stoflow.orchestration import operations
from stoflow.orchestration.batches import BatchRequest

router = APIRouter(prefix="/api/batches", tags=["batches"])
NOT_FOUND = not_found("batch")


def _read(engine: TenantDbDep, batch_id: int) -> BatchPublic:
    with engine.connect() as conn:
        found = q.get_batch(conn, batch_id)
    if found is None:
        raise NotFoundError("batch", batch_id)
    return found


@router.post("", status_code=status.HTTP_201_CREATED)
def create_batch(
    body: BatchCreate, caller: CallerDep, orchestrator: OrchestratorDep, engine: TenantDbDep
) -> BatchPublic:
    """Plan one job per product and marketplace, with all their tasks, in one transaction."""
    with engine.connect() as conn:
        account_ids = resolve_accounts(conn, body.marketplaces, body.account_ids)
    request = BatchRequest(
        action=body.action,
        marketplaces=body.marketplaces,
        product_ids=body.product_ids,
        account_ids=account_ids,
        idempotency_key=body.idempotency_key,
    )
    batch_id = orchestrator.create_batch(caller.tenant, request)
    return _read(engine, batch_id)


@router.get("")
def list_batches(engine: TenantDbDep, page: PageDep, status: BatchStatus | None = None) -> Page[BatchPublic]:
    with engine.connect() as conn:
        items, total = q.list_batches(conn, status=status, limit=page.limit, offset=page.offset)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{batch_id}", responses=NOT_FOUND)
def get_batch(batch_id: ObjectId, engine: TenantDbDep) -> BatchPublic:
    return _read(engine, batch_id)


class JobFilter(BaseModel):
    status: JobStatus | None = None
    marketplace: Marketplace | None = None
    error_code: str | None = Field(default=None, max_length=80)


@router.get("/{batch_id}/jobs", responses=NOT_FOUND)
def list_jobs(
    batch_id: ObjectId, engine: TenantDbDep, page: PageDep, where: Annotated[JobFilter, Depends()]
) -> Page[JobPublic]:
    """The batch's jobs, optionally only those of a state, a marketplace or an error code."""
    _read(engine, batch_id)
    with engine.connect() as conn:
        items, total = q.list_jobs(
            conn,
            batch_id,
            status=where.status,
            marketplace=where.marketplace,
            error_code=where.error_code,
            limit=page.limit,
            offset=page.offset,
        )
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{batch_id}/failures", responses=NOT_FOUND)
def list_failures(batch_id: ObjectId, engine: TenantDbDep) -> list[FailureGroup]:
    """Failed jobs grouped by marketplace and error code, with an example of each message."""
    _read(engine, batch_id)
    with engine.connect() as conn:
        return q.failure_groups(conn, batch_id)


@router.post("/{batch_id}/retry-failed", responses=NOT_FOUND)
def retry_failed(batch_id: ObjectId, caller: CallerDep, services: ServicesDep, engine: TenantDbDep) -> Count:
    """Run the failed jobs again; their completed tasks are not repeated."""
    _read(engine, batch_id)
    return Count(count=operations.retry_failed_jobs(services.db, caller.tenant, batch_id))


@router.post("/{batch_id}/cancel", responses=NOT_FOUND)
def cancel_batch(
    batch_id: ObjectId, caller: CallerDep, services: ServicesDep, engine: TenantDbDep
) -> Cancelled:
    """Cancel every unfinished job: pending ones now, running ones at their next task boundary."""
    _read(engine, batch_id)
    result = operations.cancel_batch(services.db, caller.tenant, batch_id)
    return Cancelled(cancelled=result.cancelled, stopping=result.stopping)


@router.post("/{batch_id}/pause", responses=NOT_FOUND)
def pause_batch(batch_id: ObjectId, caller: CallerDep, services: ServicesDep, engine: TenantDbDep) -> Count:
    """Stop starting the batch's pending jobs (running ones finish); returns how many were held."""
    _read(engine, batch_id)
    return Count(count=operations.pause_batch(services.db, caller.tenant, batch_id))


@router.post("/{batch_id}/resume", responses=NOT_FOUND)
def resume_batch(batch_id: ObjectId, caller: CallerDep, services: ServicesDep, engine: TenantDbDep) -> Count:
    """Let the held jobs run again; returns how many were released."""
    _read(engine, batch_id)
    return Count(count=operations.resume_batch(services.db, caller.tenant, batch_id))
