"""OAuth access tokens of one account, refreshed one at a time across every worker.

A refresh runs with the account row locked (PostgreSQL `FOR UPDATE`, SQLite's write lock), so two
workers whose calls both met an expired token do not both refresh: the second waits, then finds a
token that differs from the one it saw refused and uses it. Etsy rotates the refresh token on every
refresh and revokes the old one, so the new pair is committed (encrypted) before the new access
token is used: a crash after the commit loses nothing, and no call runs on a pair we did not keep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine

from stoflow.domain.clock import Clock, system_clock
from stoflow.marketplaces.auth.accounts import Account, locked_account
from stoflow.store.secrets import SecretBox

# Refresh a little before the stated expiry: a token that expires in flight costs a 401 round trip.
EXPIRY_MARGIN_S = 60.0


@dataclass(frozen=True, slots=True)
class TokenGrant:
    access_token: str
    expires_in_s: float
    refresh_token: str | None = None  # Etsy rotates it; eBay keeps the original one


class TokenEndpoint(Protocol):
    """A marketplace's refresh grant. Raises AuthExpiredError when the refresh token is refused."""

    async def refresh(self, credentials: Mapping[str, Any]) -> TokenGrant: ...


class AccountTokens:
    """TokenSource (see marketplaces.http) for one account."""

    def __init__(
        self,
        engine: Engine,
        box: SecretBox,
        account: Account,
        endpoint: TokenEndpoint,
        *,
        clock: Clock = system_clock,
        epoch: Callable[[], float] = time.time,
    ) -> None:
        self._engine = engine
        self._box = box
        self._account_id = account.id
        self._credentials: Mapping[str, Any] = account.credentials
        self._endpoint = endpoint
        self._clock = clock
        self._epoch = epoch

    def _fresh(self, credentials: Mapping[str, Any]) -> str | None:
        token = credentials.get("access_token")
        expires_at = float(credentials.get("access_expires_at") or 0)
        if token and expires_at - EXPIRY_MARGIN_S > self._epoch():
            return str(token)
        return None

    async def access_token(self) -> str:
        token = self._fresh(self._credentials)
        if token is not None:
            return token
        return await self.refreshed_token(str(self._credentials.get("access_token") or ""))

    async def refreshed_token(self, rejected: str) -> str:
        with locked_account(self._engine, self._box, self._account_id, self._clock()) as locked:
            current = locked.account.credentials
            token = self._fresh(current)
            if token is not None and token != rejected:
                self._credentials = current  # a peer refreshed while we waited for the lock
                return token
            grant = await self._endpoint.refresh(current)
            updated = {
                **current,
                "access_token": grant.access_token,
                "access_expires_at": self._epoch() + grant.expires_in_s,
            }
            if grant.refresh_token:
                updated["refresh_token"] = grant.refresh_token
            locked.save_credentials(updated)
        # Committed above (the block's transaction) before the new token is used for anything.
        self._credentials = updated
        return grant.access_token
