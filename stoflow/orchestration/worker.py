"""The worker: slots that claim due jobs across tenants and run them through the TaskOrchestrator.

One process runs `concurrency` slot threads (steps mostly wait on marketplaces, so threads overlap
well), a heartbeat per running job and, on PostgreSQL, one LISTEN thread. Any number of processes
may run against the same database: they coordinate only through it (claims, leases, limits).

Fairness: tenants are visited round-robin from a cursor shared by the slots, one job per claim, so a
tenant with 5,000 due jobs gets one claim in turn with every other tenant that has work.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from stoflow.domain.clock import Clock, system_clock
from stoflow.domain.enums import Marketplace
from stoflow.orchestration.claim import ClaimedJob, claim_jobs, next_due_at
from stoflow.orchestration.leases import Heartbeat
from stoflow.orchestration.orchestrator import JobOutcome, Lease, TaskOrchestrator
from stoflow.orchestration.wakeup import Listener
from stoflow.store.tenancy import InvalidTenantName

log = logging.getLogger(__name__)


class WorkerHooks(Protocol):
    """Observers of a worker's job lifecycle (metrics, tests that stop a worker at a given point)."""

    def on_claimed(self, claim: ClaimedJob) -> None: ...

    def on_finished(self, claim: ClaimedJob, outcome: JobOutcome) -> None: ...


class NoHooks:
    def on_claimed(self, claim: ClaimedJob) -> None:
        del claim

    def on_finished(self, claim: ClaimedJob, outcome: JobOutcome) -> None:
        del claim, outcome


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    owner: str = field(default_factory=default_owner)
    concurrency: int = 4
    lease_s: float = 30.0
    # Idle re-check interval. PostgreSQL wakes workers by NOTIFY, so this is only a safety net;
    # SQLite has no notifications, so its default is short (a local query is cheap).
    poll_s: float | None = None
    tenant_refresh_s: float = 5.0
    account_concurrency: Mapping[Marketplace, int] = field(default_factory=dict)
    # Serve only these tenants (a dedicated worker for a large seller); None serves every tenant.
    tenants: tuple[str, ...] | None = None


class _TenantRotation:
    """The tenant list, refreshed now and then, and a round-robin cursor shared by all slots."""

    def __init__(
        self, orch: TaskOrchestrator, refresh_s: float, clock: Clock, only: tuple[str, ...] | None
    ) -> None:
        self._orch = orch
        self._only = only
        self._refresh_s = refresh_s
        self._clock = clock
        self._lock = threading.Lock()
        self._names: list[str] = []
        self._loaded_at: datetime | None = None
        self._cursor = 0

    def order(self) -> list[str]:
        """All tenants, starting with the one after the last that got a claim."""
        with self._lock:
            now = self._clock()
            if self._loaded_at is None or (now - self._loaded_at).total_seconds() >= self._refresh_s:
                names = self._orch.db.tenant_names()
                self._names = [n for n in names if n in self._only] if self._only is not None else names
                self._loaded_at = now
            if not self._names:
                return []
            start = self._cursor % len(self._names)
            return self._names[start:] + self._names[:start]

    def served(self, tenant: str) -> None:
        with self._lock:
            if tenant in self._names:
                self._cursor = self._names.index(tenant) + 1


class Worker:
    """Start with `start()` (returns at once) or `run()` (blocks until `request_stop()`)."""

    def __init__(
        self,
        orchestrator: TaskOrchestrator,
        config: WorkerConfig | None = None,
        *,
        hooks: WorkerHooks | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self.orch = orchestrator
        self.db = orchestrator.db
        self.config = config or WorkerConfig()
        self.hooks: WorkerHooks = hooks or NoHooks()
        self.clock = clock
        self.poll_s = self.config.poll_s or (5.0 if self.db.is_postgres else 0.2)
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._tenants = _TenantRotation(
            orchestrator, self.config.tenant_refresh_s, clock, self.config.tenants
        )
        self._threads: list[threading.Thread] = []
        self._listener: Listener | None = None
        self.jobs_run = 0
        self._count_lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        if self.db.is_postgres:
            self._listener = Listener(self.db.url, self._wake, self._stopping)
            self._listener.start()
        for index in range(self.config.concurrency):
            thread = threading.Thread(target=self._slot, name=f"worker-slot-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("worker %s started with %d slots", self.config.owner, self.config.concurrency)

    def request_stop(self) -> None:
        """Stop claiming; running jobs stop after their task in flight and are released."""
        self._stopping.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the slots to finish; True when all did."""
        for thread in self._threads:
            thread.join(timeout)
        if self._listener is not None:
            self._listener.join(2.0)
        return not any(t.is_alive() for t in self._threads)

    def run(self) -> None:
        self.start()
        self._stopping.wait()
        self.join()

    def stop(self, timeout: float | None = None) -> bool:
        self.request_stop()
        return self.join(timeout)

    # -- one slot ----------------------------------------------------------------------------
    def _slot(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                claim = self._claim_next()
            except (SQLAlchemyError, InvalidTenantName) as exc:
                log.warning("claim failed: %s; retrying", exc)
                self._stopping.wait(1.0)
                continue
            if claim is None:
                self._wake.wait(self._idle_wait_s())
                continue
            self._run(claim)

    def _claim_next(self) -> ClaimedJob | None:
        for tenant in self._tenants.order():
            if self._stopping.is_set():
                return None
            with self.db.tenant(tenant).begin() as conn:
                claimed = claim_jobs(
                    conn,
                    tenant,
                    owner=self.config.owner,
                    now=self.clock(),
                    lease_s=self.config.lease_s,
                    account_concurrency=self.config.account_concurrency,
                )
            if claimed:
                self._tenants.served(tenant)
                return claimed[0]
        return None

    def _run(self, claim: ClaimedJob) -> None:
        self.hooks.on_claimed(claim)
        lease = Lease(claim.token, self.config.owner)
        try:
            with Heartbeat(self.db, claim, lease_s=self.config.lease_s, clock=self.clock):
                outcome = self.orch.run_job(
                    claim.tenant, claim.job_id, lease=lease, should_stop=self._stopping.is_set
                )
        except SQLAlchemyError as exc:
            # Connection lost mid-job: the job keeps its lease until it expires, then any worker
            # (this one included) re-claims it and resumes at the first unfinished task.
            log.warning("job %s/%s interrupted by a database error: %s", claim.tenant, claim.job_id, exc)
            self._stopping.wait(0.5)
            return
        except Exception:
            # A bug, not a step failure (steps' exceptions become outcomes). The slot lives on so the
            # worker keeps its capacity; the job is re-claimed when its lease expires.
            log.exception("job %s/%s: unexpected error in the worker", claim.tenant, claim.job_id)
            self._stopping.wait(0.5)
            return
        with self._count_lock:
            self.jobs_run += 1
        self.hooks.on_finished(claim, outcome)

    def _idle_wait_s(self) -> float:
        """Sleep until the earliest scheduled job is due, at most `poll_s`."""
        soonest: datetime | None = None
        try:
            for tenant in self._tenants.order():
                with self.db.tenant(tenant).connect() as conn:
                    due = next_due_at(conn)
                if due is not None and (soonest is None or due < soonest):
                    soonest = due
        except SQLAlchemyError:
            return self.poll_s
        if soonest is None:
            return self.poll_s
        remaining = (soonest - self.clock()).total_seconds()
        if remaining <= 0:
            # Due but not claimable (account at its concurrency, seller pause): re-check soon.
            return min(self.poll_s, 0.25)
        return min(self.poll_s, remaining)
