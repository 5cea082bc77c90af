"""DEMO handlers: simulated marketplace steps so batches visibly run before the real integrations.

These do not talk to any marketplace. They exist for `stoflow up`, the dashboard and its browser
tests until the eBay, Etsy and Vinted handlers land. Each publish job runs validate, map_data, one
upload_image per public image, create_listing and save_result, each after a small fixed delay.

A product whose attributes hold `demo_fail` is rejected by create_listing with a permanent,
marketplace-worded error on its first attempt in this process; a retry then succeeds. That keeps the
"retry failed" path of the dashboard demonstrable and deterministic.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stoflow.domain.enums import Action, Marketplace, StepType
from stoflow.domain.errors import PermanentError
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.base import BaseJobHandler, HandlerRegistry

FAIL_FLAG = "demo_fail"

# What each marketplace says when a required attribute is missing, in its own words.
_REJECTIONS: dict[Marketplace, tuple[str, str]] = {
    Marketplace.EBAY: (
        "missing_item_specific",
        "The item specific Brand is missing. Add Brand to this listing, enter a valid value, "
        "and then try again. (errorId 25002)",
    ),
    Marketplace.ETSY: (
        "invalid_taxonomy",
        "taxonomy_id must be a leaf node of the seller taxonomy (HTTP 400)",
    ),
    Marketplace.VINTED: (
        "missing_brand",
        "Veuillez sélectionner une marque. (code 99, HTTP 422)",
    ),
}


class DemoPublishHandler(BaseJobHandler):
    """DEMO: publish with simulated steps; see the module docstring."""

    action: ClassVar[Action] = Action.PUBLISH

    def __init__(self, marketplace: Marketplace, *, delay_s: float = 0.2) -> None:
        self.marketplace = marketplace  # type: ignore[misc]  # one instance per marketplace
        self.delay_s = delay_s
        self._rejected: set[str] = set()
        self._lock = threading.Lock()

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        assert plan.product is not None
        product = plan.product
        specs = [
            TaskSpec(StepType.VALIDATE, "validate", {"product_id": product.id}),
            TaskSpec(StepType.MAP_DATA, "map_data", {"title": product.title, "price": str(product.price)}),
        ]
        specs += [
            TaskSpec(StepType.UPLOAD_IMAGE, f"upload_image:{image.position}", {"url": image.url})
            for image in product.public_images
        ]
        fail = FAIL_FLAG in product.attributes
        specs += [
            TaskSpec(StepType.CREATE_LISTING, "create_listing", {"demo_fail": fail}, is_idempotent=False),
            TaskSpec(StepType.SAVE_RESULT, "save_result"),
        ]
        return specs

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType.VALIDATE: Step(self._pass),
            StepType.MAP_DATA: Step(self._map),
            StepType.UPLOAD_IMAGE: Step(self._upload),
            StepType.CREATE_LISTING: Step(self._create),
            StepType.SAVE_RESULT: Step(self._save),
        }

    def _wait(self) -> None:
        time.sleep(self.delay_s)

    def _pass(self, ctx: StepContext) -> dict[str, Any]:
        self._wait()
        return {"ok": True}

    def _map(self, ctx: StepContext) -> dict[str, Any]:
        self._wait()
        return {"title": str(ctx.input["title"])[:80], "price": ctx.input["price"]}

    def _upload(self, ctx: StepContext) -> dict[str, Any]:
        self._wait()
        return {"image_ref": f"demo-img-{ctx.task_id}"}

    def _create(self, ctx: StepContext) -> dict[str, Any]:
        self._wait()
        key = ctx.job.idempotency_key
        if ctx.input.get("demo_fail"):
            with self._lock:
                first = key not in self._rejected
                self._rejected.add(key)
            if first:
                code, words = _REJECTIONS[self.marketplace]
                raise PermanentError(
                    f"{self.marketplace.value} refused the listing", code=code, marketplace_message=words
                )
        listing_id = f"demo-{self.marketplace.value}-{ctx.job.product_id}"
        ctx.record_side_effect("demo_listing_created", listing_id=listing_id)
        return {"listing_id": listing_id}

    def _save(self, ctx: StepContext) -> dict[str, Any]:
        self._wait()
        return {"listing_id": ctx.output_of("create_listing")["listing_id"]}


def demo_registry(*, delay_s: float = 0.2) -> HandlerRegistry:
    """DEMO: publish on every marketplace with simulated steps."""
    return HandlerRegistry([DemoPublishHandler(m, delay_s=delay_s) for m in Marketplace])


# A minimal JPEG (SOI, JFIF APP0, EOI): enough for emulators that check the file type.
DEMO_JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
)


class DemoImageFetcher:
    """DEMO: answers the same small JPEG for every image URL (demo products' photos do not exist)."""

    async def fetch(self, url: str) -> bytes:
        del url
        return DEMO_JPEG
