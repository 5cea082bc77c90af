"""/api/stats, /api/alerts and /api/connections: what the dashboard's overview shows."""

from __future__ import annotations

from fastapi import APIRouter

from stoflow.api.deps import TenantDbDep
from stoflow.api.queries import insights as q
from stoflow.api.schemas.insights import AlertPublic, ConnectionPublic, MarketplaceStats

router = APIRouter(prefix="/api", tags=["insights"])


@router.get("/stats")
def stats(engine: TenantDbDep) -> list[MarketplaceStats]:
    """Jobs per marketplace by state, and their mean duration."""
    with engine.connect() as conn:
        return q.marketplace_stats(conn)


@router.get("/alerts")
def alerts(engine: TenantDbDep) -> list[AlertPublic]:
    """Failure-rate alerts. Empty until the monitoring component provides them."""
    del engine  # authenticated and scoped like every route; no alert source exists yet
    return []


@router.get("/connections")
def connections(engine: TenantDbDep) -> list[ConnectionPublic]:
    """The caller's marketplace accounts and their status (never their credentials)."""
    with engine.connect() as conn:
        return q.connections(conn)
