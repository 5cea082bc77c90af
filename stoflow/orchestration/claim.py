"""Claiming due jobs of one tenant with one statement (DESIGN.md 6).

    WITH due AS (SELECT id FROM marketplace_jobs WHERE <due or lease expired> AND <not held>
                 ORDER BY next_run_at, id LIMIT :n FOR UPDATE SKIP LOCKED)
    UPDATE marketplace_jobs SET status='running', lease_* ..., attempts = attempts + 1
    WHERE id IN (SELECT id FROM due) RETURNING id, lease_token

The CTE bounds the UPDATE to `n` rows, SKIP LOCKED lets concurrent workers take different rows, and
the same statement takes back RUNNING jobs whose lease expired, so recovery after a crash needs no
sweeper. SQLite has no row locks: its transactions are BEGIN IMMEDIATE, one writer at a time, which
makes the same statement safe there.

Per-account concurrency (e.g. Vinted: one action at a time per seller) is counted at claim time from
the RUNNING jobs with a live lease. Two PostgreSQL claims could both see a count below the limit, so
when such a limit applies the claim first takes a transaction-scoped advisory lock per tenant:
claims of one tenant then queue for the few hundred microseconds a claim lasts.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, and_, case, func, literal, or_, select, update

from stoflow.domain.enums import JobStatus, Marketplace
from stoflow.orchestration.job_control import not_paused_for_seller
from stoflow.store.tables import marketplace_jobs as jobs

_CLAIM_LOCK_NAMESPACE = 0x5F0  # advisory-lock key space of the claim (first int of the pair)


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    tenant: str
    job_id: int
    token: int


def claim_jobs(
    conn: Connection,
    tenant: str,
    *,
    owner: str,
    now: datetime,
    lease_s: float,
    limit: int = 1,
    account_concurrency: Mapping[Marketplace, int] | None = None,
) -> list[ClaimedJob]:
    """Claim up to `limit` due jobs inside the caller's transaction."""
    if account_concurrency and conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_CLAIM_LOCK_NAMESPACE, _tenant_key(tenant))))
    due = (
        select(jobs.c.id)
        .where(_claimable(now), not_paused_for_seller(), _account_has_room(now, account_concurrency))
        .order_by(jobs.c.next_run_at, jobs.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    rows = conn.execute(
        update(jobs)
        .where(jobs.c.id.in_(select(due.c.id)))
        .values(
            status=JobStatus.RUNNING,
            lease_owner=owner,
            lease_expires_at=now + timedelta(seconds=lease_s),
            lease_token=jobs.c.lease_token + 1,
            attempts=jobs.c.attempts + 1,
            started_at=func.coalesce(jobs.c.started_at, now),
            updated_at=now,
        )
        .returning(jobs.c.id, jobs.c.lease_token)
    )
    return [ClaimedJob(tenant, row.id, row.lease_token) for row in rows]


def next_due_at(conn: Connection) -> datetime | None:
    """When the earliest waiting job of this tenant becomes due (for an idle worker's sleep)."""
    due: datetime | None = conn.scalar(
        select(func.min(jobs.c.next_run_at)).where(
            jobs.c.status == JobStatus.PENDING, jobs.c.paused.is_(False)
        )
    )
    return due


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(jobs.c.status == JobStatus.PENDING, jobs.c.next_run_at <= now, jobs.c.paused.is_(False)),
        # A RUNNING job whose holder stopped renewing its lease: crashed, stalled or partitioned.
        and_(jobs.c.status == JobStatus.RUNNING, jobs.c.lease_expires_at < now),
    )


def _account_has_room(
    now: datetime, account_concurrency: Mapping[Marketplace, int] | None
) -> ColumnElement[bool]:
    if not account_concurrency:
        return literal(True)
    peer = jobs.alias("peer")
    running = (
        select(func.count())
        .select_from(peer)
        .where(
            peer.c.account_id == jobs.c.account_id,
            peer.c.marketplace == jobs.c.marketplace,
            peer.c.status == JobStatus.RUNNING,
            peer.c.lease_expires_at >= now,
        )
        .scalar_subquery()
    )
    cap = case({m.value: n for m, n in account_concurrency.items()}, value=jobs.c.marketplace, else_=None)
    return or_(jobs.c.account_id.is_(None), cap.is_(None), running < cap)


def _tenant_key(tenant: str) -> int:
    # A stable 31-bit key (Python's hash() is salted per process).
    return zlib.crc32(tenant.encode()) & 0x7FFFFFFF
