"""DirectAPIJobHandler: the base of handlers for marketplaces with a REST API (eBay, Etsy).

A step asks `self.session(ctx)` for what it works on: the job's product (read fresh from the
database, so a photo flagged internal after planning is still never sent), the seller's account
and the marketplace service, whose client refreshes OAuth tokens on its own. Steps stay thin: they
read task inputs and earlier outputs, call one service method, and return its result.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Engine

from stoflow.config import Settings
from stoflow.domain.clock import Clock, system_clock
from stoflow.domain.errors import PermanentError
from stoflow.domain.product import Product, ProductImage
from stoflow.domain.steps import StepContext
from stoflow.handlers.base import BaseJobHandler
from stoflow.marketplaces.auth.accounts import Account, load_account
from stoflow.marketplaces.images import ImageFetcher
from stoflow.store.database import Database
from stoflow.store.products import load_products
from stoflow.store.secrets import SecretBox


@dataclass(frozen=True, slots=True)
class IntegrationDeps:
    """What the marketplace integrations need from the process that runs them."""

    db: Database
    box: SecretBox
    settings: Settings
    images: ImageFetcher
    clock: Clock = system_clock


ServiceT = TypeVar("ServiceT")


@dataclass(frozen=True, slots=True)
class Session(Generic[ServiceT]):
    engine: Engine  # the tenant's
    account: Account
    service: ServiceT
    product: Product | None


class DirectAPIJobHandler(BaseJobHandler, Generic[ServiceT]):
    """Subclasses set marketplace/action, plan tasks, implement steps and `open_service`."""

    def __init__(self, deps: IntegrationDeps) -> None:
        self.deps = deps

    def open_service(self, engine: Engine, account: Account) -> ServiceT:
        raise NotImplementedError

    async def close_service(self, service: ServiceT) -> None:
        raise NotImplementedError

    def engine(self, ctx: StepContext) -> Engine:
        return self.deps.db.tenant(ctx.job.tenant)

    @asynccontextmanager
    async def session(self, ctx: StepContext) -> AsyncIterator[Session[ServiceT]]:
        engine = self.engine(ctx)
        if ctx.job.account_id is None:
            raise PermanentError(
                f"no {self.marketplace.value} account was chosen for this job: connect one and retry",
                code="account_missing",
            )
        with engine.connect() as conn:
            account = load_account(conn, self.deps.box, ctx.job.account_id)
            product = None
            if ctx.job.product_id is not None:
                product = load_products(conn, [ctx.job.product_id]).get(ctx.job.product_id)
                if product is None:
                    raise PermanentError(
                        f"product {ctx.job.product_id} no longer exists", code="product_missing"
                    )
        if account.marketplace is not self.marketplace:
            raise PermanentError(
                f"account {account.label!r} is on {account.marketplace.value}, not {self.marketplace.value}",
                code="account_mismatch",
            )
        service = self.open_service(engine, account)
        try:
            yield Session(engine=engine, account=account, service=service, product=product)
        finally:
            await self.close_service(service)


def require_product(session: Session[ServiceT]) -> Product:
    if session.product is None:
        raise PermanentError("this operation needs a product", code="product_missing")
    return session.product


def public_image(product: Product, image_id: int) -> ProductImage | None:
    """The image planned for upload if it is still public; None when it became internal or went away.

    Tasks are planned from `Product.public_images`; this second look at run time is what makes
    "internal photos are never uploaded" hold even when the flag changed after planning.
    """
    return next((image for image in product.public_images if image.id == image_id), None)
