"""Etsy orders_sync: import_orders pages through the shop's receipts, importing each page in its own
transaction (new receipts, and the listings they sold).

One task is enough: every page is idempotent (insert-or-ignore by receipt id), so a retry after a
failed page or a lost commit simply reads again from the start and inserts only what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stoflow.domain.enums import Action, StepType
from stoflow.domain.steps import JobPlan, Step, StepContext, TaskSpec
from stoflow.handlers.etsy.base import EtsyHandler
from stoflow.marketplaces.etsy.orders import import_page, receipt_pages
from stoflow.marketplaces.etsy.service import PAGE_SIZE


class EtsyOrdersSyncHandler(EtsyHandler):
    action: ClassVar[Action] = Action.ORDERS_SYNC

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        return [TaskSpec(StepType.FETCH_REMOTE, "import_orders")]

    def steps(self) -> Mapping[StepType, Step]:
        return {StepType.FETCH_REMOTE: Step(self.import_orders)}

    async def import_orders(self, ctx: StepContext) -> dict[str, Any]:
        read = imported = 0
        sold: list[int] = []
        async with self.session(ctx) as s:
            page_size = int(s.account.settings.get("orders_page_size") or PAGE_SIZE)
            async for page in receipt_pages(s.service, page_size):
                with s.engine.begin() as conn:
                    inserted, sold_now = import_page(
                        conn, s.account.id, page, now=self.deps.clock(), job_id=ctx.job.id
                    )
                if inserted:  # kept with the task even if a later page fails
                    ctx.record_side_effect("etsy_orders_imported", count=inserted, sold=sold_now)
                read, imported, sold = read + len(page), imported + inserted, sold + sold_now
        return {"receipts_read": read, "imported": imported, "sold_products": sold}
