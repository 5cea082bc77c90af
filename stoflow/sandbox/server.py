"""Serve emulators over real HTTP from a background thread, for tests, demos and other packages.

    from stoflow.sandbox.server import running_sandbox

    with running_sandbox() as sandbox:          # all three, each on a free 127.0.0.1 port
        sandbox.ebay_url, sandbox.etsy_url, sandbox.vinted_url
        creds = httpx.post(f"{sandbox.ebay_url}/_admin/sellers").json()

Pass a `SandboxConfig` for a seed, a `ManualClock` or small rate limits; `ports` pins ports (0 means
any free port). Every server runs uvicorn with the protocol that lets the lost-response fault drop
connections for real.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.connection_drop import DroppableH11Protocol
from stoflow.sandbox.ebay import build_ebay
from stoflow.sandbox.emulator import Emulator
from stoflow.sandbox.etsy import build_etsy
from stoflow.sandbox.vinted import build_vinted

START_TIMEOUT_S = 10.0


def _listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


class AppServer:
    """Several ASGI apps, one uvicorn server each, sharing one event loop in a daemon thread."""

    def __init__(
        self, apps: Mapping[str, ASGIApp], *, host: str = "127.0.0.1", ports: Mapping[str, int] | None = None
    ) -> None:
        self._host = host
        self._sockets = {name: _listening_socket(host, (ports or {}).get(name, 0)) for name in apps}
        self._servers = {
            name: uvicorn.Server(
                uvicorn.Config(
                    app, http=DroppableH11Protocol, lifespan="off", log_level="warning", access_log=False
                )
            )
            for name, app in apps.items()
        }
        self._thread = threading.Thread(target=self._run, name="stoflow-sandbox", daemon=True)
        self.urls = {name: f"http://{host}:{sock.getsockname()[1]}" for name, sock in self._sockets.items()}

    def _run(self) -> None:
        async def serve_all() -> None:
            await asyncio.gather(
                *(server.serve(sockets=[self._sockets[name]]) for name, server in self._servers.items())
            )

        asyncio.run(serve_all())

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not all(server.started for server in self._servers.values()):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("sandbox servers did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        for server in self._servers.values():
            server.should_exit = True
        self._thread.join(START_TIMEOUT_S)
        for sock in self._sockets.values():
            sock.close()


@contextmanager
def running_apps(
    apps: Mapping[str, ASGIApp], *, host: str = "127.0.0.1", ports: Mapping[str, int] | None = None
) -> Iterator[dict[str, str]]:
    """Serve the apps until the block ends; yields each app's base URL by name."""
    server = AppServer(apps, host=host, ports=ports)
    server.start()
    try:
        yield server.urls
    finally:
        server.stop()


@dataclass(frozen=True)
class Sandbox:
    config: SandboxConfig
    ebay: Emulator
    etsy: Emulator
    vinted: Emulator
    ebay_url: str
    etsy_url: str
    vinted_url: str


def build_emulators(config: SandboxConfig) -> dict[str, Emulator]:
    return {"ebay": build_ebay(config), "etsy": build_etsy(config), "vinted": build_vinted(config)}


@contextmanager
def running_sandbox(
    config: SandboxConfig | None = None, *, host: str = "127.0.0.1", ports: Mapping[str, int] | None = None
) -> Iterator[Sandbox]:
    """The three emulators over HTTP; `ports` may name "ebay", "etsy" and "vinted"."""
    config = config or SandboxConfig()
    emulators = build_emulators(config)
    with running_apps(
        {name: emulator.app for name, emulator in emulators.items()}, host=host, ports=ports
    ) as urls:
        yield Sandbox(
            config=config,
            ebay=emulators["ebay"],
            etsy=emulators["etsy"],
            vinted=emulators["vinted"],
            ebay_url=urls["ebay"],
            etsy_url=urls["etsy"],
            vinted_url=urls["vinted"],
        )
