"""Etsy update and delete of a listing StoFlow published (found by the stored listing id)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stoflow.domain.enums import Action, StepType
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.common import image_tasks, uploaded_images
from stoflow.handlers.etsy.base import EtsyHandler
from stoflow.handlers.results import existing_record, save_state
from stoflow.marketplaces.listings import ListingState, save_listing

# Listing fields updateListing accepts; price and quantity change through the inventory.
UPDATABLE = ("title", "description", "tags", "materials", "taxonomy_id", "who_made", "when_made", "is_supply")


class EtsyUpdateHandler(EtsyHandler):
    """validate, map_data, update_listing, upload_image (new images only), set_inventory, save_result."""

    action: ClassVar[Action] = Action.UPDATE

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        assert plan.product is not None
        return [
            TaskSpec(StepType.VALIDATE, "validate"),
            TaskSpec(StepType.MAP_DATA, "map_data"),
            TaskSpec(StepType.UPDATE_LISTING, "update_listing"),
            *image_tasks(plan.product),
            TaskSpec(StepType.SET_INVENTORY, "set_inventory"),
            TaskSpec(StepType.SAVE_RESULT, "save_result"),
        ]

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType.VALIDATE: Step(self.validate),
            StepType.MAP_DATA: Step(self.map_data),
            StepType.UPDATE_LISTING: Step(self.update_listing),
            StepType.UPLOAD_IMAGE: Step(self.upload_image),
            StepType.SET_INVENTORY: Step(self.set_inventory),
            StepType.SAVE_RESULT: Step(self.save_result),
        }

    def listing_id(self, ctx: StepContext) -> int:
        return int(ctx.output_of("update_listing")["listing_id"])

    async def update_listing(self, ctx: StepContext) -> dict[str, Any]:
        record = existing_record(self, ctx)
        fields = {k: v for k, v in ctx.output_of("map_data")["listing"].items() if k in UPDATABLE}
        async with self.session(ctx) as s:
            listing = await s.service.update(int(str(record.remote_id)), fields)
        return {"listing_id": listing.listing_id, "url": listing.url}

    async def save_result(self, ctx: StepContext) -> dict[str, Any]:
        record = existing_record(self, ctx)
        images = dict(record.details.get("images") or {})
        images.update({i["source_url"]: i["listing_image_id"] for i in uploaded_images(ctx)})
        with self.engine(ctx).begin() as conn:
            save_listing(
                conn,
                account_id=record.account_id,
                product_id=record.product_id,
                marketplace=self.marketplace,
                sku=record.sku,
                now=self.deps.clock(),
                details={**record.details, "images": images},
            )
        return await save_state(self, record.state, "updated", "update_listing")(ctx)


class EtsyDeleteHandler(EtsyHandler):
    action: ClassVar[Action] = Action.DELETE

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        return [
            TaskSpec(StepType.DELETE_LISTING, "delete_listing"),
            TaskSpec(StepType.SAVE_RESULT, "save_result"),
        ]

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType.DELETE_LISTING: Step(self.delete_listing),
            StepType.SAVE_RESULT: Step(save_state(self, ListingState.DELETED, "deleted", "delete_listing")),
        }

    async def delete_listing(self, ctx: StepContext) -> dict[str, Any]:
        record = existing_record(self, ctx)
        listing_id = int(str(record.remote_id))
        async with self.session(ctx) as s:
            deleted = await s.service.delete(listing_id)  # already gone (404) counts as done
        ctx.record_side_effect("etsy_listing_deleted", listing_id=listing_id, was_there=deleted)
        return {"listing_id": listing_id, "was_there": deleted}
