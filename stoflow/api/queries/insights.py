"""Per-marketplace statistics from the jobs table, and the tenant's marketplace accounts."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from stoflow.api.schemas.insights import MarketplaceStats
from stoflow.domain.enums import JobStatus, Marketplace
from stoflow.store.tables import marketplace_jobs

_FINISHED = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


def marketplace_stats(conn: Connection) -> list[MarketplaceStats]:
    jobs = marketplace_jobs.c
    counts: dict[tuple[str, str], int] = {
        (r.marketplace, r.status): r.n
        for r in conn.execute(
            select(jobs.marketplace, jobs.status, func.count().label("n")).group_by(
                jobs.marketplace, jobs.status
            )
        )
    }
    finished = conn.execute(
        select(jobs.marketplace, jobs.started_at, jobs.finished_at).where(
            jobs.status.in_(_FINISHED), jobs.started_at.is_not(None), jobs.finished_at.is_not(None)
        )
    )
    totals: dict[str, list[float]] = {}
    for row in finished:
        totals.setdefault(row.marketplace, []).append(
            (row.finished_at - row.started_at).total_seconds() * 1000
        )
    durations = {m: sum(v) / len(v) for m, v in totals.items()}
    return [
        MarketplaceStats(
            marketplace=m,
            **{s.value: counts.get((m.value, s.value), 0) for s in JobStatus},
            mean_job_ms=round(durations[m.value], 1) if m.value in durations else None,
        )
        for m in Marketplace
    ]
