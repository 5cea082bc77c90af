"""Operator actions on batches and jobs (the HTTP API and the CLI call these).

Every action is one transaction of the tenant; counters stay exact through the job -> batch cascade.
Work that a worker is running is never written under its feet: cancelling a RUNNING job sets a flag
that the orchestrator honours at the next task boundary (in the same fenced commit).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from stoflow.domain.clock import Clock, system_clock
from stoflow.domain.enums import JobStatus, Marketplace
from stoflow.orchestration.job_control import cancel_jobs, reopen_job, resume_marketplace
from stoflow.orchestration.wakeup import notify_jobs_ready
from stoflow.store.database import Database
from stoflow.store.tables import batch_jobs
from stoflow.store.tables import marketplace_jobs as jobs


@dataclass(frozen=True, slots=True)
class CancelResult:
    cancelled: int  # PENDING jobs cancelled at once
    stopping: int  # RUNNING jobs that stop at their next task boundary


def retry_failed_jobs(db: Database, tenant: str, batch_id: int, *, clock: Clock = system_clock) -> int:
    """Re-run the FAILED jobs of a batch; each resumes at its first unfinished task."""
    now = clock()
    with db.tenant(tenant).begin() as conn:
        failed = list(
            conn.scalars(
                select(jobs.c.id).where(jobs.c.batch_job_id == batch_id, jobs.c.status == JobStatus.FAILED)
            )
        )
        reopened = sum(1 for job_id in failed if reopen_job(conn, job_id, now))
        if reopened:
            notify_jobs_ready(conn, tenant)
        return reopened


def retry_job(db: Database, tenant: str, job_id: int, *, clock: Clock = system_clock) -> bool:
    """Re-run one FAILED or CANCELLED job from its first unfinished task."""
    with db.tenant(tenant).begin() as conn:
        reopened = reopen_job(conn, job_id, clock())
        if reopened:
            notify_jobs_ready(conn, tenant)
        return reopened


def cancel_job(db: Database, tenant: str, job_id: int, *, clock: Clock = system_clock) -> CancelResult:
    with db.tenant(tenant).begin() as conn:
        return CancelResult(*cancel_jobs(conn, jobs.c.id == job_id, clock()))


def cancel_batch(db: Database, tenant: str, batch_id: int, *, clock: Clock = system_clock) -> CancelResult:
    with db.tenant(tenant).begin() as conn:
        return CancelResult(*cancel_jobs(conn, jobs.c.batch_job_id == batch_id, clock()))


def pause_batch(db: Database, tenant: str, batch_id: int, *, clock: Clock = system_clock) -> int:
    """Stop claiming the batch's pending jobs (running ones finish). Returns how many were held."""
    now = clock()
    with db.tenant(tenant).begin() as conn:
        conn.execute(
            update(batch_jobs).where(batch_jobs.c.id == batch_id).values(paused=True, updated_at=now)
        )
        held = conn.execute(
            update(jobs)
            .where(jobs.c.batch_job_id == batch_id, jobs.c.status == JobStatus.PENDING)
            .values(paused=True, updated_at=now)
        ).rowcount
        return int(held or 0)


def resume_batch(db: Database, tenant: str, batch_id: int, *, clock: Clock = system_clock) -> int:
    now = clock()
    with db.tenant(tenant).begin() as conn:
        conn.execute(
            update(batch_jobs).where(batch_jobs.c.id == batch_id).values(paused=False, updated_at=now)
        )
        released = conn.execute(
            update(jobs)
            .where(jobs.c.batch_job_id == batch_id, jobs.c.paused.is_(True))
            .values(paused=False, updated_at=now)
        ).rowcount
        notify_jobs_ready(conn, tenant)
        return int(released or 0)


def resume_seller(
    db: Database,
    tenant: str,
    marketplace: Marketplace,
    account_id: int | None = None,
    *,
    clock: Clock = system_clock,
) -> int:
    """The seller acted (the plugin says the session is OK): their held work runs again now."""
    with db.tenant(tenant).begin() as conn:
        woken = resume_marketplace(conn, marketplace, account_id, clock())
        notify_jobs_ready(conn, tenant)
        return woken
