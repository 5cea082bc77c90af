"""save_result for eBay: the listing record and its audit entry, in one local transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from stoflow.domain.steps import StepContext
from stoflow.handlers.direct_api import DirectAPIJobHandler
from stoflow.marketplaces.ebay.service import listing_url
from stoflow.marketplaces.listings import ListingState, record_change, save_listing


def save_publication(
    handler: DirectAPIJobHandler[Any],
    *,
    change: str = "published",
    item_task: str = "create_listing",
    offer_task: str = "publish_listing",
) -> Callable[[StepContext], Awaitable[dict[str, Any]]]:
    """The step that records a live listing after publish or update."""

    async def save_result(ctx: StepContext) -> dict[str, Any]:
        published = ctx.output_of(offer_task)
        item = ctx.output_of(item_task)
        assert ctx.job.product_id is not None
        assert ctx.job.account_id is not None
        now = handler.deps.clock()
        url = listing_url(published["listing_id"])
        with handler.engine(ctx).begin() as conn:
            save_listing(
                conn,
                account_id=ctx.job.account_id,
                product_id=ctx.job.product_id,
                marketplace=handler.marketplace,
                sku=item["sku"],
                now=now,
                remote_id=published["listing_id"],
                offer_id=published["offer_id"],
                url=url,
                state=ListingState.ACTIVE,
                details={"images": item["images"]},
            )
            record_change(
                conn,
                product_id=ctx.job.product_id,
                account_id=ctx.job.account_id,
                marketplace=handler.marketplace,
                change=change,
                now=now,
                job_id=ctx.job.id,
                remote_id=published["listing_id"],
                details={"offer_id": published["offer_id"], "sku": item["sku"]},
            )
        return {"listing_id": published["listing_id"], "offer_id": published["offer_id"], "url": url}

    return save_result
