"""Job -> batch cascade: counters move in the same transaction as the job's state change.

Progress is finished/total from the counters, so completing a job costs one UPDATE of one batch row
whatever the batch size (no recount of the batch's jobs). Concurrent workers stay exact because each
increment is `count = count + n` under the row lock, and the same UPDATE gives the batch its final
state when the counters reach the total: the SET expressions see the row as locked, so the job that
finishes the batch is the one that settles it, with no second statement.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, case, update
from sqlalchemy.sql.dml import Update

from stoflow.domain.batch_state import BatchCounters
from stoflow.domain.enums import BatchStatus, JobStatus
from stoflow.store.tables import batch_jobs
from stoflow.store.types import UTCDateTime

_COUNTER = {
    JobStatus.COMPLETED: batch_jobs.c.completed_count,
    JobStatus.FAILED: batch_jobs.c.failed_count,
    JobStatus.CANCELLED: batch_jobs.c.cancelled_count,
}

COUNTER_COLUMNS = (
    batch_jobs.c.total_count,
    batch_jobs.c.completed_count,
    batch_jobs.c.failed_count,
    batch_jobs.c.cancelled_count,
)


def settled_status_sql(
    total: ColumnElement[int],
    completed: ColumnElement[int],
    failed: ColumnElement[int],
) -> ColumnElement[str]:
    """`BatchCounters.settled_status` as SQL (a test holds the two to the same answers)."""
    return case(
        (completed == total, BatchStatus.COMPLETED.value),
        (failed == 0, BatchStatus.CANCELLED.value),
        (completed == 0, BatchStatus.FAILED.value),
        else_=BatchStatus.PARTIALLY_FAILED.value,
    )


def _count_finished_values(outcome: JobStatus) -> dict[Any, Any]:
    """SET clause of the batch row when `p_count` jobs reach `outcome` at `p_now`."""
    after: dict[Any, ColumnElement[int]] = {column: column for column in _COUNTER.values()}
    after[_COUNTER[outcome]] = _COUNTER[outcome] + bindparam("p_count")
    completed, failed, cancelled = (after[_COUNTER[s]] for s in _COUNTER)
    settled = completed + failed + cancelled >= batch_jobs.c.total_count
    return {
        _COUNTER[outcome]: after[_COUNTER[outcome]],
        batch_jobs.c.updated_at: bindparam("p_now"),
        batch_jobs.c.status: case(
            (settled, settled_status_sql(batch_jobs.c.total_count, completed, failed)),
            else_=batch_jobs.c.status,
        ),
        batch_jobs.c.finished_at: case(
            (settled, bindparam("p_now", type_=UTCDateTime())), else_=batch_jobs.c.finished_at
        ),
    }


def count_finished(outcome: JobStatus, batch_id: ColumnElement[int]) -> Update:
    """Count `p_count` jobs of batch `batch_id` that reached `outcome` at `p_now`, settling the
    batch when they were its last; returns the counters. `batch_id` may be a bound parameter or a
    subquery (PostgreSQL's closing statement takes it from the job it just finished)."""
    return (
        update(batch_jobs)
        .where(batch_jobs.c.id == batch_id)
        .values(_count_finished_values(outcome))
        .returning(*COUNTER_COLUMNS)
    )


def mark_started(batch_id: ColumnElement[int]) -> Update:
    """Batch `batch_id` RUNNING at `p_now` if it was still PENDING."""
    return (
        update(batch_jobs)
        .where(batch_jobs.c.id == batch_id, batch_jobs.c.status == BatchStatus.PENDING)
        .values(status=BatchStatus.RUNNING, started_at=bindparam("p_now"), updated_at=bindparam("p_now"))
    )


_COUNT_FINISHED = {outcome: count_finished(outcome, bindparam("p_batch_id")) for outcome in _COUNTER}
_MARK_STARTED = mark_started(bindparam("p_batch_id"))


def mark_batch_started(conn: Connection, batch_id: int, now: datetime) -> None:
    conn.execute(_MARK_STARTED, {"p_batch_id": batch_id, "p_now": now})


def record_job_finished(
    conn: Connection, batch_id: int, outcome: JobStatus, now: datetime, *, count: int = 1
) -> BatchCounters:
    """Count `count` jobs that reached `outcome`; the batch settles when they were the last ones."""
    row = conn.execute(
        _COUNT_FINISHED[outcome], {"p_batch_id": batch_id, "p_now": now, "p_count": count}
    ).one()
    return BatchCounters(total=row[0], completed=row[1], failed=row[2], cancelled=row[3])


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
