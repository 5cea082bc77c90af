"""States and vocabularies of the task system. Stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class Marketplace(StrEnum):
    EBAY = "ebay"
    ETSY = "etsy"
    VINTED = "vinted"


class Action(StrEnum):
    PUBLISH = "publish"
    UPDATE = "update"
    DELETE = "delete"
    SYNC = "sync"
    UNPUBLISH = "unpublish"
    ORDERS_SYNC = "orders_sync"
    ACTIVATE = "activate"
    ARCHIVE = "archive"


class StepType(StrEnum):
    """The functional steps a marketplace job is made of (one task per step)."""

    VALIDATE = "validate"
    MAP_DATA = "map_data"
    UPLOAD_IMAGE = "upload_image"
    CREATE_LISTING = "create_listing"
    CREATE_OFFER = "create_offer"
    PUBLISH_LISTING = "publish_listing"
    UPDATE_LISTING = "update_listing"
    SET_INVENTORY = "set_inventory"
    ACTIVATE_LISTING = "activate_listing"
    DELETE_LISTING = "delete_listing"
    WITHDRAW_LISTING = "withdraw_listing"
    FETCH_REMOTE = "fetch_remote"
    RECONCILE = "reconcile"
    SAVE_RESULT = "save_result"
    CUSTOM = "custom"


class TaskStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"

    @property
    def is_finished(self) -> bool:
        return self in _FINISHED_TASK


_FINISHED_TASK = frozenset({TaskStatus.COMPLETED, TaskStatus.CANCELLED, TaskStatus.SKIPPED})


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL_JOB


_TERMINAL_JOB = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED})


class BatchStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    PARTIALLY_FAILED = "partially_failed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ErrorKind(StrEnum):
    """How a failure is handled (DESIGN.md 2.6)."""

    PERMANENT = "permanent"
    TRANSIENT = "transient"
    RATE_LIMITED = "rate_limited"
    AUTH_EXPIRED = "auth_expired"
    NEEDS_USER = "needs_user"
