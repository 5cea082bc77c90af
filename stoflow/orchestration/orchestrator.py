"""The TaskOrchestrator: runs a job's tasks in order, one commit per task outcome.

Commit points of one job (each a transaction, fenced by the job's lease token):

    start:        job RUNNING (+ batch RUNNING) and the first unfinished task RUNNING
    after task k: task k's outcome and, in the same commit, task k+1 RUNNING
    last task:    its outcome, the job's final state and the batch counters

A task is therefore always marked RUNNING in a commit before its step can act, and each outcome is
committed before the next step starts, at a cost of one commit per task (plus one per job).
A crash loses at most the task in flight; its row stays RUNNING, which the next attempt reads as
doubt and answers with the step's probe before acting again.

On PostgreSQL each commit point is one statement (`pg_statements`, `pg_advance`); on SQLite the
same writes are a few statements in one BEGIN IMMEDIATE transaction.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Executable, Row, RowMapping, update

from stoflow.config import Settings
from stoflow.domain.clock import Clock, system_clock
from stoflow.domain.enums import Action, ErrorKind, JobStatus, Marketplace, StepType, TaskStatus
from stoflow.domain.errors import PermanentError, StepError, TransientError
from stoflow.domain.retry import RetryPolicy, Verdict
from stoflow.domain.steps import JobRef, StepContext, StepFn, StepResult
from stoflow.handlers.base import BaseJobHandler, HandlerRegistry, UnknownStepError
from stoflow.orchestration import pg_advance
from stoflow.orchestration.batches import BatchRequest, insert_batch
from stoflow.orchestration.cascade import mark_batch_started, record_job_finished
from stoflow.orchestration.job_control import pause_marketplace, reopen_job
from stoflow.orchestration.pg_statements import CLOSE_COMPLETED, OPEN_DIRECT, OPEN_LEASED, TASK_PREFIX
from stoflow.orchestration.statements import (
    CLAIM_DIRECT,
    CLAIM_LEASED,
    FENCE,
    FINISH_TASK,
    LOAD_TASKS,
    START_TASK,
)
from stoflow.orchestration.wakeup import notify_jobs_ready
from stoflow.store.database import Database
from stoflow.store.tables import marketplace_jobs as jobs
from stoflow.store.tables import marketplace_tasks as tasks
from stoflow.store.tenancy import tenant_schema

log = logging.getLogger(__name__)


class JobOutcome(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    RETRY_SCHEDULED = "retry_scheduled"
    WAITING = "waiting"  # rate limited: runs again later without spending an attempt
    PAUSED = "paused"  # needs the seller
    LEASE_LOST = "lease_lost"  # another worker holds the job now; nothing of ours was written
    NOT_RUNNABLE = "not_runnable"  # finished, or held by a live lease
    RELEASED = "released"  # the worker is stopping: the job goes back to PENDING after a task


@dataclass(frozen=True, slots=True)
class Lease:
    """A claim on a job: every write of the holder is conditional on `token`."""

    token: int
    owner: str


class LeaseLostError(Exception):
    """The job's lease token changed: a successor owns the job, our transaction was rolled back."""


@dataclass(slots=True)
class _TaskRow:
    id: int
    step_type: StepType
    name: str
    status: TaskStatus
    input: dict[str, Any]
    output: dict[str, Any] | None
    side_effects: list[dict[str, Any]]
    ambiguous: bool

    @property
    def in_doubt(self) -> bool:
        # RUNNING at load time means an attempt died mid-step; an ambiguous failure may have acted.
        return self.status is TaskStatus.RUNNING or (self.status is TaskStatus.FAILED and self.ambiguous)


class TaskOrchestrator:
    def __init__(
        self,
        db: Database,
        registry: HandlerRegistry,
        *,
        clock: Clock = system_clock,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
        max_attempts: int = 5,
    ) -> None:
        self.db = db
        self.registry = registry
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.max_attempts = max_attempts

    @classmethod
    def from_settings(cls, db: Database, registry: HandlerRegistry, settings: Settings) -> TaskOrchestrator:
        """The orchestrator every process builds the same way: the API that creates jobs (their
        attempt limit is stored then) and the workers that retry them agree on the retry rules."""
        return cls(
            db,
            registry,
            policy=RetryPolicy(
                base_delay_s=settings.retry_base_delay_s, max_delay_s=settings.retry_max_delay_s
            ),
            max_attempts=settings.job_max_attempts,
        )

    def create_batch(self, tenant: str, request: BatchRequest) -> int:
        """Create a batch, its jobs and all their tasks in one transaction."""
        with self.db.tenant(tenant).begin() as conn:
            batch_id = insert_batch(
                conn, self.registry, request, now=self.clock(), max_attempts=self.max_attempts
            )
            notify_jobs_ready(conn, tenant)
            return batch_id

    def run_job(
        self,
        tenant: str,
        job_id: int,
        *,
        lease: Lease | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> JobOutcome:
        """Run the job's unfinished tasks. With a lease, every write is fenced by its token.

        `should_stop` is asked at each task boundary: when true (a worker shutting down), the job is
        released back to PENDING after the task in flight, its attempt given back.
        """
        with self.db.tenant(tenant).connect() as conn:
            try:
                return _JobRun(self, conn, tenant, job_id, lease, should_stop=should_stop).execute()
            except LeaseLostError:
                log.warning("job %s/%s: lease lost, leaving it to its new holder", tenant, job_id)
                return JobOutcome.LEASE_LOST

    def retry_job(self, tenant: str, job_id: int) -> bool:
        """Put a FAILED or CANCELLED job back to PENDING; only its unfinished tasks will run."""
        with self.db.tenant(tenant).begin() as conn:
            reopened = reopen_job(conn, job_id, self.clock())
            if reopened:
                notify_jobs_ready(conn, tenant)
            return reopened

    def call_step(self, fn: StepFn, ctx: StepContext) -> dict[str, Any]:
        """Run a step (plain or async) and return its output as a dict."""
        result: Any = fn(ctx)
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
        return dict(result) if result is not None else {}


async def _await(awaitable: Any) -> StepResult:
    value: StepResult = await awaitable
    return value


class _JobRun:
    """One execution of one job on one connection."""

    def __init__(
        self,
        orch: TaskOrchestrator,
        conn: Connection,
        tenant: str,
        job_id: int,
        lease: Lease | None,
        *,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.orch = orch
        self.should_stop = should_stop
        self.conn = conn
        self.tenant = tenant
        self.job_id = job_id
        self.lease = lease
        self.token = lease.token if lease else 0
        self.batch_id = 0
        self.max_attempts = 1
        self.cancel_at_start = False

    # -- the run -----------------------------------------------------------------------------
    def execute(self) -> JobOutcome:
        opened = self._start_pg() if self.orch.db.is_postgres else self._start_portable()
        if isinstance(opened, JobOutcome):
            return opened
        job, rows, pending = opened
        handler = self.orch.registry.get(job.marketplace, job.action)
        outputs: dict[str, dict[str, Any]] = {
            t.name: t.output or {} for t in rows if t.status is TaskStatus.COMPLETED
        }
        for index, task in enumerate(pending):
            ctx = StepContext(
                job=job,
                task_id=task.id,
                name=task.name,
                step_type=task.step_type,
                input=task.input,
                outputs=outputs,
                in_doubt=task.in_doubt,
            )
            started = time.perf_counter()
            output, error = self._perform(handler, ctx)
            duration_ms = int((time.perf_counter() - started) * 1000)
            rest = pending[index + 1 :]
            if error is None and rest and self.orch.db.is_postgres and not self._stopping():
                if not self._advance(task, ctx, output, duration_ms, rest[0]):
                    outputs[task.name] = output
                    continue
                with self.conn.begin():  # the outcome is committed; the next task never started
                    self._fence()
                    self._cancel(rest)
                return JobOutcome.CANCELLED
            if error is None and not rest and self.orch.db.is_postgres:
                self._close_completed(task, ctx, output, duration_ms)
                return JobOutcome.COMPLETED
            with self.conn.begin():
                cancel_requested = self._fence()
                if error is not None:
                    self._fail_task(task, ctx, error, duration_ms)
                    if cancel_requested:
                        self._cancel(rest)
                        return JobOutcome.CANCELLED
                    return self._after_failure(job, error)
                self._complete_task(task, ctx, output, duration_ms)
                if not rest:
                    self._finish(JobStatus.COMPLETED, result=output)
                    return JobOutcome.COMPLETED
                if cancel_requested:
                    self._cancel(rest)
                    return JobOutcome.CANCELLED
                if self._stopping():
                    self._release()
                    return JobOutcome.RELEASED
                self._start_task(rest[0])
            outputs[task.name] = output
        raise AssertionError("unreachable: the loop returns on the last task")  # pragma: no cover

    def _start_portable(self) -> JobOutcome | tuple[JobRef, list[_TaskRow], list[_TaskRow]]:
        """Claim, then either end the job at once or start its first unfinished task: one commit.
        Returns the outcome when the job ended (or was not ours), else (job, tasks, unfinished)."""
        with self.conn.begin():
            opened = self._open_portable()
            if opened is None:
                return JobOutcome.NOT_RUNNABLE
            job, rows = opened
            pending = [t for t in rows if not t.status.is_finished]
            early = self._early_end(job, pending)
            if early is not None:
                return self._end_early(early, pending)
            self._start_task(pending[0])
            return job, rows, pending

    def _start_pg(self) -> JobOutcome | tuple[JobRef, list[_TaskRow], list[_TaskRow]]:
        """`_start_portable` on PostgreSQL: one committed statement, and a second transaction only
        when the job ends before any step (rare)."""
        opened = self._open_pg()
        if opened is None:
            return JobOutcome.NOT_RUNNABLE
        job, rows, started_task_id = opened
        pending = [t for t in rows if not t.status.is_finished]
        early = self._early_end(job, pending)
        _check_open_agrees(started_task_id, None if early else pending[0].id)
        if early is not None:
            with self.conn.begin():
                self._fence()
                return self._end_early(early, pending)
        return job, rows, pending

    def _early_end(self, job: JobRef, pending: Sequence[_TaskRow]) -> JobOutcome | StepError | None:
        """Why the job ends before any step runs (cancelled, refused, nothing left), else None.
        On PostgreSQL the opening statement applies the same rules (`pg_statements._open`)."""
        if self.cancel_at_start:
            return JobOutcome.CANCELLED
        refusal = self._refusal(job)
        if refusal is not None:
            return refusal
        return None if pending else JobOutcome.COMPLETED

    def _end_early(self, early: JobOutcome | StepError, pending: Sequence[_TaskRow]) -> JobOutcome:
        """Inside the caller's transaction: write the job's end decided by `_early_end`."""
        if isinstance(early, StepError):
            self._finish(JobStatus.FAILED, error=early)
            return JobOutcome.FAILED
        if early is JobOutcome.CANCELLED:
            self._cancel(pending)
        else:
            self._finish(JobStatus.COMPLETED, result={})
        return early

    def _refusal(self, job: JobRef) -> StepError | None:
        """Reasons to fail a job before running anything, so it cannot loop through claims."""
        if not self.orch.registry.supports(job.marketplace, job.action):
            return PermanentError(
                f"{job.action.value} is not supported on {job.marketplace.value} by this worker",
                code="unsupported_operation",
            )
        if job.attempt > self.max_attempts:
            # Each claim spends an attempt; outcomes of failed attempts end the job at the limit,
            # so passing it means earlier attempts died mid-step (worker crashes or kills).
            return TransientError(
                f"gave up after {job.attempt - 1} attempts that ended without an outcome (worker stopped)",
                code="attempts_exhausted",
            )
        return None

    def _stopping(self) -> bool:
        return self.should_stop is not None and self.should_stop()

    def _perform(self, handler: BaseJobHandler, ctx: StepContext) -> tuple[dict[str, Any], StepError | None]:
        """Probe if in doubt, else run. Every exception becomes a classified StepError."""
        try:
            step = handler.step(ctx.step_type)
            if ctx.in_doubt and step.probe is not None:
                found = step.probe(ctx)
                if inspect.isawaitable(found):
                    found = asyncio.run(_await(found))
                if found is not None:
                    ctx.record_side_effect("adopted", reason="probe found the effect of an earlier attempt")
                    return dict(found), None
            return self.orch.call_step(step.run, ctx), None
        except StepError as exc:
            return {}, exc
        except UnknownStepError as exc:
            return {}, PermanentError(str(exc), code="unknown_step")
        except Exception as exc:
            # A bug or an unexpected library error: we cannot know whether the step acted, so the
            # retry probes first. Attempts bound the retries; the traceback goes to the log.
            log.exception("job %s/%s task %s raised", self.tenant, self.job_id, ctx.name)
            return {}, TransientError(f"{type(exc).__name__}: {exc}", code="internal_error", ambiguous=True)

    # -- job-level writes --------------------------------------------------------------------
    def _now(self) -> datetime:
        return self.orch.clock()

    def _claim_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"p_job_id": self.job_id, "p_now": self._now()}
        if self.lease is not None:
            params["p_token"] = self.lease.token
        return params

    def _open_portable(self) -> tuple[JobRef, list[_TaskRow]] | None:
        """Claim the job, mark its batch RUNNING and load its tasks; None when not ours to run."""
        claim = CLAIM_LEASED if self.lease else CLAIM_DIRECT
        row = self.conn.execute(claim, self._claim_params()).one_or_none()
        if row is None:
            return None
        job = self._job_ref(row)
        mark_batch_started(self.conn, job.batch_id, self._now())
        return job, self._load_tasks()

    def _open_pg(self) -> tuple[JobRef, list[_TaskRow], int | None] | None:
        """PostgreSQL: `_open_portable` and the first task's start as one committed statement;
        returns the tasks as they were before it and the id of the task it started."""
        params = self._claim_params()
        params["p_supported"] = [(m.value, a.value) for m, a in self.orch.registry.operations()]
        joined = self._autocommitted(OPEN_LEASED if self.lease else OPEN_DIRECT, params)
        if not joined:
            return None
        tasks_before = [_task_row(r._mapping, prefix=TASK_PREFIX) for r in joined if r.task_id is not None]
        return self._job_ref(joined[0]), tasks_before, joined[0].started_task_id

    def _autocommitted(self, statement: Executable, params: dict[str, Any]) -> Sequence[Row[Any]]:
        """PostgreSQL: one statement as its own transaction, sent and committed in one round trip.
        SQLAlchemy's transaction around it is bookkeeping only (the driver has nothing to commit)."""
        with pg_advance.autocommit(self.conn), self.conn.begin():
            return self.conn.execute(statement, params).all()

    def _job_ref(self, row: Row[Any]) -> JobRef:
        self.batch_id = row.batch_job_id
        self.token = row.lease_token
        self.max_attempts = row.max_attempts
        self.cancel_at_start = bool(row.cancel_requested)
        return JobRef(
            tenant=self.tenant,
            id=row.id,
            batch_id=row.batch_job_id,
            marketplace=Marketplace(row.marketplace),
            action=Action(row.action),
            product_id=row.product_id,
            account_id=row.account_id,
            idempotency_key=row.idempotency_key,
            attempt=row.attempts,
        )

    def _fence(self) -> bool:
        """Lock the job row if we still hold it; returns whether cancellation was requested."""
        cancel = self.conn.execute(
            FENCE, {"p_job_id": self.job_id, "p_token": self.token, "p_now": self._now()}
        ).scalar_one_or_none()
        if cancel is None:
            raise LeaseLostError(self.job_id)
        return bool(cancel)

    def _finish(
        self, status: JobStatus, *, result: Mapping[str, Any] | None = None, error: StepError | None = None
    ) -> None:
        now = self._now()
        self.conn.execute(
            update(jobs)
            .where(jobs.c.id == self.job_id)
            .values(
                status=status,
                result=dict(result) if result is not None else None,
                finished_at=now,
                updated_at=now,
                lease_owner=None,
                lease_expires_at=None,
                **_error_values(error),
            )
        )
        record_job_finished(self.conn, self.batch_id, status, now)

    def _reschedule(self, run_at: datetime, error: StepError, *, give_back_attempt: bool) -> None:
        values: dict[str, Any] = {
            "status": JobStatus.PENDING,
            "next_run_at": run_at,
            "updated_at": self._now(),
            "lease_owner": None,
            "lease_expires_at": None,
            **_error_values(error),
        }
        if give_back_attempt:
            values["attempts"] = jobs.c.attempts - 1
        self.conn.execute(update(jobs).where(jobs.c.id == self.job_id).values(**values))

    def _release(self) -> None:
        """Give the job back (worker shutdown): due now, the attempt not spent, no lease."""
        now = self._now()
        self.conn.execute(
            update(jobs)
            .where(jobs.c.id == self.job_id)
            .values(
                status=JobStatus.PENDING,
                next_run_at=now,
                attempts=jobs.c.attempts - 1,
                lease_owner=None,
                lease_expires_at=None,
                updated_at=now,
            )
        )
        notify_jobs_ready(self.conn, self.tenant)

    def _after_failure(self, job: JobRef, error: StepError) -> JobOutcome:
        decision = self.orch.policy.decide(
            error,
            attempt=job.attempt,
            max_attempts=self.max_attempts,
            now=self._now(),
            rng=self.orch.rng,
        )
        if decision.verdict is Verdict.FAIL or decision.run_at is None:
            self._finish(JobStatus.FAILED, error=error)
            return JobOutcome.FAILED
        self._reschedule(decision.run_at, error, give_back_attempt=decision.verdict is Verdict.WAIT)
        if decision.verdict is Verdict.PAUSE:
            # The seller must act: hold all their work on this marketplace, not just this job.
            pause_marketplace(self.conn, job.marketplace, job.account_id, error, self._now())
        return {
            Verdict.RETRY: JobOutcome.RETRY_SCHEDULED,
            Verdict.WAIT: JobOutcome.WAITING,
            Verdict.PAUSE: JobOutcome.PAUSED,
        }[decision.verdict]

    def _cancel(self, unfinished: Sequence[_TaskRow]) -> None:
        if unfinished:
            self.conn.execute(
                update(tasks)
                .where(tasks.c.id.in_([t.id for t in unfinished]))
                .values(status=TaskStatus.CANCELLED, completed_at=self._now())
            )
        self._finish(JobStatus.CANCELLED)

    # -- task-level writes -------------------------------------------------------------------
    def _load_tasks(self) -> list[_TaskRow]:
        return [_task_row(r) for r in self.conn.execute(LOAD_TASKS, {"p_job_id": self.job_id}).mappings()]

    def _start_task(self, task: _TaskRow) -> None:
        self.conn.execute(START_TASK, {"p_task_id": task.id, "p_now": self._now()})

    def _complete_task(
        self, task: _TaskRow, ctx: StepContext, output: dict[str, Any], duration_ms: int
    ) -> None:
        params = self._outcome_params(task, ctx, TaskStatus.COMPLETED, output=output, duration_ms=duration_ms)
        self.conn.execute(FINISH_TASK, params)

    def _fail_task(self, task: _TaskRow, ctx: StepContext, error: StepError, duration_ms: int) -> None:
        params = self._outcome_params(task, ctx, TaskStatus.FAILED, duration_ms=duration_ms, error=error)
        self.conn.execute(FINISH_TASK, params)

    def _advance(
        self, task: _TaskRow, ctx: StepContext, output: dict[str, Any], duration_ms: int, following: _TaskRow
    ) -> bool:
        """PostgreSQL: fence, COMPLETED outcome and next task RUNNING, committed in one round trip
        (see pg_advance). Returns whether cancellation was requested (then the next task was not
        started)."""
        cancel = pg_advance.advance(
            self.conn,
            tenant_schema(self.tenant),
            job_id=self.job_id,
            token=self.token,
            task_id=task.id,
            next_task_id=following.id,
            output=output,
            side_effects=task.side_effects + ctx.side_effects,
            duration_ms=duration_ms,
            now=self._now(),
        )
        if cancel is None:
            raise LeaseLostError(self.job_id)
        return bool(cancel)

    def _close_completed(
        self, task: _TaskRow, ctx: StepContext, output: dict[str, Any], duration_ms: int
    ) -> None:
        """PostgreSQL: the last task's outcome, the job COMPLETED and the batch counted, one statement."""
        params = self._outcome_params(task, ctx, TaskStatus.COMPLETED, output=output, duration_ms=duration_ms)
        params.update(p_job_id=self.job_id, p_token=self.token, p_result=output, p_count=1)
        if not self._autocommitted(CLOSE_COMPLETED, params):
            raise LeaseLostError(self.job_id)

    def _outcome_params(
        self,
        task: _TaskRow,
        ctx: StepContext,
        status: TaskStatus,
        *,
        duration_ms: int,
        output: dict[str, Any] | None = None,
        error: StepError | None = None,
    ) -> dict[str, Any]:
        params = {
            "p_task_id": task.id,
            "p_status": status,
            "p_output": output,
            # earlier attempts' effects stay on record next to this attempt's
            "p_side_effects": task.side_effects + ctx.side_effects,
            "p_now": self._now(),
            "p_duration_ms": duration_ms,
            "p_ambiguous": bool(error and error.ambiguous),
        }
        params.update({f"p_{k}": v for k, v in _error_values(error).items()})
        return params


def _check_open_agrees(started_task_id: int | None, expected: int | None) -> None:
    """The opening statement's rules and `_early_end` must pick the same task (or none)."""
    if started_task_id != expected:
        raise AssertionError(f"opening statement started task {started_task_id}, expected {expected}")


def _task_row(row: RowMapping, *, prefix: str = "") -> _TaskRow:
    def column(name: str) -> Any:
        return row[prefix + name]

    return _TaskRow(
        id=column("id"),
        step_type=StepType(column("step_type")),
        name=column("name"),
        status=TaskStatus(column("status")),
        input=column("input") or {},
        output=column("output"),
        side_effects=list(column("side_effects") or []),
        ambiguous=column("error_ambiguous"),
    )


def _error_values(error: StepError | None) -> dict[str, Any]:
    if error is None:
        return {"error_kind": None, "error_code": None, "error_message": None, "marketplace_message": None}
    kind: ErrorKind = error.kind
    return {
        "error_kind": kind.value,
        "error_code": error.code,
        "error_message": error.message,
        "marketplace_message": error.marketplace_message,
    }
