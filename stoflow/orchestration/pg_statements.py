"""PostgreSQL: a job's first and last transactions as one statement each (data-modifying CTEs).

The portable path (SQLite) opens a job with four statements (claim, batch RUNNING, load tasks,
first task RUNNING) and closes it with four (fence, task outcome, job state, batch counters). On
PostgreSQL each group is one statement built from the same pieces as the portable ones
(`statements.py`, `cascade.py`), so the rules (who may claim, what a fence checks, which columns an
outcome writes, when a batch settles) are written once, and the orchestrator sends each statement
in autocommit: its own transaction, one round trip.

Every sub-statement of a WITH runs exactly once against one snapshot, and PostgreSQL re-checks the
WHERE of an UPDATE on the newest row version after waiting for a concurrent writer, so the job
UPDATE that leads each statement is the fence: when another runner holds the job it matches
nothing and the sub-statements that depend on it write nothing.

Built once at import, like the portable statements: building costs more than sending.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, exists, select, tuple_, update
from sqlalchemy.sql.dml import Update

from stoflow.domain.enums import JobStatus, TaskStatus
from stoflow.orchestration.cascade import count_finished, mark_started
from stoflow.orchestration.statements import (
    CLAIM_DIRECT,
    CLAIM_LEASED,
    FINISH_TASK,
    LOAD_TASKS,
    START_VALUES,
    STILL_HELD,
)
from stoflow.store.tables import marketplace_jobs as jobs
from stoflow.store.tables import marketplace_tasks as tasks

# Task columns of the opening statement, renamed where they would clash with the job's columns.
TASK_PREFIX = "task_"
_FINISHED_TASK = [s for s in TaskStatus if s.is_finished]


def _open(claim: Update) -> Select[Any]:
    """Claim the job, mark its batch RUNNING if it was PENDING and its first unfinished task RUNNING
    if the job may run, and return the job's columns, `started_task_id` and the job's tasks in order
    as they were before this statement (one row per task; no row when the claim matched nothing).

    The job may run when it is not being cancelled, has attempts left and this worker has its
    handler (`p_supported`): the same rules as `_JobRun._early_end`, which checks that both agree.
    """
    claimed = claim.cte("claimed")
    batch_started = mark_started(select(claimed.c.batch_job_id).scalar_subquery()).cte("batch_started")
    may_run = exists(
        select(claimed.c.id).where(
            claimed.c.cancel_requested.is_(False),
            claimed.c.attempts <= claimed.c.max_attempts,
            tuple_(claimed.c.marketplace, claimed.c.action).in_(bindparam("p_supported", expanding=True)),
        )
    )
    candidate = tasks.alias("candidate")
    first_unfinished = (
        select(candidate.c.id)
        .where(
            candidate.c.job_id == select(claimed.c.id).scalar_subquery(),
            candidate.c.status.not_in(_FINISHED_TASK),
        )
        .order_by(candidate.c.step_order)
        .limit(1)
        .scalar_subquery()
    )
    first_started = (
        update(tasks)
        .where(tasks.c.id == first_unfinished, may_run)
        .values(START_VALUES)
        .returning(tasks.c.id)
        .cte("first_started")
    )
    task_columns = [c.label(TASK_PREFIX + c.name) for c in LOAD_TASKS.selected_columns]
    return (
        select(
            *claimed.c,
            select(first_started.c.id).scalar_subquery().label("started_task_id"),
            *task_columns,
        )
        .select_from(claimed.outerjoin(tasks, tasks.c.job_id == claimed.c.id))
        .order_by(tasks.c.step_order)
        .add_cte(batch_started)
    )


OPEN_LEASED = _open(CLAIM_LEASED)
OPEN_DIRECT = _open(CLAIM_DIRECT)


def _close_completed() -> Select[Any]:
    """The last task COMPLETED, the job COMPLETED with its result, and the batch counted (settled
    when this was its last job); returns the batch counters, no row when the lease was lost."""
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
    batch_id = select(job_done.c.batch_job_id).scalar_subquery()
    counted = count_finished(JobStatus.COMPLETED, batch_id).cte("counted")
    return select(*counted.c).add_cte(task_done)


CLOSE_COMPLETED = _close_completed()
