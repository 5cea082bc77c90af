"""A batch's state, derived from its counters (never from a recount of its jobs)."""

from __future__ import annotations

from dataclasses import dataclass

from stoflow.domain.enums import BatchStatus


@dataclass(frozen=True, slots=True)
class BatchCounters:
    total: int
    completed: int
    failed: int
    cancelled: int

    @property
    def finished(self) -> int:
        return self.completed + self.failed + self.cancelled

    @property
    def progress(self) -> float:
        """Finished jobs over all jobs, 0.0 to 1.0."""
        return self.finished / self.total if self.total else 1.0

    @property
    def is_settled(self) -> bool:
        return self.finished >= self.total

    def settled_status(self) -> BatchStatus:
        """The final state once every job has finished."""
        if self.completed == self.total:
            return BatchStatus.COMPLETED
        if self.failed == 0:
            return BatchStatus.CANCELLED
        if self.completed == 0:
            return BatchStatus.FAILED
        return BatchStatus.PARTIALLY_FAILED
