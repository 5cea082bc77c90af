"""The handler set that `stoflow worker --setup tests.workers.probe_app:setup` runs in tests.

Steps record what they do in a separate SQLite file (STOFLOW_TEST_EFFECTS), outside StoFlow's
database, like a marketplace would: `effects` holds one row per listing created (keyed like a SKU),
`step_runs` one row per step execution with its start and end, so a test can prove that a side
effect happened exactly once and that no task ever ran concurrently with itself.

Fault injection, from the environment:
  STOFLOW_TEST_STOP_AT  "claimed", "finished" or "<step>:start" / "<step>:end": the worker stops
                        itself (SIGSTOP) there once, for the harness to SIGKILL it.
  STOFLOW_TEST_MARKER   the file whose creation records that the stop happened.
  STOFLOW_TEST_DELAY_S  seconds each step takes (default 0).
  STOFLOW_TEST_SLOW     "<step>=<seconds>": that step is slow on a job's first attempt.
  STOFLOW_TEST_RATE     "<key>=<per second>": create_listing takes a permit from that shared rate
                        limit first, like a marketplace call, and records when it got it (`permits`).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from stoflow.cli.worker_command import WorkerSetup
from stoflow.domain.enums import Action, Marketplace, StepType
from stoflow.domain.steps import JobPlan, Step, StepContext, StepFn, TaskSpec
from stoflow.handlers.base import BaseJobHandler, HandlerRegistry
from stoflow.orchestration.claim import ClaimedJob
from stoflow.orchestration.limits import RateLimit, RateLimiter
from stoflow.orchestration.orchestrator import JobOutcome
from stoflow.store.database import Database

STEPS = ("validate", "map_data", "create_listing", "save_result")
STOP_POINTS = ("claimed", *(f"{s}:{edge}" for s in STEPS for edge in ("start", "end")), "finished")


def effects_db(path: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("CREATE TABLE IF NOT EXISTS effects (key TEXT, job_id INTEGER, pid INTEGER)")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS step_runs (task_id INTEGER, pid INTEGER, started REAL, ended REAL)"
    )
    conn.execute("CREATE TABLE IF NOT EXISTS permits (granted REAL, pid INTEGER)")
    return conn


def _stop_here(point: str) -> None:
    if os.environ.get("STOFLOW_TEST_STOP_AT") != point:
        return
    marker = Path(os.environ["STOFLOW_TEST_MARKER"])
    if marker.exists():
        return
    marker.write_text(point)
    os.kill(os.getpid(), signal.SIGSTOP)


class ProbeHandler(BaseJobHandler):
    marketplace: ClassVar[Marketplace] = Marketplace.EBAY
    action: ClassVar[Action] = Action.PUBLISH

    def __init__(self, effects: str | None = None) -> None:
        self.effects = effects or os.environ["STOFLOW_TEST_EFFECTS"]
        self.delay_s = float(os.environ.get("STOFLOW_TEST_DELAY_S", "0"))
        self.limiter: tuple[RateLimiter, RateLimit] | None = None
        rate = os.environ.get("STOFLOW_TEST_RATE", "")
        if rate:
            key, _, per_second = rate.partition("=")
            limiter = RateLimiter(Database(os.environ["STOFLOW_DATABASE_URL"], pool_size=1))
            self.limiter = (limiter, RateLimit(key, float(per_second), burst=2.0))
        slow = os.environ.get("STOFLOW_TEST_SLOW", "")
        self.slow: dict[str, float] = {}
        if slow:
            name, _, seconds = slow.partition("=")
            self.slow[name] = float(seconds)

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        return [TaskSpec(StepType(name), name, is_idempotent=name != "create_listing") for name in STEPS]

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType(name): Step(self._step(name), probe=self._probe if name == "create_listing" else None)
            for name in STEPS
        }

    def _step(self, name: str) -> StepFn:
        def run(ctx: StepContext) -> dict[str, Any]:
            _stop_here(f"{name}:start")
            granted = self._permit() if name == "create_listing" else None
            started = time.time()
            pause = self.delay_s + (self.slow.get(name, 0.0) if ctx.job.attempt == 1 else 0.0)
            if pause:
                time.sleep(pause)
            conn = effects_db(self.effects)
            try:
                if name == "create_listing":
                    conn.execute("INSERT INTO effects VALUES (?, ?, ?)", (_key(ctx), ctx.job.id, os.getpid()))
                    ctx.record_side_effect("listing_created", key=_key(ctx))
                if granted is not None:
                    conn.execute("INSERT INTO permits VALUES (?, ?)", (granted, os.getpid()))
                conn.execute(
                    "INSERT INTO step_runs VALUES (?, ?, ?, ?)",
                    (ctx.task_id, os.getpid(), started, time.time()),
                )
            finally:
                conn.close()
            _stop_here(f"{name}:end")
            return {"step": name, "key": _key(ctx)}

        return run

    def _permit(self) -> float | None:
        if self.limiter is None:
            return None
        limiter, limit = self.limiter
        limiter.acquire(limit, max_wait_s=5.0)
        return time.time()

    def _probe(self, ctx: StepContext) -> dict[str, Any] | None:
        conn = effects_db(self.effects)
        try:
            found = conn.execute("SELECT 1 FROM effects WHERE key = ?", (_key(ctx),)).fetchone()
        finally:
            conn.close()
        return {"step": "create_listing", "key": _key(ctx), "adopted": True} if found else None


def _key(ctx: StepContext) -> str:
    return f"{ctx.job.tenant}:{ctx.job.product_id}"


class StopHooks:
    def on_claimed(self, claim: ClaimedJob) -> None:
        del claim
        _stop_here("claimed")

    def on_finished(self, claim: ClaimedJob, outcome: JobOutcome) -> None:
        del claim, outcome
        _stop_here("finished")


def setup() -> WorkerSetup:
    return WorkerSetup(HandlerRegistry([ProbeHandler()]), hooks=StopHooks())
