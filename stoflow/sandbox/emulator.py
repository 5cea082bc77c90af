"""Assembly shared by the three emulators: marketplace routes + admin API behind the fault gateway."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from stoflow.sandbox.admin import AdminRoutes, SandboxBackend
from stoflow.sandbox.calllog import CallLog
from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.faults import FaultInjector
from stoflow.sandbox.gateway import FaultGateway, Marketplace


@dataclass
class Emulator:
    """One marketplace emulator: the ASGI app to serve and its in-process handles for tests."""

    name: str
    app: ASGIApp
    backend: SandboxBackend
    faults: FaultInjector
    calls: CallLog


def assemble(
    name: str,
    routes: Sequence[BaseRoute],
    *,
    backend: SandboxBackend,
    marketplace: Marketplace,
    config: SandboxConfig,
) -> Emulator:
    faults = FaultInjector(config.seed)
    calls = CallLog()
    router = Starlette(routes=[*routes, *AdminRoutes(backend, faults, calls).routes()])
    app = FaultGateway(
        router,
        routes=lambda: router.routes,
        marketplace=marketplace,
        faults=faults,
        calls=calls,
        clock=config.clock,
    )
    return Emulator(name=name, app=app, backend=backend, faults=faults, calls=calls)
