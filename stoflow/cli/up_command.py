"""`stoflow up`: API, dashboard, worker and marketplace sandbox in one process, on SQLite.

Everything a first look needs: a demo tenant with products and photos, sandbox accounts, the
durable worker running the DEMO handlers (simulated steps, see stoflow.handlers.demo), and the
dashboard URL with an API key.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

DATA_DIR = Path("var/demo")


class Handlers(StrEnum):
    DEMO = "demo"  # DEMO handlers: simulated steps, a deterministic failure that a retry fixes
    SANDBOX = "sandbox"  # the real eBay and Etsy integrations against the emulators; Vinted stays DEMO


def up(
    *,
    host: Annotated[str, typer.Option(help="Address of the API and dashboard.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the API and dashboard (0 picks a free one).")] = 8000,
    data_dir: Annotated[Path, typer.Option(help="Where the demo's SQLite files and key live.")] = DATA_DIR,
    step_delay: Annotated[float, typer.Option(min=0.0, max=10.0, help="Seconds each DEMO step takes.")] = 0.3,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Worker slots.")] = 4,
    handlers: Annotated[Handlers, typer.Option(help="demo: simulated steps; sandbox: real eBay/Etsy.")] = (
        Handlers.DEMO
    ),
) -> None:
    """Run the whole system locally with demo data; Ctrl+C stops it."""
    from stoflow.cli.up_runner import run_up  # the whole stack, loaded only for this command

    run_up(
        host=host,
        port=port,
        data_dir=data_dir,
        step_delay=step_delay,
        concurrency=concurrency,
        handlers=handlers,
    )


def register(app: typer.Typer) -> None:
    """Add `stoflow up` to the root CLI."""
    app.command("up")(up)
