"""The body of `stoflow up`, imported only when the command runs (it pulls in the whole stack)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from rich.console import Console

from stoflow.api.app import create_app
from stoflow.api.demo_setup import DEMO_ETSY_SELLER, ensure_demo_tenant
from stoflow.api.server import serving
from stoflow.api.services import ApiServices
from stoflow.cli.up_command import Handlers
from stoflow.config import Settings, get_settings
from stoflow.domain.enums import Marketplace
from stoflow.handlers.base import HandlerRegistry
from stoflow.handlers.demo import DemoImageFetcher, DemoPublishHandler, demo_registry
from stoflow.handlers.direct_api import IntegrationDeps
from stoflow.handlers.registry_factory import integrations_registry
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.orchestration.worker import Worker, WorkerConfig
from stoflow.sandbox.server import running_sandbox
from stoflow.store.database import Database
from stoflow.store.migrate import upgrade_all
from stoflow.store.secrets import SecretBox

_HANDLERS_NOTE = {
    "demo": "[yellow]Batches run DEMO handlers (simulated steps), not the marketplace integrations.[/]",
    "sandbox": "[yellow]eBay and Etsy batches run the real integrations against the local emulators; "
    "Vinted runs DEMO handlers; photos are a DEMO placeholder image.[/]",
}


def _register_sellers(urls: dict[Marketplace, str]) -> dict[Marketplace, dict[str, Any]]:
    sellers: dict[Marketplace, dict[str, Any]] = {}
    for marketplace, url in urls.items():
        options = DEMO_ETSY_SELLER if marketplace is Marketplace.ETSY else {}
        response = httpx.post(f"{url}/_admin/sellers", json=options, timeout=10)
        response.raise_for_status()
        sellers[marketplace] = response.json()
    return sellers


def _registry(
    handlers: Handlers, db: Database, box: SecretBox, settings: Settings, step_delay: float
) -> HandlerRegistry:
    if handlers is Handlers.DEMO:
        return demo_registry(delay_s=step_delay)
    deps = IntegrationDeps(db=db, box=box, settings=settings, images=DemoImageFetcher())
    registry = integrations_registry(deps)
    registry.register(DemoPublishHandler(Marketplace.VINTED, delay_s=step_delay))
    return registry


def run_up(
    *, host: str, port: int, data_dir: Path, step_delay: float, concurrency: int, handlers: Handlers
) -> None:
    console = Console()
    settings = get_settings()
    if settings.secret_key is None:
        settings = settings.model_copy(update={"key_file": data_dir / "secret.key"})
    db = Database(f"sqlite:///{data_dir / 'stoflow.db'}")
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        upgrade_all(db)
        with running_sandbox() as sandbox:
            urls = {
                Marketplace.EBAY: sandbox.ebay_url,
                Marketplace.ETSY: sandbox.etsy_url,
                Marketplace.VINTED: sandbox.vinted_url,
            }
            settings = settings.model_copy(
                update={
                    "ebay_api_url": sandbox.ebay_url,
                    "ebay_media_url": sandbox.ebay_url,
                    "etsy_api_url": sandbox.etsy_url,
                    "etsy_oauth_url": sandbox.etsy_url,
                }
            )
            box = SecretBox.from_settings(settings)
            demo = ensure_demo_tenant(db, box, _register_sellers(urls))
            registry = _registry(handlers, db, box, settings, step_delay)
            orchestrator = TaskOrchestrator.from_settings(db, registry, settings)
            worker = Worker(orchestrator, WorkerConfig(concurrency=concurrency))
            worker.start()
            try:
                services = ApiServices(
                    db=db, orchestrator=orchestrator, settings=settings, box=box, media_dir=data_dir / "media"
                )
                app = create_app(services)
                with serving(app, host=host, port=port) as url:
                    console.print(
                        f"[bold green]StoFlow is up[/] (tenant [bold]{demo.name}[/], SQLite in {data_dir})"
                    )
                    # soft_wrap: the URL and the key stay on one line whatever the terminal width.
                    console.print(f"Dashboard: {url}/#key={demo.api_key}", soft_wrap=True, highlight=False)
                    console.print(f"API key:   {demo.api_key}", soft_wrap=True, highlight=False)
                    console.print(f"API docs:  {url}/docs")
                    for marketplace, sandbox_url in urls.items():
                        console.print(f"Sandbox {marketplace.value}: {sandbox_url}")
                    console.print(_HANDLERS_NOTE[handlers], highlight=False)
                    console.print("Press Ctrl+C to stop.")
                    stop.wait()
            finally:
                worker.stop(15.0)
    finally:
        db.dispose()
    console.print("stopped")
