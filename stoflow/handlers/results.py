"""Steps that close a job by recording its outcome on the listing record and in the audit trail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from stoflow.domain.errors import PermanentError
from stoflow.domain.steps import StepContext
from stoflow.handlers.direct_api import DirectAPIJobHandler
from stoflow.marketplaces.listings import (
    ListingRecord,
    ListingState,
    find_listing,
    record_change,
    save_listing,
)

SaveStep = Callable[[StepContext], Awaitable[dict[str, Any]]]


def existing_record(handler: DirectAPIJobHandler[Any], ctx: StepContext) -> ListingRecord:
    """The listing this job acts on; an update or delete of something never published is refused."""
    assert ctx.job.account_id is not None
    assert ctx.job.product_id is not None
    with handler.engine(ctx).connect() as conn:
        record = find_listing(conn, ctx.job.account_id, ctx.job.product_id)
    if record is None or (record.remote_id is None and record.offer_id is None):
        raise PermanentError(
            f"product {ctx.job.product_id} has no {handler.marketplace.value} listing on this account",
            code="listing_missing",
        )
    return record


def save_state(handler: DirectAPIJobHandler[Any], state: ListingState, change: str, source: str) -> SaveStep:
    """save_result: set the record's state, keep the ids, audit the change (details from `source`)."""

    async def save_result(ctx: StepContext) -> dict[str, Any]:
        record = existing_record(handler, ctx)
        now = handler.deps.clock()
        details = dict(ctx.output_of(source))
        with handler.engine(ctx).begin() as conn:
            save_listing(
                conn,
                account_id=record.account_id,
                product_id=record.product_id,
                marketplace=handler.marketplace,
                sku=record.sku,
                now=now,
                state=state,
            )
            record_change(
                conn,
                product_id=record.product_id,
                account_id=record.account_id,
                marketplace=handler.marketplace,
                change=change,
                now=now,
                job_id=ctx.job.id,
                remote_id=record.remote_id,
                details=details,
            )
        return {"state": state.value, **details}

    return save_result
