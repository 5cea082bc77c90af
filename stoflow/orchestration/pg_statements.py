"""PostgreSQL: a job's first and last transactions as one statement each (data-modifying CTEs).

The portable path (SQLite) opens a job with three statements (claim, batch RUNNING, load tasks)
and closes it with four (fence, task outcome, job state, batch counters). On PostgreSQL each group
is one statement built from the same pieces as the portable ones (`statements.py`), so the rules
(who may claim, what a fence checks, which columns an outcome writes) are written once. Every
sub-statement of a WITH runs exactly once against one snapshot, and PostgreSQL re-checks the WHERE
of an UPDATE on the newest row version after waiting for a concurrent writer, so the job UPDATE
that leads each statement is the fence: when another runner holds the job it matches nothing and
the statements that depend on it write nothing.

Built once at import, like the portable statements: building costs more than sending.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, exists, select, update
from sqlalchemy.sql.dml import Update

from stoflow.domain.enums import BatchStatus, JobStatus
from stoflow.orchestration.statements import (
    CLAIM_DIRECT,
    CLAIM_LEASED,
    FINISH_TASK,
    LOAD_TASKS,
    STILL_HELD,
)
from stoflow.store.tables import batch_jobs as batches
from stoflow.store.tables import marketplace_jobs as jobs
from stoflow.store.tables import marketplace_tasks as tasks

COUNTER_COLUMNS = (
    batches.c.total_count,
    batches.c.completed_count,
    batches.c.failed_count,
    batches.c.cancelled_count,
)

# Task columns of the opening statement, renamed where they would clash with the job's columns.
TASK_PREFIX = "task_"


def _claim_and_load(claim: Update) -> Select[Any]:
    """Claim the job, mark its batch RUNNING if it was PENDING, and return the job's columns joined
    with its tasks in order (one row per task; no row when the claim matched nothing)."""
    claimed = claim.cte("claimed")
    batch_started = (
        update(batches)
        .where(
            batches.c.id == select(claimed.c.batch_job_id).scalar_subquery(),
            batches.c.status == BatchStatus.PENDING,
        )
        .values(status=BatchStatus.RUNNING, started_at=bindparam("p_now"), updated_at=bindparam("p_now"))
        .cte("batch_started")
    )
    task_columns = [c.label(TASK_PREFIX + c.name) for c in LOAD_TASKS.selected_columns]
    return (
        select(*claimed.c, *task_columns)
        .select_from(claimed.outerjoin(tasks, tasks.c.job_id == claimed.c.id))
        .order_by(tasks.c.step_order)
        .add_cte(batch_started)
    )


OPEN_LEASED = _claim_and_load(CLAIM_LEASED)
OPEN_DIRECT = _claim_and_load(CLAIM_DIRECT)


def _close_completed() -> Select[Any]:
    """The last task COMPLETED, the job COMPLETED with its result, and the batch's completed counter
    moved; returns the batch counters (no row when the lease was lost: nothing written)."""
    job_done = (
        update(jobs)
        .where(*STILL_HELD)
        .values(
            status=JobStatus.COMPLETED,
            result=bindparam("p_result", type_=jobs.c.result.type),
            finished_at=bindparam("p_now"),
            updated_at=bindparam("p_now"),
            lease_owner=None,
            lease_expires_at=None,
            error_kind=None,
            error_code=None,
            error_message=None,
            marketplace_message=None,
        )
        .returning(jobs.c.batch_job_id)
        .cte("job_done")
    )
    task_done = FINISH_TASK.where(exists(select(job_done.c.batch_job_id))).cte("task_done")
    counted = (
        update(batches)
        .where(batches.c.id == select(job_done.c.batch_job_id).scalar_subquery())
        .values(completed_count=batches.c.completed_count + 1, updated_at=bindparam("p_now"))
        .returning(*COUNTER_COLUMNS)
        .cte("counted")
    )
    return select(*counted.c).add_cte(task_done)


CLOSE_COMPLETED = _close_completed()
