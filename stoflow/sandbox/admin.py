"""The `/_admin` API each emulator serves beside the marketplace routes (JSON in, JSON out).

GET    /_admin/health
POST   /_admin/sellers                         register a seller, get its credentials
POST   /_admin/sellers/{seller}/credentials    fresh credentials (auth code, Vinted session)
POST   /_admin/sellers/{seller}/expire-tokens  the seller's access tokens expire now
GET    /_admin/sellers/{seller}/listings       listings with their state
GET    /_admin/sellers/{seller}/listings/count ?sku=...  or  ?marker=... (title contains)
POST   /_admin/sellers/{seller}/sales          {"listing_id": ...} or {"sku": ...}
GET    /_admin/faults    POST /_admin/faults (a FaultSpec)    DELETE /_admin/faults[/{id}]
GET    /_admin/calls?seller=&route=            DELETE /_admin/calls
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.calllog import CallLog
from stoflow.sandbox.faults import FaultInjector, FaultSpec


@dataclass(frozen=True)
class ListingSummary:
    id: str
    sku: str | None
    title: str | None
    state: str
    details: dict[str, Any] = field(default_factory=dict)


class SellerNotFound(LookupError):
    """No seller with this id is registered on this emulator."""


class SaleRefused(ValueError):
    """The listing cannot be sold in its current state."""


class SandboxBackend(Protocol):
    def register_seller(self, options: dict[str, Any]) -> dict[str, Any]: ...

    def fresh_credentials(self, seller_id: str, options: dict[str, Any]) -> dict[str, Any]: ...

    def expire_tokens(self, seller_id: str) -> int: ...

    def listings(self, seller_id: str) -> list[ListingSummary]: ...

    def simulate_sale(self, seller_id: str, listing_id: str) -> dict[str, Any]: ...


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


class AdminRoutes:
    def __init__(self, backend: SandboxBackend, faults: FaultInjector, calls: CallLog) -> None:
        self._backend = backend
        self._faults = faults
        self._calls = calls

    async def health(self, request: Request) -> Response:
        del request
        return JSONResponse({"status": "ok"})

    async def register(self, request: Request) -> Response:
        try:
            return JSONResponse(self._backend.register_seller(await _json_object(request)), status_code=201)
        except ValueError as exc:
            return _problem(422, str(exc))

    async def credentials(self, request: Request) -> Response:
        try:
            options = await _json_object(request)
            return JSONResponse(self._backend.fresh_credentials(request.path_params["seller"], options))
        except SellerNotFound as exc:
            return _problem(404, str(exc))
        except ValueError as exc:
            return _problem(422, str(exc))

    async def expire_tokens(self, request: Request) -> Response:
        try:
            return JSONResponse({"expired": self._backend.expire_tokens(request.path_params["seller"])})
        except SellerNotFound as exc:
            return _problem(404, str(exc))

    async def listings(self, request: Request) -> Response:
        try:
            found = self._backend.listings(request.path_params["seller"])
        except SellerNotFound as exc:
            return _problem(404, str(exc))
        return JSONResponse({"listings": [asdict(listing) for listing in found]})

    async def count(self, request: Request) -> Response:
        sku = request.query_params.get("sku")
        marker = request.query_params.get("marker")
        if (sku is None) == (marker is None):
            return _problem(422, "give exactly one of sku or marker")
        try:
            found = self._backend.listings(request.path_params["seller"])
        except SellerNotFound as exc:
            return _problem(404, str(exc))
        if sku is not None:
            matching = [item for item in found if item.sku == sku]
        else:
            matching = [item for item in found if marker and marker in (item.title or "")]
        return JSONResponse({"count": len(matching), "ids": [item.id for item in matching]})

    async def sale(self, request: Request) -> Response:
        seller = request.path_params["seller"]
        try:
            body = await _json_object(request)
            listing_id = body.get("listing_id")
            if listing_id is None and "sku" in body:
                listing_id = next(
                    (item.id for item in self._backend.listings(seller) if item.sku == body["sku"]), None
                )
            if listing_id is None:
                return _problem(404, "no listing matches")
            return JSONResponse(self._backend.simulate_sale(seller, str(listing_id)), status_code=201)
        except (SellerNotFound, KeyError) as exc:
            return _problem(404, str(exc))
        except (SaleRefused, ValueError) as exc:
            return _problem(409, str(exc))

    async def list_faults(self, request: Request) -> Response:
        del request
        return JSONResponse({"faults": [rule.as_json() for rule in self._faults.rules()]})

    async def add_fault(self, request: Request) -> Response:
        try:
            spec = FaultSpec.model_validate(await _json_object(request))
        except (ValidationError, ValueError) as exc:
            return _problem(422, str(exc))
        return JSONResponse(self._faults.add(spec).as_json(), status_code=201)

    async def clear_faults(self, request: Request) -> Response:
        del request
        self._faults.clear()
        return Response(status_code=204)

    async def remove_fault(self, request: Request) -> Response:
        if self._faults.remove(request.path_params["fault_id"]):
            return Response(status_code=204)
        return _problem(404, "no such fault")

    async def list_calls(self, request: Request) -> Response:
        found = self._calls.records(
            seller=request.query_params.get("seller"), route=request.query_params.get("route")
        )
        return JSONResponse({"calls": [record.as_json() for record in found]})

    async def clear_calls(self, request: Request) -> Response:
        del request
        self._calls.clear()
        return Response(status_code=204)

    def routes(self) -> list[BaseRoute]:
        seller = "/_admin/sellers/{seller}"
        return [
            Route("/_admin/health", self.health, methods=["GET"]),
            Route("/_admin/sellers", self.register, methods=["POST"]),
            Route(f"{seller}/credentials", self.credentials, methods=["POST"]),
            Route(f"{seller}/expire-tokens", self.expire_tokens, methods=["POST"]),
            Route(f"{seller}/listings", self.listings, methods=["GET"]),
            Route(f"{seller}/listings/count", self.count, methods=["GET"]),
            Route(f"{seller}/sales", self.sale, methods=["POST"]),
            Route("/_admin/faults", self.list_faults, methods=["GET"]),
            Route("/_admin/faults", self.add_fault, methods=["POST"]),
            Route("/_admin/faults", self.clear_faults, methods=["DELETE"]),
            Route("/_admin/faults/{fault_id}", self.remove_fault, methods=["DELETE"]),
            Route("/_admin/calls", self.list_calls, methods=["GET"]),
            Route("/_admin/calls", self.clear_calls, methods=["DELETE"]),
        ]
