"""Job -> batch cascade: counters move in the same transaction as the job's state change.

Progress is finished/total from the counters, so completing a job costs one UPDATE of one batch row
whatever the batch size (no recount of the batch's jobs). Concurrent workers stay exact because each
increment is `count = count + 1` under the row lock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, update

from stoflow.domain.batch_state import BatchCounters
from stoflow.domain.enums import BatchStatus, JobStatus
from stoflow.store.tables import batch_jobs

_COUNTER = {
    JobStatus.COMPLETED: batch_jobs.c.completed_count,
    JobStatus.FAILED: batch_jobs.c.failed_count,
    JobStatus.CANCELLED: batch_jobs.c.cancelled_count,
}
_SETTLED = (BatchStatus.COMPLETED, BatchStatus.PARTIALLY_FAILED, BatchStatus.FAILED, BatchStatus.CANCELLED)


def mark_batch_started(conn: Connection, batch_id: int, now: datetime) -> None:
    conn.execute(
        update(batch_jobs)
        .where(batch_jobs.c.id == batch_id, batch_jobs.c.status == BatchStatus.PENDING)
        .values(status=BatchStatus.RUNNING, started_at=now, updated_at=now)
    )


def record_job_finished(
    conn: Connection, batch_id: int, outcome: JobStatus, now: datetime, *, count: int = 1
) -> BatchCounters:
    """Count `count` jobs that reached `outcome`; settle the batch when they were the last ones."""
    counter = _COUNTER[outcome]
    row = conn.execute(
        update(batch_jobs)
        .where(batch_jobs.c.id == batch_id)
        .values({counter: counter + count, batch_jobs.c.updated_at: now})
        .returning(
            batch_jobs.c.total_count,
            batch_jobs.c.completed_count,
            batch_jobs.c.failed_count,
            batch_jobs.c.cancelled_count,
        )
    ).one()
    counters = BatchCounters(total=row[0], completed=row[1], failed=row[2], cancelled=row[3])
    settle_if_done(conn, batch_id, counters, now)
    return counters


def settle_if_done(conn: Connection, batch_id: int, counters: BatchCounters, now: datetime) -> None:
    """Give the batch its final state when `counters` (just moved, row locked) count every job."""
    if counters.is_settled:
        conn.execute(
            update(batch_jobs)
            .where(batch_jobs.c.id == batch_id)
            .values(status=counters.settled_status(), finished_at=now)
        )


def record_job_reopened(conn: Connection, batch_id: int, previous: JobStatus, now: datetime) -> None:
    """Undo the count of a finished job that is retried; the batch runs again."""
    counter = _COUNTER[previous]
    conn.execute(
        update(batch_jobs)
        .where(batch_jobs.c.id == batch_id)
        .values(
            {
                counter: counter - 1,
                batch_jobs.c.status: BatchStatus.RUNNING,
                batch_jobs.c.finished_at: None,
                batch_jobs.c.updated_at: now,
            }
        )
    )
