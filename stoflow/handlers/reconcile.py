"""The reconcile step shared by every marketplace's sync: conclude from absence, once, safely.

It runs only after `fetch_remote` completed, that is after every page of the remote inventory was
read (a failed page fails fetch_remote, so reconcile never starts). Even a complete read can miss a
listing that changed state while it paged (sold while the active pages were read: absent from them
and from the sold pages already read), so absence is only a suspicion: each unseen listing is asked
about individually, and only a marketplace that no longer has it (404) makes it ended (DESIGN.md 5,
the partial sync story). A re-check that fails fails the step before anything is written; the
orchestrator retries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from stoflow.domain.steps import StepContext
from stoflow.handlers.direct_api import DirectAPIJobHandler
from stoflow.marketplaces.listings import (
    ListingRecord,
    ListingState,
    record_change,
    set_listing_state,
    unseen_since,
)

# Each re-check is one sequential call, and a transient error discards the whole step's re-checks.
# A mass disappearance (the seller deleted a whole shop) would otherwise make one step of thousands
# of calls that rarely finishes. The rest stay as they are and are re-checked by the next sync:
# concluded records leave the unseen set, so successive syncs work through them.
MAX_RECHECKS = 200


class RechecksListings(Protocol):
    async def listing_state(self, record: ListingRecord) -> ListingState | None:
        """The listing's state on the marketplace now; None when the marketplace no longer has it."""
        ...


ServiceT = TypeVar("ServiceT", bound=RechecksListings)
Finding = tuple[ListingRecord, ListingState | None]


async def reconcile_after_full_read(
    handler: DirectAPIJobHandler[ServiceT], ctx: StepContext
) -> dict[str, Any]:
    fetched = ctx.output_of("fetch_remote")
    assert fetched["complete"]  # the step only completes after reading every page
    assert ctx.job.account_id is not None
    since = datetime.fromisoformat(fetched["started_at"])
    with handler.engine(ctx).connect() as conn:
        unseen = unseen_since(conn, ctx.job.account_id, since)
    findings = await _recheck(handler, ctx, unseen[:MAX_RECHECKS])
    _record_findings(handler, ctx, findings)
    return _summary(findings, deferred=len(unseen) - len(findings))


async def _recheck(
    handler: DirectAPIJobHandler[ServiceT], ctx: StepContext, records: Sequence[ListingRecord]
) -> list[Finding]:
    if not records:
        return []  # no session: a sync that saw everything makes no extra call
    async with handler.session(ctx) as s:
        return [(record, await s.service.listing_state(record)) for record in records]


def _record_findings(
    handler: DirectAPIJobHandler[Any], ctx: StepContext, findings: Sequence[Finding]
) -> None:
    """One transaction for every conclusion, written only once every re-check answered."""
    now = handler.deps.clock()
    with handler.engine(ctx).begin() as conn:
        for record, found in findings:
            set_listing_state(conn, record, found or ListingState.ENDED, now)
            record_change(
                conn,
                product_id=record.product_id,
                account_id=record.account_id,
                marketplace=handler.marketplace,
                change="sync_gone" if found is None else f"sync_{found.value}",
                now=now,
                job_id=ctx.job.id,
                remote_id=record.remote_id,
                details={"recheck": "not_found" if found is None else found.value, "was": record.state.value},
            )


def _summary(findings: Sequence[Finding], *, deferred: int) -> dict[str, Any]:
    """`ended`: gone or ended remotely. The other keys appear only when they say something."""
    ended = [r.product_id for r, found in findings if found in (None, ListingState.ENDED)]
    summary: dict[str, Any] = {"ended": ended}
    found_elsewhere = {
        str(r.product_id): found.value for r, found in findings if found not in (None, ListingState.ENDED)
    }
    if found_elsewhere:
        summary["rechecked"] = found_elsewhere  # unseen by the read, still there (sold, active...)
    if deferred:
        summary["deferred"] = deferred
    return summary
