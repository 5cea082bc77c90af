"""What the API needs at run time, built once per process and kept on `app.state`."""

from __future__ import annotations

from dataclasses import dataclass

from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.store.database import Database


@dataclass(frozen=True, slots=True)
class ApiServices:
    db: Database
    orchestrator: TaskOrchestrator
    # Seconds between two reads of a batch by its server-sent events stream.
    sse_poll_s: float = 0.25
