"""Helpers for the integration tests: sellers on the sandbox connected as StoFlow accounts, products,
an in-memory image store, and readers for task rows and listing records."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import Engine, select

from stoflow.config import Settings
from stoflow.domain.clock import ManualClock
from stoflow.domain.enums import Action, Marketplace
from stoflow.domain.errors import PermanentError
from stoflow.handlers.direct_api import IntegrationDeps
from stoflow.handlers.registry_factory import integrations_registry
from stoflow.marketplaces.auth.accounts import add_account
from stoflow.orchestration.batches import BatchRequest
from stoflow.orchestration.orchestrator import JobOutcome, TaskOrchestrator
from stoflow.sandbox.server import Sandbox
from stoflow.store.database import Database
from stoflow.store.products import add_product
from stoflow.store.secrets import SecretBox
from stoflow.store.tables import listing_audit, marketplace_jobs, marketplace_listings, marketplace_tasks

JPEG = b"\xff\xd8\xff\xe0" + b"sandbox-jpeg" * 8 + b"\xff\xd9"


class StaticImageFetcher:
    """Images held in memory by URL; records every URL fetched."""

    def __init__(self) -> None:
        self.fetched: list[str] = []

    async def fetch(self, url: str) -> bytes:
        self.fetched.append(url)
        if "missing" in url:
            raise PermanentError(f"image {url} is not available", code="image_missing")
        return JPEG


@dataclass
class Harness:
    db: Database
    tenant: str
    sandbox: Sandbox
    orch: TaskOrchestrator
    deps: IntegrationDeps
    images: StaticImageFetcher
    clock: ManualClock

    @property
    def engine(self) -> Engine:
        return self.db.tenant(self.tenant)

    def admin(self, marketplace: Marketplace) -> httpx.Client:
        url = self.sandbox.ebay_url if marketplace is Marketplace.EBAY else self.sandbox.etsy_url
        return httpx.Client(base_url=url, timeout=10)

    def add_fault(self, marketplace: Marketplace, **spec: Any) -> None:
        with self.admin(marketplace) as client:
            client.post("/_admin/faults", json=spec).raise_for_status()

    def clear_faults(self, marketplace: Marketplace) -> None:
        with self.admin(marketplace) as client:
            client.delete("/_admin/faults").raise_for_status()

    def calls(self, marketplace: Marketplace, route: str | None = None) -> list[dict[str, Any]]:
        """Calls the emulator served, on one route or all."""
        params = {"route": route} if route else {}
        with self.admin(marketplace) as client:
            calls: list[dict[str, Any]] = client.get("/_admin/calls", params=params).json()["calls"]
            return calls

    def remote_listings(self, marketplace: Marketplace, seller: str) -> list[dict[str, Any]]:
        with self.admin(marketplace) as client:
            found: list[dict[str, Any]] = client.get(f"/_admin/sellers/{seller}/listings").json()["listings"]
            return found

    # -- accounts ---------------------------------------------------------------------------
    def connect_ebay(self, **settings: Any) -> tuple[int, dict[str, Any]]:
        with self.admin(Marketplace.EBAY) as client:
            seller = client.post("/_admin/sellers", json={}).json()
        defaults = {
            "marketplace_id": "EBAY_GB",
            "merchant_location_key": seller["merchant_location_key"],
            "fulfillment_policy_id": seller["fulfillment_policy_id"],
            "payment_policy_id": seller["payment_policy_id"],
            "return_policy_id": seller["return_policy_id"],
        }
        credentials = {k: seller[k] for k in ("client_id", "client_secret", "refresh_token")}
        return self._add_account(
            Marketplace.EBAY, seller["seller_id"], credentials, {**defaults, **settings}
        ), seller

    def connect_etsy(self, **settings: Any) -> tuple[int, dict[str, Any]]:
        with self.admin(Marketplace.ETSY) as client:
            seller = client.post("/_admin/sellers", json={}).json()
        defaults = {
            "shop_id": seller["shop_id"],
            "shipping_profile_id": seller["shipping_profile_id"],
            "return_policy_id": seller["return_policy_id"],
        }
        credentials = {
            "keystring": seller["keystring"],
            "shared_secret": seller["shared_secret"],
            "refresh_token": seller["refresh_token"],
        }
        return self._add_account(
            Marketplace.ETSY, seller["seller_id"], credentials, {**defaults, **settings}
        ), seller

    def _add_account(
        self,
        marketplace: Marketplace,
        label: str,
        credentials: Mapping[str, Any],
        settings: Mapping[str, Any],
    ) -> int:
        with self.engine.begin() as conn:
            return add_account(
                conn,
                self.deps.box,
                marketplace=marketplace,
                label=label,
                credentials=credentials,
                settings=settings,
                now=self.clock(),
            )

    # -- products and batches ---------------------------------------------------------------
    def add_dress(
        self, title: str = "Vintage 1970s floral midi dress", *, internal_photo: bool = True
    ) -> int:
        images = [("https://img.example/front.jpg", False)]
        if internal_photo:
            images.append(("https://img.example/price-label.jpg", True))
        images.append(("https://img.example/back.jpg", False))
        with self.engine.begin() as conn:
            return add_product(
                conn,
                title=title,
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
                images=images,
                clock=self.clock,
            )

    def batch(
        self,
        action: Action,
        accounts: Mapping[Marketplace, int],
        products: list[int],
        params: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Create a batch; its job ids in creation order."""
        batch_id = self.orch.create_batch(
            self.tenant,
            BatchRequest(action, list(accounts), products, account_ids=dict(accounts), params=params or {}),
        )
        with self.engine.connect() as conn:
            return list(
                conn.scalars(
                    select(marketplace_jobs.c.id)
                    .where(marketplace_jobs.c.batch_job_id == batch_id)
                    .order_by(marketplace_jobs.c.id)
                )
            )

    def run_until_settled(self, job_id: int, *, max_runs: int = 12) -> list[JobOutcome]:
        """Run the job again after every retry or wait, as a worker would once next_run_at comes."""
        outcomes: list[JobOutcome] = []
        for _ in range(max_runs):
            outcome = self.orch.run_job(self.tenant, job_id)
            outcomes.append(outcome)
            if outcome not in (JobOutcome.RETRY_SCHEDULED, JobOutcome.WAITING):
                return outcomes
        return outcomes

    # -- reading results --------------------------------------------------------------------
    def job(self, job_id: int) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(marketplace_jobs).where(marketplace_jobs.c.id == job_id)).one()

    def tasks(self, job_id: int) -> list[Any]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(marketplace_tasks)
                    .where(marketplace_tasks.c.job_id == job_id)
                    .order_by(marketplace_tasks.c.step_order)
                )
            )

    def task_summary(self, job_id: int) -> list[tuple[str, str]]:
        return [(t.name, t.status) for t in self.tasks(job_id)]

    def listing(self, account_id: int, product_id: int) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                select(marketplace_listings).where(
                    marketplace_listings.c.account_id == account_id,
                    marketplace_listings.c.product_id == product_id,
                )
            ).one_or_none()

    def audit(self, product_id: int) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.scalars(
                    select(listing_audit.c.change)
                    .where(listing_audit.c.product_id == product_id)
                    .order_by(listing_audit.c.id)
                )
            )


def make_harness(db: Database, tenant: str, sandbox: Sandbox) -> Harness:
    clock = ManualClock()
    images = StaticImageFetcher()
    settings = Settings(
        secret_key=SecretBox.generate_key(),
        ebay_api_url=sandbox.ebay_url,
        ebay_media_url=sandbox.ebay_url,
        etsy_api_url=sandbox.etsy_url,
        etsy_oauth_url=sandbox.etsy_url,
        marketplace_timeout_s=5.0,
    )
    deps = IntegrationDeps(
        db=db, box=SecretBox.from_settings(settings), settings=settings, images=images, clock=clock
    )
    orch = TaskOrchestrator(db, integrations_registry(deps), clock=clock, rng=random.Random(5))
    return Harness(db, tenant, sandbox, orch, deps, images, clock)
