"""/api/batches/{id}/events: a server-sent events stream of a batch's progress.

The stream reads committed rows only (counters and task states), so what it shows is what a crash
would keep. It sends an event whenever the progress changed and ends once the batch has settled.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine

from stoflow.api.deps import ServicesDep, TenantDbDep
from stoflow.api.errors import NotFoundError
from stoflow.api.queries import batches as q
from stoflow.api.schemas.batches import BatchProgress
from stoflow.api.schemas.common import ObjectId
from stoflow.domain.enums import BatchStatus

router = APIRouter(prefix="/api/batches", tags=["batches"])
_SETTLED = frozenset(
    {BatchStatus.COMPLETED, BatchStatus.PARTIALLY_FAILED, BatchStatus.FAILED, BatchStatus.CANCELLED}
)
KEEPALIVE_EVERY = 40  # polls between two comment lines that keep proxies from closing the stream


def _progress(engine: Engine, batch_id: int) -> BatchProgress | None:
    with engine.connect() as conn:
        return q.batch_progress(conn, batch_id)


async def _stream(request: Request, engine: Engine, batch_id: int, poll_s: float) -> AsyncIterator[str]:
    last = ""
    quiet = 0
    while True:
        progress = await asyncio.to_thread(_progress, engine, batch_id)
        if progress is None:
            return
        payload = progress.model_dump_json()
        if payload != last:
            last, quiet = payload, 0
            yield f"event: progress\ndata: {payload}\n\n"
        else:
            quiet += 1
            if quiet % KEEPALIVE_EVERY == 0:
                yield ": keep-alive\n\n"
        if progress.batch.status in _SETTLED:
            yield "event: end\ndata: {}\n\n"
            return
        if await request.is_disconnected():
            return
        await asyncio.sleep(poll_s)


@router.get(
    "/{batch_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "`progress` events, then `end`"},
        404: {"description": "No such batch for this tenant"},
    },
)
async def batch_events(
    batch_id: ObjectId, request: Request, engine: TenantDbDep, services: ServicesDep
) -> StreamingResponse:
    if await asyncio.to_thread(_progress, engine, batch_id) is None:
        raise NotFoundError("batch", batch_id)
    return StreamingResponse(
        _stream(request, engine, batch_id, services.sse_poll_s),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
