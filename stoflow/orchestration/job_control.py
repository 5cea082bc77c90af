"""State changes of jobs made from outside a run, inside the caller's transaction.

Each function keeps the batch counters exact (job -> batch cascade) and touches only jobs that no
worker is executing at that moment, or flags the running ones for the worker to act on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Connection, delete, func, insert, or_, select, update

from stoflow.domain.enums import ErrorKind, JobStatus, Marketplace, TaskStatus
from stoflow.domain.errors import StepError
from stoflow.orchestration.cascade import record_job_finished, record_job_reopened
from stoflow.store.tables import marketplace_jobs as jobs
from stoflow.store.tables import marketplace_pauses as pauses
from stoflow.store.tables import marketplace_tasks as tasks

REOPENABLE = (JobStatus.FAILED, JobStatus.CANCELLED)


def reopen_job(conn: Connection, job_id: int, now: datetime) -> bool:
    """Put a FAILED or CANCELLED job back to PENDING; only its unfinished tasks will run."""
    row = conn.execute(
        select(jobs.c.status, jobs.c.batch_job_id).where(jobs.c.id == job_id).with_for_update()
    ).one_or_none()
    if row is None or row.status not in REOPENABLE:
        return False
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(
            status=JobStatus.PENDING,
            attempts=0,
            next_run_at=now,
            cancel_requested=False,
            finished_at=None,
            updated_at=now,
        )
    )
    conn.execute(
        update(tasks)
        .where(tasks.c.job_id == job_id, tasks.c.status == TaskStatus.CANCELLED)
        .values(status=TaskStatus.PENDING)
    )
    record_job_reopened(conn, row.batch_job_id, JobStatus(row.status), now)
    return True


def cancel_jobs(conn: Connection, where: ColumnElement[bool], now: datetime) -> tuple[int, int]:
    """Cancel matching jobs: PENDING ones now, RUNNING ones at their next task boundary.

    Returns (cancelled now, flagged). A RUNNING job whose worker died is cancelled by whoever claims
    it next (the orchestrator honours the flag before running anything).
    """
    cancelled = list(
        conn.execute(
            update(jobs)
            .where(where, jobs.c.status == JobStatus.PENDING)
            .values(status=JobStatus.CANCELLED, finished_at=now, updated_at=now)
            .returning(jobs.c.id, jobs.c.batch_job_id)
        )
    )
    if cancelled:
        ids = [r.id for r in cancelled]
        conn.execute(
            update(tasks)
            .where(tasks.c.job_id.in_(ids), tasks.c.status.in_((TaskStatus.PENDING, TaskStatus.FAILED)))
            .values(status=TaskStatus.CANCELLED, completed_at=now)
        )
        per_batch: dict[int, int] = {}
        for r in cancelled:
            per_batch[r.batch_job_id] = per_batch.get(r.batch_job_id, 0) + 1
        for batch_id, count in per_batch.items():
            record_job_finished(conn, batch_id, JobStatus.CANCELLED, now, count=count)
    flagged = conn.execute(
        update(jobs)
        .where(where, jobs.c.status == JobStatus.RUNNING)
        .values(cancel_requested=True, updated_at=now)
    ).rowcount
    return len(cancelled), int(flagged or 0)


def pause_marketplace(
    conn: Connection, marketplace: Marketplace, account_id: int | None, error: StepError, now: datetime
) -> None:
    """Hold the seller's work on a marketplace (account) until `resume_marketplace`."""
    exists = conn.scalar(
        select(func.count())
        .select_from(pauses)
        .where(pauses.c.marketplace == marketplace, _same_account(account_id))
    )
    if not exists:
        conn.execute(
            insert(pauses).values(
                marketplace=marketplace,
                account_id=account_id,
                reason=error.code,
                message=error.marketplace_message or error.message,
                created_at=now,
            )
        )


def resume_marketplace(
    conn: Connection, marketplace: Marketplace, account_id: int | None, now: datetime
) -> int:
    """Lift the pause; the jobs that waited for the seller are due now. Returns how many."""
    conn.execute(delete(pauses).where(pauses.c.marketplace == marketplace, _same_account(account_id)))
    scope = [jobs.c.marketplace == marketplace, jobs.c.status == JobStatus.PENDING]
    if account_id is not None:
        scope.append(jobs.c.account_id == account_id)
    woken = conn.execute(
        update(jobs)
        .where(*scope, jobs.c.error_kind == ErrorKind.NEEDS_USER)
        .values(next_run_at=now, updated_at=now)
    ).rowcount
    return int(woken or 0)


def _same_account(account_id: int | None) -> ColumnElement[bool]:
    return pauses.c.account_id.is_(None) if account_id is None else pauses.c.account_id == account_id


def not_paused_for_seller() -> ColumnElement[bool]:
    """For the claim: the job's marketplace (or its account on it) has no pending seller action."""
    held = (
        select(pauses.c.id)
        .where(
            pauses.c.marketplace == jobs.c.marketplace,
            or_(pauses.c.account_id.is_(None), pauses.c.account_id == jobs.c.account_id),
        )
        .exists()
    )
    return ~held
