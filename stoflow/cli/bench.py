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
    from stoflow.orchestration.bench import run_orchestrator_bench

    _emit(
        run_orchestrator_bench(get_settings().database_url, jobs=jobs, tasks_per_job=tasks_per_job), as_json
    )


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
