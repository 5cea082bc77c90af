"""eBay sync: fetch_remote pages through the inventory and records what each page shows; reconcile
then concludes from absence, and only runs once fetch_remote has read every page.

A failure on page 7 of 12 fails fetch_remote (the orchestrator retries it): the six pages read are
recorded, and nothing is concluded about the listings the sync did not reach.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from stoflow.domain.enums import Action, StepType
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.ebay.base import EbayHandler
from stoflow.handlers.reconcile import reconcile_after_full_read
from stoflow.marketplaces.ebay.service import EbayPublicationService, offer_listing_state
from stoflow.marketplaces.listings import (
    ListingRecord,
    listings_of_account,
    record_change,
    save_listing,
)

DEFAULT_PAGE_SIZE = 100


class EbaySyncHandler(EbayHandler):
    action: ClassVar[Action] = Action.SYNC

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        return [TaskSpec(StepType.FETCH_REMOTE, "fetch_remote"), TaskSpec(StepType.RECONCILE, "reconcile")]

    def steps(self) -> Mapping[StepType, Step]:
        return {StepType.FETCH_REMOTE: Step(self.fetch_remote), StepType.RECONCILE: Step(self.reconcile)}

    async def fetch_remote(self, ctx: StepContext) -> dict[str, Any]:
        started = self.deps.clock()
        seen = 0
        async with self.session(ctx) as s:
            page_size = int(s.account.settings.get("sync_page_size") or DEFAULT_PAGE_SIZE)
            with s.engine.connect() as conn:
                ours = {r.sku: r for r in listings_of_account(conn, s.account.id)}
            page_number = 0
            while True:
                page = await s.service.client.inventory_page(page_number, page_size)
                skus = [str(item["sku"]) for item in page.get("inventoryItems", []) if item["sku"] in ours]
                seen += await self._record_page(ctx, s.service, [ours[sku] for sku in skus], started)
                if not page.get("next"):
                    break
                page_number += 1
        return {"complete": True, "started_at": started.isoformat(), "pages": page_number + 1, "seen": seen}

    async def _record_page(
        self,
        ctx: StepContext,
        service: EbayPublicationService,
        records: Sequence[ListingRecord],
        at: datetime,
    ) -> int:
        states = {r.sku: offer_listing_state(await service.find_offer(r.sku)) for r in records}
        with self.engine(ctx).begin() as conn:  # what this page showed is kept even if a later one fails
            for record in records:
                state = states[record.sku]
                save_listing(
                    conn,
                    account_id=record.account_id,
                    product_id=record.product_id,
                    marketplace=self.marketplace,
                    sku=record.sku,
                    now=at,
                    state=state,
                    last_synced_at=at,
                )
                if state is not record.state:
                    record_change(
                        conn,
                        product_id=record.product_id,
                        account_id=record.account_id,
                        marketplace=self.marketplace,
                        change=f"sync_{state.value}",
                        now=at,
                        job_id=ctx.job.id,
                        remote_id=record.remote_id,
                    )
        return len(records)

    async def reconcile(self, ctx: StepContext) -> dict[str, Any]:
        return await reconcile_after_full_read(self, ctx)
