"""`stoflow worker` processes against one database: concurrency, crashes, zombies, shutdown.

Every test starts real worker processes (`python -m stoflow.cli.main worker`) and stops them by pid.
Side effects are recorded by the probe app's steps in a separate SQLite file (see probe_app.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from stoflow.domain.enums import BatchStatus, JobStatus
from stoflow.store.database import Database
from stoflow.store.tables import marketplace_jobs, marketplace_tasks
from stoflow.store.tenants import create_tenant, drop_tenant
from tests.workers.harness import (
    batch_row,
    batch_settled,
    create_batch,
    effect_keys,
    is_stopped,
    kill,
    orchestrator,
    overlapping_runs,
    start_worker,
    wait_for,
)
from tests.workers.probe_app import STOP_POINTS, effects_db

pytestmark = pytest.mark.slow


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if is_stopped(process):
            os.kill(process.pid, signal.SIGCONT)
        kill(process)


def test_three_workers_complete_a_batch_exactly_once(
    db: Database, tenant: str, database_url: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    effects = tmp_path / "effects.db"
    orch = orchestrator(db, effects)
    batch_id = create_batch(orch, tenant, 60)
    for _ in range(3):
        workers.append(
            start_worker(
                database_url, effects, args=["--concurrency", "2"], env={"STOFLOW_TEST_DELAY_S": "0.002"}
            )
        )
    wait_for(lambda: batch_settled(db, tenant, batch_id), 90, "the batch to settle")
    batch = batch_row(db, tenant, batch_id)
    assert (batch.status, batch.completed_count, batch.failed_count) == (BatchStatus.COMPLETED, 60, 0)
    keys = effect_keys(effects)
    assert len(keys) == len(set(keys)) == 60
    assert overlapping_runs(effects) == []
    with db.tenant(tenant).connect() as conn:
        runs = list(conn.scalars(select(marketplace_tasks.c.attempts)))
    assert runs == [1] * 240  # no task ran twice


def test_crash_at_every_commit_point_then_restart_completes_each_job_once(
    db: Database, database_url: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    # One tenant and one worker per stop point, all at once (the worker serves only its tenant).
    cases: list[tuple[str, str, int, Path, Path]] = []
    try:
        for point in STOP_POINTS:
            tenant = f"c{uuid.uuid4().hex[:10]}"
            create_tenant(db, tenant)
            effects = tmp_path / f"{tenant}.db"
            batch_id = create_batch(orchestrator(db, effects), tenant, 2)
            cases.append((point, tenant, batch_id, effects, tmp_path / f"{tenant}.marker"))
        first = [
            start_worker(
                database_url,
                effects,
                args=["--concurrency", "1", "--lease-seconds", "1", "--tenant", tenant],
                env={"STOFLOW_TEST_STOP_AT": point, "STOFLOW_TEST_MARKER": str(marker)},
                log=marker.with_suffix(".log"),
            )
            for point, tenant, _, effects, marker in cases
        ]
        workers.extend(first)
        # When each worker reaches its stop point, it is killed there
        for process, (point, *_rest) in zip(first, cases, strict=True):
            wait_for(lambda p=process: is_stopped(p), 60, f"the worker to stop at {point}")  # type: ignore[misc]
            kill(process)
        # Then a fresh worker takes over once the lease has expired and finishes every job
        for point, tenant, _, effects, marker in cases:
            workers.append(
                start_worker(
                    database_url,
                    effects,
                    args=["--concurrency", "1", "--lease-seconds", "1", "--tenant", tenant],
                    env={"STOFLOW_TEST_STOP_AT": point, "STOFLOW_TEST_MARKER": str(marker)},
                )
            )
        for point, tenant, batch_id, effects, _ in cases:
            wait_for(lambda t=tenant, b=batch_id: batch_settled(db, t, b), 60, f"recovery after {point}")  # type: ignore[misc]
            batch = batch_row(db, tenant, batch_id)
            assert (batch.status, batch.completed_count) == (BatchStatus.COMPLETED, 2), point
            keys = effect_keys(effects)
            assert len(keys) == len(set(keys)) == 2, (point, keys)
    finally:
        for process in workers:
            kill(process)
        for _, tenant, *_ in cases:
            drop_tenant(db, tenant)


def test_a_zombie_worker_is_fenced_out_and_the_successor_wins(
    db: Database, tenant: str, database_url: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    effects = tmp_path / "effects.db"
    log_a = tmp_path / "worker_a.log"
    batch_id = create_batch(orchestrator(db, effects), tenant, 1)
    common = ["--concurrency", "1", "--lease-seconds", "1"]
    # Given worker A in a slow first step (the job's first attempt)
    a = start_worker(
        database_url,
        effects,
        args=[*common, "--owner", "A"],
        env={"STOFLOW_TEST_SLOW": "validate=4"},
        log=log_a,
    )
    workers.append(a)
    # Freeze A only once its first step is running: the claim's commit comes just before the
    # transaction that starts the job, and a process frozen inside a transaction holds its locks.
    wait_for(
        lambda: _job(db, tenant).lease_owner == "A" and _task_states(db, tenant)[0] == "running",
        30,
        "worker A to be inside its first step",
    )
    # When A is frozen past its lease and B takes the job over and finishes it
    os.kill(a.pid, signal.SIGSTOP)
    workers.append(start_worker(database_url, effects, args=[*common, "--owner", "B"]))
    wait_for(lambda: batch_settled(db, tenant, batch_id), 60, "worker B to finish the job")
    finished = _job(db, tenant)
    # Then A, resumed, has every write rejected: the outcome stays B's
    os.kill(a.pid, signal.SIGCONT)
    wait_for(lambda: "lease lost" in log_a.read_text(), 30, "worker A to notice its lease is gone")
    after = _job(db, tenant)
    assert (after.status, after.lease_token, after.result) == (JobStatus.COMPLETED, 2, finished.result)
    assert after.attempts == finished.attempts == 2
    assert batch_row(db, tenant, batch_id).completed_count == 1
    assert len(effect_keys(effects)) == 1


def test_sigterm_finishes_the_task_in_flight_and_releases_the_job(
    db: Database, tenant: str, database_url: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    effects = tmp_path / "effects.db"
    create_batch(orchestrator(db, effects), tenant, 1)
    worker = start_worker(
        database_url, effects, args=["--concurrency", "1"], env={"STOFLOW_TEST_SLOW": "map_data=1.5"}
    )
    workers.append(worker)
    wait_for(lambda: _task_states(db, tenant)[1] == "running", 30, "map_data to start")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
    assert _task_states(db, tenant) == ["completed", "completed", "pending", "pending"]
    job = _job(db, tenant)
    assert (job.status, job.lease_owner, job.lease_expires_at, job.attempts) == (
        JobStatus.PENDING,
        None,
        None,
        0,
    )


@pytest.mark.postgres
def _restart_local_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(
        ["/usr/bin/pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists("/usr/bin/pg_ctlcluster") or not os.path.isdir("/etc/postgresql"),
    reason="restarting the server needs root and the local Debian cluster",
)
def test_workers_finish_a_batch_across_a_real_postgresql_restart(
    pg_url: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    # The real thing: the server goes down and comes back while two workers are mid-batch.
    db = Database(pg_url)
    tenant = f"r{uuid.uuid4().hex[:10]}"
    create_tenant(db, tenant)
    try:
        effects = tmp_path / "effects.db"
        batch_id = create_batch(orchestrator(db, effects), tenant, 60)
        for _ in range(2):
            workers.append(
                start_worker(
                    pg_url,
                    effects,
                    args=["--concurrency", "2", "--lease-seconds", "2", "--tenant", tenant],
                    env={"STOFLOW_TEST_DELAY_S": "0.01"},
                )
            )
        wait_for(lambda: batch_row(db, tenant, batch_id).completed_count >= 5, 60, "progress")
        _restart_local_postgresql()
        wait_for(lambda: batch_settled(db, tenant, batch_id), 120, "the batch to finish after the restart")
        batch = batch_row(db, tenant, batch_id)
        assert (batch.status, batch.completed_count) == (BatchStatus.COMPLETED, 60)
        keys = effect_keys(effects)
        assert len(keys) == len(set(keys)) == 60
        assert all(w.poll() is None for w in workers)  # the workers rode it out, nobody restarted them
    finally:
        drop_tenant(db, tenant)
        db.dispose()


def _job(db: Database, tenant: str) -> Any:
    with db.tenant(tenant).connect() as conn:
        return conn.execute(select(marketplace_jobs)).one()


def _task_states(db: Database, tenant: str) -> list[str]:
    with db.tenant(tenant).connect() as conn:
        return list(conn.scalars(select(marketplace_tasks.c.status).order_by(marketplace_tasks.c.step_order)))


def test_three_workers_running_limited_steps_keep_to_the_shared_rate(
    db: Database, tenant: str, database_url: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    # Given 3 worker processes x 2 slots whose create_listing step takes a permit of R per second
    rate, jobs = 15.0, 75
    effects = tmp_path / "effects.db"
    batch_id = create_batch(orchestrator(db, effects), tenant, jobs)
    key = f"app:{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        workers.append(
            start_worker(
                database_url,
                effects,
                args=["--concurrency", "2", "--tenant", tenant],
                env={"STOFLOW_TEST_RATE": f"{key}={rate}"},
            )
        )
    wait_for(lambda: batch_settled(db, tenant, batch_id), 120, "the rate-limited batch")
    assert batch_row(db, tenant, batch_id).completed_count == jobs
    conn = effects_db(effects)
    try:
        granted = sorted(t for (t,) in conn.execute("SELECT granted FROM permits"))
        pids = {pid for (pid,) in conn.execute("SELECT DISTINCT pid FROM permits")}
    finally:
        conn.close()
    # Then together they never exceed R per second (plus the burst of 2) ...
    assert len(granted) == jobs
    assert len(pids) >= 2  # the budget really was shared between processes
    for i, start in enumerate(granted):
        in_window = sum(1 for t in granted[i:] if t < start + 1.0)
        assert in_window <= rate + 2, (start, in_window)
    # ... and, work being plentiful, use at least 80% of it
    span = granted[-1] - granted[0]
    assert (len(granted) - 2) / span >= 0.8 * rate
