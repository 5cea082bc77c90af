"""Batches, their jobs and the jobs' tasks."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from stoflow.api.schemas.common import IdField
from stoflow.domain.enums import Action, BatchStatus, JobStatus, Marketplace, StepType, TaskStatus

MAX_BATCH_PRODUCTS = 5000


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    marketplaces: list[Marketplace] = Field(min_length=1, max_length=3)
    product_ids: list[IdField] = Field(default_factory=list, max_length=MAX_BATCH_PRODUCTS)
    # The account to use per marketplace; when omitted, the tenant's only account of that marketplace.
    account_ids: dict[Marketplace, IdField] = Field(default_factory=dict)
    # Sending the same key twice returns the first batch (a double click, a retried request).
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=120)


class BatchPublic(BaseModel):
    id: int
    action: Action
    status: BatchStatus
    total: int
    completed: int
    failed: int
    cancelled: int
    # Pending jobs are held (not started) while the batch is paused.
    paused: bool
    # Finished jobs over all jobs, 0.0 to 1.0.
    progress: float
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobPublic(BaseModel):
    id: int
    batch_id: int
    marketplace: Marketplace
    action: Action
    product_id: int | None
    status: JobStatus
    paused: bool
    attempts: int
    max_attempts: int
    error_kind: str | None
    error_code: str | None
    error_message: str | None
    # The marketplace's own words, when it answered.
    marketplace_message: str | None
    next_run_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class TaskPublic(BaseModel):
    id: int
    step_order: int
    step: StepType
    name: str
    status: TaskStatus
    attempts: int
    duration_ms: int | None
    error_code: str | None
    error_message: str | None
    marketplace_message: str | None
    started_at: datetime | None
    completed_at: datetime | None


class JobDetail(JobPublic):
    tasks: list[TaskPublic]


class FailureGroup(BaseModel):
    """Failed jobs of a batch sharing an error code on one marketplace."""

    marketplace: Marketplace
    error_code: str | None
    count: int
    example_message: str | None
    example_marketplace_message: str | None


class BatchProgress(BaseModel):
    """One server-sent event of a batch's progress."""

    batch: BatchPublic
    tasks_finished: int
    tasks_total: int
