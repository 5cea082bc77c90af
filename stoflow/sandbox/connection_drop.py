"""Dropping a client's connection from inside an ASGI app, for the lost-response fault.

ASGI gives an app no handle on its socket, and an app that returns without answering makes uvicorn
send a 500. So the sandbox runs uvicorn with a protocol subclass that publishes the connection's
transport in a context variable; uvicorn creates each request task while that variable is set, so
the task inherits it. Aborting that transport is a real dropped connection: the client sees the
connection close with no status line. Under any other server the fault falls back to a 502 with an
empty body.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

from uvicorn.protocols.http.h11_impl import H11Protocol

_current_transport: ContextVar[asyncio.Transport | None] = ContextVar("sandbox_transport", default=None)


class DroppableH11Protocol(H11Protocol):
    def handle_events(self) -> None:
        token = _current_transport.set(self.transport)
        try:
            super().handle_events()
        finally:
            _current_transport.reset(token)


async def drop_connection() -> bool:
    """Abort the current request's connection; False when the server does not allow it."""
    transport = _current_transport.get()
    if transport is None:
        return False
    transport.abort()
    # Let uvicorn's connection_lost run before the app returns, so it does not try to answer.
    for _ in range(2):
        await asyncio.sleep(0)
    return True
