"""Batches, jobs and tasks as the API shows them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, func, select

from stoflow.api.schemas.batches import (
    BatchProgress,
    BatchPublic,
    FailureGroup,
    JobDetail,
    JobPublic,
    TaskPublic,
)
from stoflow.domain.batch_state import BatchCounters
from stoflow.domain.enums import BatchStatus, JobStatus, Marketplace, TaskStatus
from stoflow.store.tables import batch_jobs, marketplace_jobs, marketplace_tasks

_JOB_FIELDS = (
    "id",
    "marketplace",
    "action",
    "product_id",
    "status",
    "paused",
    "attempts",
    "max_attempts",
    "error_kind",
    "error_code",
    "error_message",
    "marketplace_message",
    "next_run_at",
    "started_at",
    "finished_at",
)
_FINISHED_TASKS = (TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.SKIPPED)


def _batch(row: Any) -> BatchPublic:
    counters = BatchCounters(row.total_count, row.completed_count, row.failed_count, row.cancelled_count)
    return BatchPublic(
        id=row.id,
        action=row.action,
        status=row.status,
        total=counters.total,
        completed=counters.completed,
        failed=counters.failed,
        cancelled=counters.cancelled,
        paused=row.paused,
        progress=round(counters.progress, 4),
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def get_batch(conn: Connection, batch_id: int) -> BatchPublic | None:
    row = conn.execute(select(batch_jobs).where(batch_jobs.c.id == batch_id)).one_or_none()
    return _batch(row) if row is not None else None


def list_batches(
    conn: Connection, *, status: BatchStatus | None, limit: int, offset: int
) -> tuple[list[BatchPublic], int]:
    where = [batch_jobs.c.status == status] if status is not None else []
    total = int(conn.scalar(select(func.count()).select_from(batch_jobs).where(*where)) or 0)
    rows = conn.execute(
        select(batch_jobs).where(*where).order_by(batch_jobs.c.id.desc()).limit(limit).offset(offset)
    )
    return [_batch(r) for r in rows], total


def _job(row: Any) -> JobPublic:
    return JobPublic(batch_id=row.batch_job_id, **{f: getattr(row, f) for f in _JOB_FIELDS})


def _jobs_where(
    batch_id: int, status: JobStatus | None, error_code: str | None, marketplace: Marketplace | None
) -> list[Any]:
    where: list[Any] = [marketplace_jobs.c.batch_job_id == batch_id]
    if status is not None:
        where.append(marketplace_jobs.c.status == status)
    if error_code is not None:
        where.append(marketplace_jobs.c.error_code == error_code)
    if marketplace is not None:
        where.append(marketplace_jobs.c.marketplace == marketplace)
    return where


def list_jobs(
    conn: Connection,
    batch_id: int,
    *,
    status: JobStatus | None = None,
    error_code: str | None = None,
    marketplace: Marketplace | None = None,
    limit: int,
    offset: int,
) -> tuple[list[JobPublic], int]:
    where = _jobs_where(batch_id, status, error_code, marketplace)
    total = int(conn.scalar(select(func.count()).select_from(marketplace_jobs).where(*where)) or 0)
    query: Select[Any] = (
        select(marketplace_jobs).where(*where).order_by(marketplace_jobs.c.id).limit(limit).offset(offset)
    )
    return [_job(r) for r in conn.execute(query)], total


def get_job(conn: Connection, job_id: int) -> JobDetail | None:
    row = conn.execute(select(marketplace_jobs).where(marketplace_jobs.c.id == job_id)).one_or_none()
    if row is None:
        return None
    task_rows = conn.execute(
        select(marketplace_tasks)
        .where(marketplace_tasks.c.job_id == job_id)
        .order_by(marketplace_tasks.c.step_order)
    )
    tasks = [
        TaskPublic(
            id=t.id,
            step_order=t.step_order,
            step=t.step_type,
            name=t.name,
            status=t.status,
            attempts=t.attempts,
            duration_ms=t.duration_ms,
            error_code=t.error_code,
            error_message=t.error_message,
            marketplace_message=t.marketplace_message,
            started_at=t.started_at,
            completed_at=t.completed_at,
        )
        for t in task_rows
    ]
    return JobDetail(**_job(row).model_dump(), tasks=tasks)


def failure_groups(conn: Connection, batch_id: int) -> list[FailureGroup]:
    """Failed jobs grouped by marketplace and error code, largest group first."""
    jobs = marketplace_jobs.c
    rows = conn.execute(
        select(
            jobs.marketplace,
            jobs.error_code,
            func.count().label("count"),
            func.max(jobs.error_message).label("message"),
            func.max(jobs.marketplace_message).label("marketplace_message"),
        )
        .where(jobs.batch_job_id == batch_id, jobs.status == JobStatus.FAILED)
        .group_by(jobs.marketplace, jobs.error_code)
        .order_by(func.count().desc(), jobs.marketplace, jobs.error_code)
    )
    return [
        FailureGroup(
            marketplace=r.marketplace,
            error_code=r.error_code,
            count=r.count,
            example_message=r.message,
            example_marketplace_message=r.marketplace_message,
        )
        for r in rows
    ]


def failed_job_ids(conn: Connection, batch_id: int) -> list[int]:
    return list(
        conn.scalars(
            select(marketplace_jobs.c.id).where(
                marketplace_jobs.c.batch_job_id == batch_id, marketplace_jobs.c.status == JobStatus.FAILED
            )
        )
    )


def batch_progress(conn: Connection, batch_id: int) -> BatchProgress | None:
    """The batch's counters plus task-level progress, as committed so far."""
    batch = get_batch(conn, batch_id)
    if batch is None:
        return None
    task_counts = conn.execute(
        select(
            func.count(),
            func.count().filter(marketplace_tasks.c.status.in_(_FINISHED_TASKS)),
        )
        .select_from(marketplace_tasks.join(marketplace_jobs))
        .where(marketplace_jobs.c.batch_job_id == batch_id)
    ).one()
    return BatchProgress(batch=batch, tasks_total=task_counts[0], tasks_finished=task_counts[1])
