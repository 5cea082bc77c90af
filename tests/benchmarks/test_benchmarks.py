"""The benchmark commands run end to end on small inputs, so they cannot rot between measurements."""

from __future__ import annotations

from stoflow.benchmarks.orchestrator import run_orchestrator_bench
from stoflow.benchmarks.workers import run_workers_bench
from stoflow.store.database import Database


def test_orchestrator_bench_reports_its_figures_and_cleans_up(database_url: str) -> None:
    figures = run_orchestrator_bench(database_url, jobs=6, tasks_per_job=3)
    assert figures["jobs"] == 6
    assert figures["tasks_per_job"] == 3
    for key in (
        "create_ms_per_task",
        "exec_tasks_per_s",
        "floor_commits_per_s",
        "exec_vs_floor",
        "floor_autocommit_commits_per_s",
        "exec_vs_autocommit_floor",
    ):
        assert figures[key] > 0, key
    db = Database(database_url)
    try:
        assert not [name for name in db.tenant_names() if name.startswith("bench_")]
    finally:
        db.dispose()


def test_workers_bench_runs_real_worker_processes(pg_url: str) -> None:
    # The workers benchmark is specified for PostgreSQL; one small run proves the command works.
    figures = run_workers_bench(
        pg_url, process_counts=(1,), jobs_per_run=3, latency_samples=2, memory_tasks=16
    )
    assert figures["floor_commits_per_s"] > 0
    assert figures["exec_tasks_per_s"]["1"] > 0
    assert figures["enqueue_to_start_ms"]["samples"] == 2
    assert list(figures["worker_rss_mb"]) == ["after_16_tasks"]
