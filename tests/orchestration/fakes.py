"""A fake marketplace and configurable handlers for orchestrator tests.

The fake keeps listings in memory keyed by a deterministic key, like a marketplace keyed by SKU, and
counts every call, so tests can assert that a side effect happened exactly once.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import Engine

from stoflow.domain.enums import Action, Marketplace, StepType
from stoflow.domain.errors import StepError
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.base import BaseJobHandler
from stoflow.store.products import add_product


@dataclass
class FakeMarketplace:
    listings: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    # Errors to raise on the next calls of a step name, consumed in order.
    failures: dict[str, list[BaseException]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, step: str, *errors: BaseException) -> None:
        self.failures.setdefault(step, []).extend(errors)

    def take_failure(self, step: str) -> BaseException | None:
        with self.lock:
            queue = self.failures.get(step)
            return queue.pop(0) if queue else None

    def count(self, name: str) -> None:
        with self.lock:
            self.calls[name] += 1


class FakePublishHandler(BaseJobHandler):
    """validate -> map_data -> create_listing (side effect, probed) -> save_result."""

    marketplace: ClassVar[Marketplace] = Marketplace.EBAY
    action: ClassVar[Action] = Action.PUBLISH

    def __init__(
        self, market: FakeMarketplace, hooks: Mapping[str, Callable[[StepContext], None]] | None = None
    ):
        self.market = market
        self.hooks = dict(hooks or {})

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        assert plan.product is not None
        return [
            TaskSpec(StepType.VALIDATE, "validate", {"product_id": plan.product.id}),
            TaskSpec(StepType.MAP_DATA, "map_data", {"title": plan.product.title}),
            TaskSpec(StepType.CREATE_LISTING, "create_listing", is_idempotent=False),
            TaskSpec(StepType.SAVE_RESULT, "save_result"),
        ]

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType.VALIDATE: Step(self._plain("validate")),
            StepType.MAP_DATA: Step(self._map),
            StepType.CREATE_LISTING: Step(self._create, probe=self._find),
            StepType.SAVE_RESULT: Step(self._save),
        }

    def _before(self, name: str, ctx: StepContext) -> None:
        self.market.count(name)
        hook = self.hooks.get(name)
        if hook is not None:
            hook(ctx)
        failure = self.market.take_failure(name)
        if failure is not None and not (isinstance(failure, StepError) and failure.ambiguous):
            raise failure

    def _plain(self, name: str) -> Callable[[StepContext], dict[str, Any]]:
        def run(ctx: StepContext) -> dict[str, Any]:
            self._before(name, ctx)
            return {"ok": True}

        return run

    def _map(self, ctx: StepContext) -> dict[str, Any]:
        self._before("map_data", ctx)
        return {"title": str(ctx.input["title"]).upper()}

    def _key(self, ctx: StepContext) -> str:
        return f"sku-{ctx.job.product_id}-{ctx.job.marketplace.value}"

    def _create(self, ctx: StepContext) -> dict[str, Any]:
        self.market.count("create_listing")
        hook = self.hooks.get("create_listing")
        if hook is not None:
            hook(ctx)
        failure = self.market.take_failure("create_listing")
        if failure is not None and not (isinstance(failure, StepError) and failure.ambiguous):
            raise failure
        key = self._key(ctx)
        with self.market.lock:
            listing_id = f"L{len(self.market.listings) + 1}"
            self.market.listings[key] = {
                "listing_id": listing_id,
                "title": ctx.output_of("map_data")["title"],
            }
        ctx.record_side_effect("listing_created", listing_id=listing_id, key=key)
        if failure is not None:
            raise failure  # the marketplace acted, then the answer was lost
        return {"listing_id": listing_id}

    def _find(self, ctx: StepContext) -> dict[str, Any] | None:
        self.market.count("probe")
        listing = self.market.listings.get(self._key(ctx))
        return {"listing_id": listing["listing_id"]} if listing else None

    def _save(self, ctx: StepContext) -> dict[str, Any]:
        self._before("save_result", ctx)
        return {
            "listing_id": ctx.output_of("create_listing")["listing_id"],
            "title": ctx.output_of("map_data")["title"],
        }


def add_products(engine: Engine, count: int) -> list[int]:
    with engine.begin() as conn:
        return [
            add_product(
                conn,
                title=f"Levi's 501 #{i}",
                price=Decimal("25.00"),
                images=[(f"https://img/{i}.jpg", False)],
            )
            for i in range(count)
        ]
