"""Lease renewal while a job runs.

A heartbeat thread renews the lease every third of its length, on its own connection, with the same
fence as every other write (`lease_token` unchanged and the job still RUNNING). When the renewal
finds no row, a successor holds the job: the heartbeat stops and the orchestrator's next fenced
write fails, so nothing of the stale holder is committed.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from types import TracebackType

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from stoflow.domain.clock import Clock
from stoflow.domain.enums import JobStatus
from stoflow.orchestration.claim import ClaimedJob
from stoflow.store.database import Database
from stoflow.store.tables import marketplace_jobs as jobs

log = logging.getLogger(__name__)


def renew_lease(db: Database, claim: ClaimedJob, *, lease_s: float, clock: Clock) -> bool:
    """Extend the lease if we still hold it; False when a successor took the job."""
    now = clock()
    with db.tenant(claim.tenant).begin() as conn:
        renewed = conn.execute(
            update(jobs)
            .where(
                jobs.c.id == claim.job_id,
                jobs.c.lease_token == claim.token,
                jobs.c.status == JobStatus.RUNNING,
            )
            .values(lease_expires_at=now + timedelta(seconds=lease_s))
        ).rowcount
    return bool(renewed)


def taken_by_successor(db: Database, claim: ClaimedJob) -> bool:
    """After a failed renewal: whether another claim took the job (its token moved on), as opposed
    to the job having ended or been released under our own token while we renewed."""
    with db.tenant(claim.tenant).connect() as conn:
        token = conn.scalar(select(jobs.c.lease_token).where(jobs.c.id == claim.job_id))
    return token != claim.token


class Heartbeat:
    """`with Heartbeat(...):` keeps the lease alive for the duration of the block."""

    def __init__(self, db: Database, claim: ClaimedJob, *, lease_s: float, clock: Clock) -> None:
        self._db = db
        self._claim = claim
        self._lease_s = lease_s
        self._clock = clock
        self._done = threading.Event()
        self.lost = False
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{claim.tenant}-{claim.job_id}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        interval = self._lease_s / 3
        while not self._done.wait(interval):
            try:
                if not renew_lease(self._db, self._claim, lease_s=self._lease_s, clock=self._clock):
                    if taken_by_successor(self._db, self._claim):
                        self.lost = True
                        log.warning("job %s/%s: lease lost", self._claim.tenant, self._claim.job_id)
                    return  # else the job ended (or was released) while this renewal ran
            except DBAPIError as exc:
                # The database is unreachable: keep trying; if it stays down past the lease, the
                # job is re-claimed and our writes are fenced out.
                log.warning("heartbeat of job %s failed: %s", self._claim.job_id, exc)
