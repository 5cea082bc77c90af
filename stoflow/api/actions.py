"""Operator actions on batches and jobs: retry failed, retry one job, cancel.

Stopgap: these delegate to TaskOrchestrator.retry_job and implement cancellation directly until the
worker's `stoflow.orchestration.operations` module lands, which will then replace this module.
Cancellation follows the orchestrator's contract: a PENDING job is cancelled at once (its tasks and
the batch counters in the same transaction); a RUNNING job gets `cancel_requested`, which its runner
honours at its next commit point.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, select, update

from stoflow.domain.clock import system_clock
from stoflow.domain.enums import JobStatus, TaskStatus
from stoflow.orchestration.cascade import record_job_finished
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.store.tables import marketplace_jobs as jobs
from stoflow.store.tables import marketplace_tasks as tasks


def retry_failed(orchestrator: TaskOrchestrator, tenant: str, batch_id: int) -> int:
    """Put every FAILED job of the batch back to PENDING; returns how many were retried."""
    with orchestrator.db.tenant(tenant).connect() as conn:
        ids = list(
            conn.scalars(
                select(jobs.c.id).where(jobs.c.batch_job_id == batch_id, jobs.c.status == JobStatus.FAILED)
            )
        )
    return sum(orchestrator.retry_job(tenant, job_id) for job_id in ids)


def cancel_jobs(conn: Connection, *, batch_id: int | None = None, job_id: int | None = None) -> int:
    """Cancel the unfinished jobs of a batch (or one job) inside the caller's transaction."""
    now = system_clock()
    where: list[ColumnElement[bool]] = [jobs.c.status.in_((JobStatus.PENDING, JobStatus.RUNNING))]
    if batch_id is not None:
        where.append(jobs.c.batch_job_id == batch_id)
    if job_id is not None:
        where.append(jobs.c.id == job_id)
    rows = conn.execute(
        select(jobs.c.id, jobs.c.status, jobs.c.batch_job_id).where(*where).with_for_update()
    ).all()
    for row in rows:
        if row.status == JobStatus.RUNNING:
            conn.execute(
                update(jobs).where(jobs.c.id == row.id).values(cancel_requested=True, updated_at=now)
            )
            continue
        cancelled = conn.execute(
            update(jobs)
            .where(jobs.c.id == row.id, jobs.c.status == JobStatus.PENDING)
            .values(status=JobStatus.CANCELLED, cancel_requested=True, finished_at=now, updated_at=now)
        ).rowcount
        if cancelled:
            conn.execute(
                update(tasks)
                .where(tasks.c.job_id == row.id, tasks.c.status.in_((TaskStatus.PENDING, TaskStatus.FAILED)))
                .values(status=TaskStatus.CANCELLED, completed_at=now)
            )
            record_job_finished(conn, row.batch_job_id, JobStatus.CANCELLED, now)
    return len(rows)
