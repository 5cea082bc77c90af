"""`stoflow bench ...`: benchmarks that print their figures next to a floor from the same run."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from stoflow.config import get_settings

bench_app = typer.Typer(
    help="Benchmarks (figures next to a floor measured in the same run).", no_args_is_help=True
)
console = Console()


def _emit(figures: dict[str, object], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    table = Table("figure", "value")
    for key, value in figures.items():
        table.add_row(key, str(value))
    console.print(table)


@bench_app.command("orchestrator")
def orchestrator(
    jobs: int = typer.Option(1000, min=1, help="jobs in the batch"),
    tasks_per_job: int = typer.Option(8, min=1, help="no-op tasks per job"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Batch creation cost and task execution rate against raw UPDATE+COMMIT."""
    from stoflow.benchmarks.orchestrator import run_orchestrator_bench

    _emit(
        run_orchestrator_bench(get_settings().database_url, jobs=jobs, tasks_per_job=tasks_per_job), as_json
    )


@bench_app.command("workers")
def workers(
    processes: str = typer.Option("1,2,4", help="worker process counts to measure, comma-separated"),
    jobs: int = typer.Option(500, min=1, help="jobs per measured run"),
    latency_samples: int = typer.Option(40, min=1, help="single-job batches timed from enqueue to start"),
    memory_tasks: int = typer.Option(100_000, min=10_000, help="tasks run before the last RSS reading"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """End-to-end worker processes: tasks/s, enqueue-to-start latency and RSS, next to the floor."""
    from stoflow.benchmarks.workers import run_workers_bench

    try:
        counts = tuple(int(p) for p in processes.split(",") if p.strip())
    except ValueError:
        raise typer.BadParameter(
            "use comma-separated integers, e.g. 1,2,4", param_hint="--processes"
        ) from None
    figures = run_workers_bench(
        get_settings().database_url,
        process_counts=counts,
        jobs_per_run=jobs,
        latency_samples=latency_samples,
        memory_tasks=memory_tasks,
    )
    _emit(figures, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
