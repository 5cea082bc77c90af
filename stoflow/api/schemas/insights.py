"""Statistics, alerts and marketplace connections as the dashboard shows them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from stoflow.domain.enums import Marketplace


class MarketplaceStats(BaseModel):
    marketplace: Marketplace
    completed: int
    failed: int
    cancelled: int
    pending: int
    running: int
    # Mean duration of the finished jobs, in milliseconds (None before any finished).
    mean_job_ms: float | None


class AlertPublic(BaseModel):
    marketplace: Marketplace | None
    severity: str
    message: str
    raised_at: datetime
