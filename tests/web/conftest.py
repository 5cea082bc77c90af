"""A running dashboard (API, durable worker, DEMO handlers, SQLite) and headless Chromium.

Chromium is Debian's `/usr/bin/chromium`, driven by Playwright. Locally the tests skip when it is
missing; with CI set they fail. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from stoflow.api.app import create_app
from stoflow.api.keys import create_api_key
from stoflow.api.oauth.apps import OAuthApps
from stoflow.api.server import serving
from stoflow.api.services import ApiServices
from stoflow.handlers.demo import FAIL_FLAG, demo_registry
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.orchestration.worker import Worker, WorkerConfig
from stoflow.store.database import Database
from stoflow.store.migrate import upgrade_shared
from stoflow.store.products import add_product
from stoflow.store.secrets import SecretBox
from stoflow.store.tenants import create_tenant

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass(frozen=True)
class Dashboard:
    url: str
    key: str
    product_ids: list[int]


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[Dashboard]:
    """8 products with photos, the first two flagged so the DEMO eBay handler rejects them once."""
    db = Database(f"sqlite:///{tmp_path}/stoflow.db")
    upgrade_shared(db)
    create_tenant(db, "shop")
    with db.tenant("shop").begin() as conn:
        ids = [
            add_product(
                conn,
                title=f"Vintage denim jacket #{i}",
                price=Decimal("40.00"),
                images=[
                    (f"https://img.example/{i}/1.jpg", False),
                    (f"https://img.example/{i}/tag.jpg", True),
                ],
                attributes={FAIL_FLAG: "yes"} if i < 2 else {},
            )
            for i in range(8)
        ]
    orchestrator = TaskOrchestrator(db, demo_registry(delay_s=0.1))
    worker = Worker(orchestrator, WorkerConfig(concurrency=2, poll_s=0.05, tenant_refresh_s=0.1))
    worker.start()
    try:
        services = ApiServices(
            db=db,
            orchestrator=orchestrator,
            sse_poll_s=0.05,
            box=SecretBox([Fernet.generate_key().decode()]),
            oauth_apps=OAuthApps(_env_file=None),
            media_dir=tmp_path / "media",
        )
        with serving(create_app(services)) as url:
            yield Dashboard(url=url, key=create_api_key(db, "shop"), product_ids=ids)
    finally:
        assert worker.stop(10.0)
        db.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is required in CI: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
