"""Etsy publish: validate, map_data, create_listing (draft), upload_image per image, set_inventory
(the SKU), activate_listing, save_result.

The draft's id is stored the moment Etsy answers. create_listing first looks for that stored id
(still on Etsy?), and its probe also searches the shop's drafts, so neither a retry nor a lost
answer makes a second listing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stoflow.domain.enums import Action, StepType
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.common import image_tasks, uploaded_images
from stoflow.handlers.etsy.base import EtsyHandler
from stoflow.marketplaces.listings import ListingState, record_change, save_listing


class EtsyPublishHandler(EtsyHandler):
    action: ClassVar[Action] = Action.PUBLISH

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        assert plan.product is not None
        return [
            TaskSpec(StepType.VALIDATE, "validate"),
            TaskSpec(StepType.MAP_DATA, "map_data"),
            TaskSpec(StepType.CREATE_LISTING, "create_listing", is_idempotent=False),
            *image_tasks(plan.product),
            TaskSpec(StepType.SET_INVENTORY, "set_inventory"),
            TaskSpec(StepType.ACTIVATE_LISTING, "activate_listing"),
            TaskSpec(StepType.SAVE_RESULT, "save_result"),
        ]

    def steps(self) -> Mapping[StepType, Step]:
        return {
            StepType.VALIDATE: Step(self.validate),
            StepType.MAP_DATA: Step(self.map_data),
            StepType.CREATE_LISTING: Step(self.create_draft, probe=self.find_draft),
            StepType.UPLOAD_IMAGE: Step(self.upload_image),
            StepType.SET_INVENTORY: Step(self.set_inventory),
            StepType.ACTIVATE_LISTING: Step(self.activate),
            StepType.SAVE_RESULT: Step(self.save_result),
        }

    def listing_id(self, ctx: StepContext) -> int:
        return int(ctx.output_of("create_listing")["listing_id"])

    async def create_draft(self, ctx: StepContext) -> dict[str, Any]:
        payload = ctx.output_of("map_data")
        record = self.record(ctx)
        async with self.session(ctx) as s:
            if record is not None and record.remote_id and record.state is not ListingState.DELETED:
                stored = await s.service.existing(int(record.remote_id))
                if stored is not None:
                    return {"listing_id": stored.listing_id, "adopted": True}
            draft = await s.service.create_draft(payload["listing"])
        ctx.record_side_effect("etsy_draft_created", listing_id=draft.listing_id)
        self.remember(ctx, payload["sku"], draft, ListingState.DRAFT, change="draft_created")
        return {"listing_id": draft.listing_id, "adopted": False}

    async def find_draft(self, ctx: StepContext) -> dict[str, Any] | None:
        payload = ctx.output_of("map_data")
        record = self.record(ctx)
        async with self.session(ctx) as s:
            found = None
            if record is not None and record.remote_id and record.state is not ListingState.DELETED:
                found = await s.service.existing(int(record.remote_id))
            if found is None:
                found = await s.service.find_draft(payload["sku"], payload["listing"]["title"])
        if found is None:
            return None
        self.remember(ctx, payload["sku"], found, ListingState.DRAFT)
        return {"listing_id": found.listing_id, "adopted": True}

    async def activate(self, ctx: StepContext) -> dict[str, Any]:
        async with self.session(ctx) as s:
            listing = await s.service.activate(self.listing_id(ctx))
        ctx.record_side_effect("etsy_listing_activated", listing_id=listing.listing_id)
        return {"listing_id": listing.listing_id, "url": listing.url, "state": listing.state}

    async def save_result(self, ctx: StepContext) -> dict[str, Any]:
        active = ctx.output_of("activate_listing")
        sku = ctx.output_of("map_data")["sku"]
        images = {i["source_url"]: i["listing_image_id"] for i in uploaded_images(ctx)}
        assert ctx.job.account_id is not None
        assert ctx.job.product_id is not None
        now = self.deps.clock()
        with self.engine(ctx).begin() as conn:
            save_listing(
                conn,
                account_id=ctx.job.account_id,
                product_id=ctx.job.product_id,
                marketplace=self.marketplace,
                sku=sku,
                now=now,
                remote_id=str(active["listing_id"]),
                url=active["url"],
                state=ListingState.ACTIVE,
                details={"images": images},
            )
            record_change(
                conn,
                product_id=ctx.job.product_id,
                account_id=ctx.job.account_id,
                marketplace=self.marketplace,
                change="published",
                now=now,
                job_id=ctx.job.id,
                remote_id=str(active["listing_id"]),
            )
        return {"listing_id": active["listing_id"], "url": active["url"]}
