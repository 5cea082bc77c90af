"""Starting `stoflow worker` processes and watching their jobs, for the multi-process tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import select

from stoflow.domain.enums import Action, Marketplace
from stoflow.handlers.base import HandlerRegistry
from stoflow.orchestration.batches import BatchRequest
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.store.database import Database
from stoflow.store.tables import batch_jobs
from tests.orchestration.fakes import add_products
from tests.workers.probe_app import ProbeHandler, effects_db

ROOT = Path(__file__).resolve().parents[2]


def start_worker(
    database_url: str,
    effects: Path,
    *,
    args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "STOFLOW_DATABASE_URL": database_url,
        "STOFLOW_WORKER_SETUP": "tests.workers.probe_app:setup",
        "STOFLOW_TEST_EFFECTS": str(effects),
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    command = [sys.executable, "-m", "stoflow.cli.main", "worker", "--poll-seconds", "0.2", *args]
    if log is None:
        return subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    with log.open("ab") as out:  # the child keeps its own descriptor
        return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=out)


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def is_stopped(process: subprocess.Popen[bytes]) -> bool:
    try:
        return bool(psutil.Process(process.pid).status() == psutil.STATUS_STOPPED)
    except psutil.NoSuchProcess:
        return False


def orchestrator(db: Database, effects: Path) -> TaskOrchestrator:
    """The test process only creates batches: the registry plans the same tasks as the workers'."""
    effects_db(effects).close()
    return TaskOrchestrator(db, HandlerRegistry([ProbeHandler(str(effects))]))


def create_batch(orch: TaskOrchestrator, tenant: str, count: int) -> int:
    products = add_products(orch.db.tenant(tenant), count)
    return orch.create_batch(tenant, BatchRequest(Action.PUBLISH, [Marketplace.EBAY], products))


def batch_row(db: Database, tenant: str, batch_id: int) -> Any:
    with db.tenant(tenant).connect() as conn:
        return conn.execute(select(batch_jobs).where(batch_jobs.c.id == batch_id)).one()


def batch_settled(db: Database, tenant: str, batch_id: int) -> bool:
    return batch_row(db, tenant, batch_id).finished_at is not None


def effect_keys(effects: Path) -> list[str]:
    conn = effects_db(effects)
    try:
        return [row[0] for row in conn.execute("SELECT key FROM effects")]
    finally:
        conn.close()


def overlapping_runs(effects: Path) -> list[tuple[int, ...]]:
    """Pairs of executions of the same task whose time intervals overlap."""
    conn = effects_db(effects)
    try:
        return list(
            conn.execute(
                "SELECT a.task_id, a.pid, b.pid FROM step_runs a JOIN step_runs b "
                "ON a.task_id = b.task_id AND a.rowid < b.rowid "
                "WHERE a.started < b.ended AND b.started < a.ended"
            )
        )
    finally:
        conn.close()
