"""eBay publish: validate, map_data, upload_image per image, create_listing (inventory item),
create_offer, publish_listing, save_result.

create_offer and publish_listing are the two writes that are not idempotent on eBay. After any doubt
their probes ask eBay by SKU (getOffers) or by offer id (getOffer) and adopt what is there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stoflow.domain.enums import Action, StepType
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.common import image_tasks
from stoflow.handlers.ebay.base import EbayHandler
from stoflow.handlers.ebay.results import save_publication
from stoflow.marketplaces.ebay.service import ebay_sku


class EbayPublishHandler(EbayHandler):
    action: ClassVar[Action] = Action.PUBLISH

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        assert plan.product is not None
        return [
            TaskSpec(StepType.VALIDATE, "validate"),
            TaskSpec(StepType.MAP_DATA, "map_data"),
            *image_tasks(plan.product),
            TaskSpec(StepType.CREATE_LISTING, "create_listing", {"sku": ebay_sku(plan.product.id)}),
            TaskSpec(StepType.CREATE_OFFER, "create_offer", is_idempotent=False),
            TaskSpec(StepType.PUBLISH_LISTING, "publish_listing", is_idempotent=False),
            TaskSpec(StepType.SAVE_RESULT, "save_result"),
        ]

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType.VALIDATE: Step(self.validate),
            StepType.MAP_DATA: Step(self.map_data),
            StepType.UPLOAD_IMAGE: Step(self.upload_image),
            StepType.CREATE_LISTING: Step(self.put_item),
            StepType.CREATE_OFFER: Step(self.create_offer, probe=self.find_offer),
            StepType.PUBLISH_LISTING: Step(self.publish, probe=self.find_publication),
            StepType.SAVE_RESULT: Step(save_publication(self)),
        }

    async def create_offer(self, ctx: StepContext) -> dict[str, Any]:
        offer = ctx.output_of("map_data")["offer"]
        async with self.session(ctx) as s:
            offer_id, adopted = await s.service.create_offer(offer)
        ctx.record_side_effect("ebay_offer_created", offer_id=offer_id, adopted_existing=adopted)
        return {"offer_id": offer_id, "adopted": adopted}

    async def find_offer(self, ctx: StepContext) -> dict[str, Any] | None:
        sku = ctx.output_of("map_data")["sku"]
        async with self.session(ctx) as s:
            found = await s.service.find_offer(sku)
            if found is None:
                return None
            # Adopted as is would keep whatever the lost attempt sent; bring it up to date.
            await s.service.update_offer(found.offer_id, ctx.output_of("map_data")["offer"])
        return {"offer_id": found.offer_id, "adopted": True}

    async def publish(self, ctx: StepContext) -> dict[str, Any]:
        offer_id = ctx.output_of("create_offer")["offer_id"]
        async with self.session(ctx) as s:
            listing_id = await s.service.publish(offer_id)
        ctx.record_side_effect("ebay_offer_published", offer_id=offer_id, listing_id=listing_id)
        return {"offer_id": offer_id, "listing_id": listing_id}

    async def find_publication(self, ctx: StepContext) -> dict[str, Any] | None:
        offer_id = ctx.output_of("create_offer")["offer_id"]
        async with self.session(ctx) as s:
            found = await s.service.offer(offer_id)
        if found is None or not found.published or found.listing_id is None:
            return None
        return {"offer_id": offer_id, "listing_id": found.listing_id}
