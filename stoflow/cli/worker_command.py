"""`stoflow worker`: run a pool of worker slots until SIGTERM/SIGINT."""

from __future__ import annotations

import importlib
import logging
import signal
from dataclasses import dataclass
from types import FrameType
from typing import Any

import typer

from stoflow.config import get_settings
from stoflow.domain.enums import Marketplace
from stoflow.handlers.base import HandlerRegistry
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.orchestration.worker import Worker, WorkerConfig, WorkerHooks, default_owner
from stoflow.store.database import Database
from stoflow.store.tenancy import validate_tenant_name

DEFAULT_SETUP = "stoflow.handlers.registry:default_registry"


@dataclass(frozen=True, slots=True)
class WorkerSetup:
    """What `--setup module:function` may return instead of a bare HandlerRegistry."""

    registry: HandlerRegistry
    hooks: WorkerHooks | None = None


def load_setup(spec: str) -> WorkerSetup:
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise typer.BadParameter(f"{spec!r}: expected module:function", param_hint="--setup")
    try:
        factory: Any = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise typer.BadParameter(f"{spec!r}: {exc}", param_hint="--setup") from None
    made = factory()
    if isinstance(made, HandlerRegistry):
        return WorkerSetup(made)
    if isinstance(made, WorkerSetup):
        return made
    raise typer.BadParameter(f"{spec!r} returned {type(made).__name__}", param_hint="--setup")


def parse_account_concurrency(values: list[str]) -> dict[Marketplace, int]:
    limits: dict[Marketplace, int] = {}
    for value in values:
        name, _, count = value.partition("=")
        try:
            limits[Marketplace(name)] = int(count)
        except ValueError:
            raise typer.BadParameter(
                f"{value!r}: expected marketplace=N", param_hint="--account-concurrency"
            ) from None
    return limits


def worker(
    *,
    concurrency: int = typer.Option(4, min=1, help="Jobs run at once by this process."),
    lease_seconds: float = typer.Option(30.0, min=0.3, help="Lease length; renewed every third."),
    poll_seconds: float | None = typer.Option(None, help="Idle re-check (default 5 s PG, 0.2 s SQLite)."),
    account_concurrency: list[str] = typer.Option(  # noqa: B008 - typer's idiom
        [], help="Max running jobs per seller account, e.g. vinted=1 (repeatable)."
    ),
    tenant: list[str] = typer.Option(  # noqa: B008 - typer's idiom
        [], help="Serve only this tenant (repeatable); default: every tenant."
    ),
    owner: str | None = typer.Option(None, help="Lease owner name (default host:pid:random)."),
    setup: str = typer.Option(DEFAULT_SETUP, envvar="STOFLOW_WORKER_SETUP", help="module:function"),
) -> None:
    """Claim and run due jobs of every tenant until SIGTERM (finishes the task in flight)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    made = load_setup(setup)
    db = Database(settings.database_url, pool_size=concurrency + 2)
    orchestrator = TaskOrchestrator.from_settings(db, made.registry, settings)
    config = WorkerConfig(
        owner=owner or default_owner(),
        concurrency=concurrency,
        lease_s=lease_seconds,
        poll_s=poll_seconds,
        account_concurrency=parse_account_concurrency(account_concurrency),
        tenants=tuple(validate_tenant_name(t) for t in tenant) or None,
    )
    pool = Worker(orchestrator, config, hooks=made.hooks)

    def _graceful(signum: int, frame: FrameType | None) -> None:
        del frame
        logging.getLogger(__name__).info("signal %d: finishing tasks in flight", signum)
        pool.request_stop()

    signal.signal(signal.SIGTERM, _graceful)
    signal.signal(signal.SIGINT, _graceful)
    try:
        pool.run()
    finally:
        db.dispose()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root CLI."""
    app.command("worker")(worker)
