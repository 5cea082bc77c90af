"""/api/jobs: one job with its task timeline; retry or cancel it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from stoflow.api.deps import CallerDep, ServicesDep, TenantDbDep
from stoflow.api.errors import NotFoundError
from stoflow.api.queries import batches as q
from stoflow.api.schemas.batches import JobDetail
from stoflow.api.schemas.common import Message, ObjectId, not_found
from stoflow.orchestration import operations

router = APIRouter(prefix="/api/jobs", tags=["jobs"])
NOT_FOUND = not_found("job")


def _read(engine: TenantDbDep, job_id: int) -> JobDetail:
    with engine.connect() as conn:
        found = q.get_job(conn, job_id)
    if found is None:
        raise NotFoundError("job", job_id)
    return found


@router.get("/{job_id}", responses=NOT_FOUND)
def get_job(job_id: ObjectId, engine: TenantDbDep) -> JobDetail:
    """The job with each task's step, status, attempts, duration and errors."""
    return _read(engine, job_id)


@router.post(
    "/{job_id}/retry",
    responses={**NOT_FOUND, 409: {"model": Message, "description": "The job is not failed"}},
)
def retry_job(job_id: ObjectId, caller: CallerDep, services: ServicesDep, engine: TenantDbDep) -> JobDetail:
    _read(engine, job_id)
    if not operations.retry_job(services.db, caller.tenant, job_id):
        raise HTTPException(status.HTTP_409_CONFLICT, "only a failed or cancelled job can be retried")
    return _read(engine, job_id)


@router.post("/{job_id}/cancel", responses=NOT_FOUND)
def cancel_job(job_id: ObjectId, caller: CallerDep, services: ServicesDep, engine: TenantDbDep) -> JobDetail:
    """A pending job is cancelled now; a running one stops at its next task boundary."""
    _read(engine, job_id)
    operations.cancel_job(services.db, caller.tenant, job_id)
    return _read(engine, job_id)
