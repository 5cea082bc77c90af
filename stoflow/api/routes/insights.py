"""/api/stats and /api/alerts: what the dashboard's overview shows beside batches."""

from __future__ import annotations

from fastapi import APIRouter

from stoflow.api.deps import TenantDbDep
from stoflow.api.queries import insights as q
from stoflow.api.schemas.insights import AlertPublic, MarketplaceStats

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
