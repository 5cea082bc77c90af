"""Rate limits shared by every worker process: token buckets in the shared schema.

A permit is taken in a transaction that locks the bucket rows (SELECT ... FOR UPDATE on PostgreSQL,
BEGIN IMMEDIATE on SQLite), so two processes can never both spend the last token: the budget holds
across any number of workers (DESIGN.md 2.8). Several limits can apply to one request (Etsy: 10/s and
10,000/day per application, plus pacing per seller account): all are taken together or none.

Steps call `acquire()` before each marketplace request. A short wait is slept; a long one raises
RateLimitedError so the orchestrator reschedules the job without spending an attempt.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from stoflow.domain.clock import Clock, system_clock
from stoflow.domain.errors import RateLimitedError
from stoflow.store.database import Database
from stoflow.store.tables import rate_limit_buckets as buckets


@dataclass(frozen=True, slots=True)
class RateLimit:
    """`rate` requests per `per_s` seconds under `key`; `burst` permits may be taken at once."""

    key: str
    rate: float
    per_s: float = 1.0
    burst: float = 1.0

    @property
    def refill_per_s(self) -> float:
        return self.rate / self.per_s


class RateLimiter:
    def __init__(
        self, db: Database, *, clock: Clock = system_clock, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.db = db
        self.clock = clock
        self.sleep = sleep

    def try_acquire(self, limits: Sequence[RateLimit]) -> float:
        """Take one permit from every limit, or none: 0.0 when granted, else the seconds to wait."""
        with self.db.shared.begin() as conn:
            for limit in limits:
                _ensure_bucket(conn, limit, self.clock().timestamp())
            ordered = sorted(limits, key=lambda lim: lim.key)  # one lock order: no deadlocks
            rows = {
                row.key: row
                for row in conn.execute(
                    select(buckets)
                    .where(buckets.c.key.in_([lim.key for lim in ordered]))
                    .order_by(buckets.c.key)
                    .with_for_update()
                )
            }
            # Read the time only once the rows are locked, and never move a bucket's time back: a
            # time read before waiting for the lock would credit the same interval twice.
            now_s = max([self.clock().timestamp(), *(row.updated_at_s for row in rows.values())])
            levels: dict[str, float] = {}
            wait = 0.0
            for limit in ordered:
                row = rows[limit.key]
                elapsed = now_s - row.updated_at_s
                level = min(limit.burst, row.tokens + elapsed * limit.refill_per_s)
                levels[limit.key] = level
                if level < 1.0:
                    wait = max(wait, (1.0 - level) / limit.refill_per_s)
            granted = wait == 0.0
            for limit in ordered:
                level = levels[limit.key] - (1.0 if granted else 0.0)
                conn.execute(
                    update(buckets)
                    .where(buckets.c.key == limit.key)
                    .values(
                        tokens=level,
                        capacity=limit.burst,
                        refill_per_s=limit.refill_per_s,
                        updated_at_s=now_s,
                    )
                )
            return wait

    def acquire(self, *limits: RateLimit, max_wait_s: float = 2.0) -> None:
        """Wait for a permit up to `max_wait_s`; beyond that, let the job be rescheduled."""
        waited = 0.0
        while True:
            wait = self.try_acquire(limits)
            if wait == 0.0:
                return
            if waited + wait > max_wait_s:
                keys = ", ".join(lim.key for lim in limits)
                raise RateLimitedError(
                    f"rate limit reached ({keys})", code="local_rate_limit", retry_after_s=wait
                )
            self.sleep(wait)
            waited += wait


def _ensure_bucket(conn: Connection, limit: RateLimit, now_s: float) -> None:
    """Create the bucket full on first use; a concurrent creator wins harmlessly."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(buckets)
        .values(
            key=limit.key,
            tokens=limit.burst,
            capacity=limit.burst,
            refill_per_s=limit.refill_per_s,
            updated_at_s=now_s,
        )
        .on_conflict_do_nothing(index_elements=["key"])
    )
