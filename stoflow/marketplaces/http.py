"""The one HTTP layer every marketplace client speaks through, and the one place answers are classified.

    http = MarketplaceHttp(Marketplace.EBAY, base_url, read_error=read_ebay_error, auth=tokens)
    response = await http.request("PUT", f"/sell/inventory/v1/inventory_item/{sku}", json=body)

Every failure leaves here as a classified StepError (DESIGN.md 2.6), so retries are decided by the
orchestrator and never by the steps:

| answer                                  | raised                                   |
|-----------------------------------------|------------------------------------------|
| connection refused, connect timeout     | TransientError (nothing was sent)        |
| read timeout, connection dropped        | TransientError, ambiguous for writes     |
| 401 (after one refresh and one repeat)  | AuthExpiredError: reconnect the account  |
| 429                                     | RateLimitedError with Retry-After        |
| 5xx                                     | TransientError, ambiguous for writes     |
| other 4xx                               | MarketplaceRejected (permanent) with the |
|                                         | marketplace's own code and message       |

Callers that expect a 4xx (a 404 from a probe, eBay's 25002 "offer already exists") catch
MarketplaceRejected and read `remote`. Nothing here sleeps: waiting is the orchestrator's job.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any, Protocol

import httpx

from stoflow.domain.enums import Marketplace
from stoflow.domain.errors import AuthExpiredError, PermanentError, RateLimitedError, TransientError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class RemoteError:
    """What a marketplace said about a refused call, in its own words."""

    status: int
    code: str  # eBay's errorId, Etsy's or OAuth's `error`, or the HTTP status
    message: str
    parameters: Mapping[str, str] = field(default_factory=dict)


ErrorReader = Callable[[httpx.Response], RemoteError]


class MarketplaceRejected(PermanentError):
    """A 4xx answer: the request as sent will not succeed. `remote` holds the marketplace's words."""

    def __init__(self, marketplace: Marketplace, remote: RemoteError) -> None:
        super().__init__(
            f"{marketplace.value} refused the request (HTTP {remote.status}): {remote.message}",
            code=f"{marketplace.value}_{remote.code}",
            marketplace_message=remote.message,
        )
        self.remote = remote


class TokenSource(Protocol):
    """Bearer tokens of one account (see marketplaces/auth)."""

    async def access_token(self) -> str: ...

    async def refreshed_token(self, rejected: str) -> str:
        """A token other than `rejected`: refreshed now, or by a peer that refreshed first."""
        ...


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle costs ~0.1 s; steps open a client each, so they share one context.
    return ssl.create_default_context()


class MarketplaceHttp:
    """An httpx.AsyncClient for one marketplace host, with auth and error classification."""

    def __init__(
        self,
        marketplace: Marketplace,
        base_url: str,
        *,
        read_error: ErrorReader,
        auth: TokenSource | None = None,
        headers: Mapping[str, str] | None = None,
        timeout_s: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.marketplace = marketplace
        self._read_error = read_error
        self._auth = auth
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=dict(headers or {}),
            timeout=timeout_s,
            verify=_ssl_context(),
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one call; a 2xx answer is returned, anything else raises a classified StepError."""
        call: dict[str, Any] = {"params": params, "json": json, "data": data, "files": files}
        token = await self._auth.access_token() if self._auth else None
        response = await self._send(method, path, token, dict(headers or {}), call)
        if response.status_code == 401 and self._auth is not None and token is not None:
            # An access token can expire between our check and the call: refresh once, repeat once.
            token = await self._auth.refreshed_token(token)
            response = await self._send(method, path, token, dict(headers or {}), call)
            if response.status_code == 401:
                remote = self._read_error(response)
                raise AuthExpiredError(
                    f"{self.marketplace.value} refused a freshly refreshed token: reconnect your account",
                    code=f"{self.marketplace.value}_auth_expired",
                    marketplace_message=remote.message,
                )
        self._raise_for(method, response)
        return response

    async def _send(
        self,
        method: str,
        path: str,
        token: str | None,
        headers: dict[str, str],
        call: Mapping[str, Any],
    ) -> httpx.Response:
        if token is not None:
            headers = {**headers, "Authorization": f"Bearer {token}"}
        write = method.upper() not in SAFE_METHODS
        try:
            return await self._client.request(method, path, headers=headers, **call)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never left: safe to repeat whatever it was.
            raise TransientError(
                f"{self.marketplace.value} unreachable: {type(exc).__name__}", code="connection_failed"
            ) from exc
        except httpx.TransportError as exc:
            # Sent, then the answer was lost: a write may have been applied.
            raise TransientError(
                f"{self.marketplace.value} {method} {path}: no answer ({type(exc).__name__})",
                code="response_lost",
                ambiguous=write,
            ) from exc

    def _raise_for(self, method: str, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        remote = self._read_error(response)
        name = self.marketplace.value
        if status == 429:
            raise RateLimitedError(
                f"{name} asked to slow down",
                code=f"{name}_rate_limited",
                marketplace_message=remote.message,
                retry_after_s=retry_after_s(response),
            )
        if status >= 500:
            # Etsy has answered 500 after creating a listing: a write's outcome is unknown.
            raise TransientError(
                f"{name} failed (HTTP {status}): {remote.message}",
                code=f"{name}_{remote.code}",
                marketplace_message=remote.message,
                ambiguous=method.upper() not in SAFE_METHODS,
                retry_after_s=retry_after_s(response),
            )
        raise MarketplaceRejected(self.marketplace, remote)


def retry_after_s(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date), None when absent or unreadable."""
    raw = response.headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def json_body(response: httpx.Response) -> Any:
    """The decoded body, or None when it is empty or not JSON (error pages, dropped bodies)."""
    try:
        return response.json()
    except ValueError:
        return None
