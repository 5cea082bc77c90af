"""`stoflow worker` with its default setup (stoflow.handlers.registry:default_registry), as a real
process configured only through the environment, publishes a product to the sandbox's eBay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from stoflow.config import Settings
from stoflow.domain.clock import system_clock
from stoflow.domain.enums import Action, JobStatus, Marketplace
from stoflow.handlers.direct_api import IntegrationDeps
from stoflow.handlers.registry_factory import integrations_registry
from stoflow.marketplaces.auth.accounts import add_account
from stoflow.marketplaces.images import HttpImageFetcher
from stoflow.orchestration.batches import BatchRequest
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.sandbox.server import Sandbox
from stoflow.store.database import Database
from stoflow.store.products import add_product
from stoflow.store.secrets import SecretBox
from stoflow.store.tables import marketplace_jobs
from tests.integrations.https_images import https_image_server

JOB_DEADLINE_S = 45.0
STOFLOW = Path(sys.executable).with_name("stoflow")  # the console script installed beside python


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only (overrides the conftest's parametrized fixture): the worker process gets its URL."""
    return f"sqlite:///{tmp_path}/stoflow.db"


def worker_env(settings: Settings, cert_file: Path) -> dict[str, str]:
    """Everything the worker knows comes from here, through stoflow.config.Settings."""
    assert settings.secret_key is not None
    return {
        **os.environ,
        "STOFLOW_DATABASE_URL": settings.database_url,
        "STOFLOW_SECRET_KEY": settings.secret_key.get_secret_value(),
        "STOFLOW_EBAY_API_URL": settings.ebay_api_url,
        "STOFLOW_EBAY_MEDIA_URL": settings.ebay_media_url,
        "STOFLOW_ETSY_API_URL": settings.etsy_api_url,
        "STOFLOW_ETSY_OAUTH_URL": settings.etsy_oauth_url,
        "STOFLOW_MARKETPLACE_TIMEOUT_S": "10",
        "SSL_CERT_FILE": str(cert_file),  # trust the test's image server, and only in this process
    }


def connect_ebay(db: Database, tenant: str, box: SecretBox, sandbox: Sandbox) -> tuple[int, str]:
    """A seller registered on the sandbox, connected through the account store."""
    with httpx.Client(base_url=sandbox.ebay_url, timeout=10) as admin:
        seller = admin.post("/_admin/sellers", json={}).raise_for_status().json()
    policies = ("merchant_location_key", "fulfillment_policy_id", "payment_policy_id", "return_policy_id")
    with db.tenant(tenant).begin() as conn:
        account = add_account(
            conn,
            box,
            marketplace=Marketplace.EBAY,
            label=seller["seller_id"],
            credentials={k: seller[k] for k in ("client_id", "client_secret", "refresh_token")},
            settings={"marketplace_id": "EBAY_GB", **{k: seller[k] for k in policies}},
            now=system_clock(),
        )
    return account, str(seller["seller_id"])


def add_dress(db: Database, tenant: str, image_url: str) -> int:
    with db.tenant(tenant).begin() as conn:
        return add_product(
            conn,
            title="Vintage 1970s floral midi dress",
            price=Decimal("48"),
            currency="GBP",
            description="Flowing midi dress.",
            category="dress",
            gender="women",
            brand="Laura Ashley",
            size="S",
            condition=7,
            colors=["Green"],
            materials=["Cotton"],
            era="1970s",
            images=[(image_url, False)],
        )


@contextmanager
def worker_process(env: dict[str, str], log: Path, cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`stoflow worker` with no --setup; stopped with SIGTERM (graceful), killed only if it hangs."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(STOFLOW), "worker", "--concurrency", "1", "--poll-seconds", "0.1"],
            env=env,
            cwd=cwd,  # no stray .env from the checkout
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def wait_for_job(db: Database, tenant: str, job_id: int, process: subprocess.Popen[bytes]) -> str:
    """Bounded poll of the job row until it settles (or the worker died)."""
    deadline = time.monotonic() + JOB_DEADLINE_S
    status = ""
    while time.monotonic() < deadline and process.poll() is None:
        with db.tenant(tenant).connect() as conn:
            status = str(
                conn.scalar(select(marketplace_jobs.c.status).where(marketplace_jobs.c.id == job_id))
            )
        if status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED):
            return status
        time.sleep(0.1)
    return status


def test_worker_with_the_default_setup_publishes_to_ebay(
    db: Database, tenant: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=str(db.url.render_as_string(hide_password=False)),
        secret_key=SecretBox.generate_key(),
        ebay_api_url=sandbox.ebay_url,
        ebay_media_url=sandbox.ebay_url,
        etsy_api_url=sandbox.etsy_url,
        etsy_oauth_url=sandbox.etsy_url,
    )
    box = SecretBox.from_settings(settings)
    # The batch is planned here with the same registry the worker will build (create_batch checks
    # that a handler exists for each marketplace/action); the worker process runs it.
    deps = IntegrationDeps(db=db, box=box, settings=settings, images=HttpImageFetcher())
    orchestrator = TaskOrchestrator(db, integrations_registry(deps))
    account, seller = connect_ebay(db, tenant, box, sandbox)

    with https_image_server(tmp_path) as images:
        product = add_dress(db, tenant, f"{images.base_url}/dress-front.jpg")
        batch = orchestrator.create_batch(
            tenant,
            BatchRequest(
                Action.PUBLISH, [Marketplace.EBAY], [product], account_ids={Marketplace.EBAY: account}
            ),
        )
        with db.tenant(tenant).connect() as conn:
            [job] = conn.scalars(
                select(marketplace_jobs.c.id).where(marketplace_jobs.c.batch_job_id == batch)
            )
        log = tmp_path / "worker.log"
        with worker_process(worker_env(settings, images.cert_file), log, tmp_path) as process:
            status = wait_for_job(db, tenant, job, process)

    assert status == JobStatus.COMPLETED, log.read_text()[-4000:]
    with httpx.Client(base_url=sandbox.ebay_url, timeout=10) as admin:
        listings = admin.get(f"/_admin/sellers/{seller}/listings").json()["listings"]
    assert [(item["sku"], item["state"]) for item in listings] == [(f"SF{product}EB", "ACTIVE")]
    assert process.returncode == 0  # SIGTERM: finished what it had, released, exited cleanly
