"""An API client per tenant over the `db` fixture, with the DEMO handlers and a stopgap runner."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from stoflow.api.app import create_app
from stoflow.api.keys import create_api_key
from stoflow.api.server import serving
from stoflow.api.services import ApiServices
from stoflow.handlers.demo import FAIL_FLAG, demo_registry
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.orchestration.worker import Worker, WorkerConfig
from stoflow.store.database import Database
from stoflow.store.products import add_product
from stoflow.store.tenants import create_tenant, drop_tenant

STEP_DELAY_S = 0.02


@pytest.fixture
def orchestrator(db: Database) -> TaskOrchestrator:
    return TaskOrchestrator(db, demo_registry(delay_s=STEP_DELAY_S))


@pytest.fixture
def services(db: Database, orchestrator: TaskOrchestrator, tmp_path: Path) -> ApiServices:
    return ApiServices(db=db, orchestrator=orchestrator, sse_poll_s=0.02, media_dir=tmp_path / "media")


@pytest.fixture
def base_url(services: ApiServices) -> Iterator[str]:
    """The application served over real HTTP on a free loopback port."""
    with serving(create_app(services)) as url:
        yield url


def _client(base_url: str, services: ApiServices, tenant: str) -> httpx.Client:
    key = create_api_key(services.db, tenant)
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


@pytest.fixture
def client(base_url: str, services: ApiServices, tenant: str) -> Iterator[httpx.Client]:
    with _client(base_url, services, tenant) as c:
        yield c


@pytest.fixture
def other_client(base_url: str, services: ApiServices) -> Iterator[httpx.Client]:
    """A client of a second tenant, to prove that tenants never see each other's objects."""
    name = f"o{uuid.uuid4().hex[:12]}"
    create_tenant(services.db, name)
    with _client(base_url, services, name) as c:
        yield c
    drop_tenant(services.db, name)


def start_worker(orchestrator: TaskOrchestrator) -> Worker:
    worker = Worker(orchestrator, WorkerConfig(concurrency=2, poll_s=0.02, tenant_refresh_s=0.05))
    worker.start()
    return worker


@pytest.fixture
def worker(orchestrator: TaskOrchestrator) -> Iterator[Worker]:
    """The durable worker, running the DEMO handlers."""
    running = start_worker(orchestrator)
    yield running
    assert running.stop(10.0)


@pytest.fixture
def make_products(db: Database, tenant: str) -> Callable[..., list[int]]:
    def make(count: int, *, failing: int = 0, images: int = 2) -> list[int]:
        with db.tenant(tenant).begin() as conn:
            return [
                add_product(
                    conn,
                    title=f"Levi's 501 W32 #{i}",
                    price=Decimal("25.00"),
                    images=[(f"https://img.example/{i}/{n}.jpg", n == images) for n in range(1, images + 1)],
                    attributes={FAIL_FLAG: "yes"} if i < failing else {},
                )
                for i in range(count)
            ]

    return make


def wait_until(check: Callable[[], Any], *, timeout_s: float = 20.0, every_s: float = 0.02) -> Any:
    """Poll `check` until it returns a truthy value; fail after the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout_s}s (last value {value!r})")
        time.sleep(every_s)


def settled(client: httpx.Client, batch_id: int) -> Callable[[], dict[str, Any] | None]:
    def check() -> dict[str, Any] | None:
        batch: dict[str, Any] = client.get(f"/api/batches/{batch_id}").json()
        return batch if batch["status"] not in ("pending", "running") else None

    return check
