"""The reconcile step shared by every marketplace's sync: conclude from absence, once, safely.

It runs only after `fetch_remote` completed, that is after every page of the remote inventory was
read (a failed page fails fetch_remote, so reconcile never starts): only then may a listing that was
not seen since the read started be marked ended (DESIGN.md 5, the partial sync story).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stoflow.domain.steps import StepContext
from stoflow.handlers.direct_api import DirectAPIJobHandler
from stoflow.marketplaces.listings import mark_unseen_as_ended, record_change


def reconcile_after_full_read(handler: DirectAPIJobHandler[Any], ctx: StepContext) -> dict[str, Any]:
    fetched = ctx.output_of("fetch_remote")
    assert fetched["complete"]  # the step only completes after reading every page
    assert ctx.job.account_id is not None
    since, now = datetime.fromisoformat(fetched["started_at"]), handler.deps.clock()
    with handler.engine(ctx).begin() as conn:
        gone = mark_unseen_as_ended(conn, ctx.job.account_id, since, now)
        for record in gone:
            record_change(
                conn,
                product_id=record.product_id,
                account_id=record.account_id,
                marketplace=handler.marketplace,
                change="sync_gone",
                now=now,
                job_id=ctx.job.id,
                remote_id=record.remote_id,
            )
    return {"ended": [record.product_id for record in gone]}
