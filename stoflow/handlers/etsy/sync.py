"""Etsy sync: fetch_remote reads every listing state page by page and records each page as it reads
it; reconcile concludes from absence, and only runs once fetch_remote has read every page.

As for eBay (handlers/ebay/sync.py): a failure on any page fails fetch_remote, which the orchestrator
retries; what the pages before it showed is kept, and nothing is concluded about the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from stoflow.domain.enums import Action, StepType
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.etsy.base import EtsyHandler
from stoflow.marketplaces.etsy.service import PAGE_SIZE
from stoflow.marketplaces.etsy.sync import OwnListings, record_page, shop_pages
from stoflow.marketplaces.listings import listings_of_account, mark_unseen_as_ended, record_change


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
        fetched = ctx.output_of("fetch_remote")
        assert fetched["complete"]  # the step only completes after reading every page
        assert ctx.job.account_id is not None
        since, now = datetime.fromisoformat(fetched["started_at"]), self.deps.clock()
        with self.engine(ctx).begin() as conn:
            gone = mark_unseen_as_ended(conn, ctx.job.account_id, since, now)
            for record in gone:
                record_change(
                    conn,
                    product_id=record.product_id,
                    account_id=record.account_id,
                    marketplace=self.marketplace,
                    change="sync_gone",
                    now=now,
                    job_id=ctx.job.id,
                    remote_id=record.remote_id,
                )
        return {"ended": [record.product_id for record in gone]}
