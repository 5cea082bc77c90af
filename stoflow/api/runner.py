"""Stopgap in-process runner: threads that run due PENDING jobs of every tenant.

Used by `stoflow up` and the tests until the durable worker (`stoflow worker`) lands, which replaces
this module. It has no leases of its own: `TaskOrchestrator.run_job` claims a job with a conditional
UPDATE, so two runner threads never run the same job.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select

from stoflow.domain.enums import JobStatus
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.store.tables import marketplace_jobs as jobs

log = logging.getLogger(__name__)


class InProcessRunner:
    def __init__(self, orchestrator: TaskOrchestrator, *, threads: int = 2, poll_s: float = 0.1) -> None:
        self.orchestrator = orchestrator
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, args=(i,), name=f"stoflow-runner-{i}", daemon=True)
            for i in range(threads)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout_s)

    def __enter__(self) -> InProcessRunner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _loop(self, index: int) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_due(offset=index)
            except Exception:
                log.exception("runner %s: pass failed", index)
                ran = 0
            if not ran:
                self._stop.wait(self.poll_s)

    def run_due(self, *, offset: int = 0, limit: int = 10) -> int:
        """One pass over every tenant; returns how many jobs this thread ran."""
        db = self.orchestrator.db
        ran = 0
        for tenant in db.tenant_names():
            now = self.orchestrator.clock()
            with db.tenant(tenant).connect() as conn:
                due = list(
                    conn.scalars(
                        select(jobs.c.id)
                        .where(jobs.c.status == JobStatus.PENDING, jobs.c.next_run_at <= now)
                        .order_by(jobs.c.next_run_at, jobs.c.id)
                        .limit(limit)
                        .offset(offset)
                    )
                )
            for job_id in due:
                if self._stop.is_set():
                    return ran
                self.orchestrator.run_job(tenant, job_id)
                ran += 1
        return ran
