"""Etsy sync: fetch_remote reads every listing state page by page and records each page as it reads
it; reconcile concludes from absence, and only runs once fetch_remote has read every page.

As for eBay (handlers/ebay/sync.py): a failure on any page fails fetch_remote, which the orchestrator
retries; what the pages before it showed is kept, and nothing is concluded about the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stoflow.domain.enums import Action, StepType
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.etsy.base import EtsyHandler
from stoflow.handlers.reconcile import reconcile_after_full_read
from stoflow.marketplaces.etsy.service import PAGE_SIZE
from stoflow.marketplaces.etsy.sync import OwnListings, record_page, shop_pages
from stoflow.marketplaces.listings import listings_of_account


class EtsySyncHandler(EtsyHandler):
    action: ClassVar[Action] = Action.SYNC

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        return [TaskSpec(StepType.FETCH_REMOTE, "fetch_remote"), TaskSpec(StepType.RECONCILE, "reconcile")]

    def steps(self) -> Mapping[StepType, Step]:
        return {StepType.FETCH_REMOTE: Step(self.fetch_remote), StepType.RECONCILE: Step(self.reconcile)}

    async def fetch_remote(self, ctx: StepContext) -> dict[str, Any]:
        started = self.deps.clock()
        pages = seen = 0
        async with self.session(ctx) as s:
            page_size = int(s.account.settings.get("sync_page_size") or PAGE_SIZE)
            with s.engine.connect() as conn:
                ours = OwnListings.of(listings_of_account(conn, s.account.id))
            async for page in shop_pages(s.service, page_size):
                with s.engine.begin() as conn:  # each page is kept even if a later one fails
                    seen += record_page(conn, ours, page, at=started, job_id=ctx.job.id)
                pages += 1
        return {"complete": True, "started_at": started.isoformat(), "pages": pages, "seen": seen}

    async def reconcile(self, ctx: StepContext) -> dict[str, Any]:
        return await reconcile_after_full_read(self, ctx)
