"""eBay update, delete and unpublish of a listing StoFlow published.

Each write here is idempotent on eBay (full-replace PUTs, delete by SKU, withdraw checked against
the offer's status first), so these steps need no probes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stoflow.domain.enums import Action, StepType
from stoflow.domain.errors import PermanentError
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.common import image_tasks
from stoflow.handlers.ebay.base import EbayHandler
from stoflow.handlers.ebay.results import save_publication
from stoflow.handlers.results import existing_record, save_state
from stoflow.marketplaces.ebay.service import ebay_sku
from stoflow.marketplaces.listings import ListingState


class EbayUpdateHandler(EbayHandler):
    """validate, map_data, upload_image (only images eBay does not have), update_listing, save_result."""

    action: ClassVar[Action] = Action.UPDATE

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        assert plan.product is not None
        return [
            TaskSpec(StepType.VALIDATE, "validate"),
            TaskSpec(StepType.MAP_DATA, "map_data"),
            *image_tasks(plan.product),
            TaskSpec(StepType.UPDATE_LISTING, "update_listing"),
            TaskSpec(StepType.SAVE_RESULT, "save_result"),
        ]

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType.VALIDATE: Step(self.validate),
            StepType.MAP_DATA: Step(self.map_data),
            StepType.UPLOAD_IMAGE: Step(self.upload_image),
            StepType.UPDATE_LISTING: Step(self.update_listing),
            StepType.SAVE_RESULT: Step(
                save_publication(
                    self, change="updated", item_task="update_listing", offer_task="update_listing"
                )
            ),
        }

    async def update_listing(self, ctx: StepContext) -> dict[str, Any]:
        existing_record(self, ctx)
        item = await self.put_item(ctx)  # replaces the item (title, aspects, images, quantity)
        payload = ctx.output_of("map_data")
        async with self.session(ctx) as s:
            offer = await s.service.find_offer(payload["sku"])
            if offer is None or offer.listing_id is None:
                raise PermanentError(
                    f"eBay has no published offer for SKU {payload['sku']}: publish it instead",
                    code="listing_missing",
                )
            await s.service.update_offer(offer.offer_id, payload["offer"])
        return {**item, "offer_id": offer.offer_id, "listing_id": offer.listing_id}


class EbayDeleteHandler(EbayHandler):
    """delete_listing (the inventory item, its offer and its listing), save_result."""

    action: ClassVar[Action] = Action.DELETE

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        assert plan.product is not None
        return [
            TaskSpec(StepType.DELETE_LISTING, "delete_listing", {"sku": ebay_sku(plan.product.id)}),
            TaskSpec(StepType.SAVE_RESULT, "save_result"),
        ]

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType.DELETE_LISTING: Step(self.delete_listing),
            StepType.SAVE_RESULT: Step(save_state(self, ListingState.DELETED, "deleted", "delete_listing")),
        }

    async def delete_listing(self, ctx: StepContext) -> dict[str, Any]:
        record = existing_record(self, ctx)
        async with self.session(ctx) as s:
            deleted = await s.service.delete(record.sku)
        ctx.record_side_effect("ebay_inventory_item_deleted", sku=record.sku, was_there=deleted)
        return {"sku": record.sku, "was_there": deleted}


class EbayUnpublishHandler(EbayHandler):
    """withdraw_listing (ends the listing, keeps item and offer for a later publish), save_result."""

    action: ClassVar[Action] = Action.UNPUBLISH

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        return [
            TaskSpec(StepType.WITHDRAW_LISTING, "withdraw_listing"),
            TaskSpec(StepType.SAVE_RESULT, "save_result"),
        ]

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType.WITHDRAW_LISTING: Step(self.withdraw),
            StepType.SAVE_RESULT: Step(
                save_state(self, ListingState.INACTIVE, "withdrawn", "withdraw_listing")
            ),
        }

    async def withdraw(self, ctx: StepContext) -> dict[str, Any]:
        record = existing_record(self, ctx)
        async with self.session(ctx) as s:
            offer = await s.service.find_offer(record.sku)
            ended = await s.service.withdraw(offer.offer_id) if offer is not None else None
        if ended is not None:
            ctx.record_side_effect("ebay_offer_withdrawn", listing_id=ended)
        return {"sku": record.sku, "ended_listing_id": ended}
