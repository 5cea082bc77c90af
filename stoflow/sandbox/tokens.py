"""OAuth grants shared by the eBay and Etsy emulators: codes, access tokens, refresh tokens.

Values come from the sandbox's seeded generator rather than `secrets`: they only need to be
unguessable by accident, and reproducible runs are worth more here.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass

from stoflow.sandbox.clock import Clock


@dataclass
class Grant:
    value: str
    seller_id: str | None  # None for an application token (client credentials)
    app_id: str
    scopes: frozenset[str]
    expires_at: float
    revoked: bool = False


@dataclass
class AuthorizationCode(Grant):
    redirect_uri: str = ""
    code_challenge: str | None = None  # PKCE S256 challenge, Etsy only


class TokenStore:
    def __init__(self, clock: Clock, rng: random.Random) -> None:
        self._clock = clock
        self._rng = rng
        self._access: dict[str, Grant] = {}
        self._refresh: dict[str, Grant] = {}
        self._codes: dict[str, AuthorizationCode] = {}

    def new_secret(self, prefix: str = "") -> str:
        return f"{prefix}{self._rng.getrandbits(160):040x}"

    def issue_access(
        self, seller_id: str | None, app_id: str, scopes: frozenset[str], ttl_s: int, prefix: str = ""
    ) -> Grant:
        grant = Grant(self.new_secret(prefix), seller_id, app_id, scopes, self._clock.now() + ttl_s)
        self._access[grant.value] = grant
        return grant

    def issue_refresh(
        self, seller_id: str, app_id: str, scopes: frozenset[str], ttl_s: int, prefix: str = ""
    ) -> Grant:
        grant = Grant(self.new_secret(prefix), seller_id, app_id, scopes, self._clock.now() + ttl_s)
        self._refresh[grant.value] = grant
        return grant

    def issue_code(
        self,
        *,
        seller_id: str,
        app_id: str,
        scopes: frozenset[str],
        redirect_uri: str,
        code_challenge: str | None = None,
        ttl_s: int = 300,
    ) -> AuthorizationCode:
        code = AuthorizationCode(
            self.new_secret("code-"),
            seller_id,
            app_id,
            scopes,
            self._clock.now() + ttl_s,
            redirect_uri=redirect_uri,
            code_challenge=code_challenge,
        )
        self._codes[code.value] = code
        return code

    def _usable(self, grant: Grant | None, app_id: str | None) -> Grant | None:
        if grant is None or grant.revoked or grant.expires_at <= self._clock.now():
            return None
        if app_id is not None and grant.app_id != app_id:
            return None
        return grant

    def access(self, value: str) -> Grant | None:
        return self._usable(self._access.get(value), None)

    def refresh(self, value: str, app_id: str) -> Grant | None:
        return self._usable(self._refresh.get(value), app_id)

    def redeem_code(self, value: str, app_id: str) -> AuthorizationCode | None:
        """A code works once: redeeming it revokes it, whatever the outcome of the exchange."""
        code = self._codes.get(value)
        if self._usable(code, app_id) is None or code is None:
            return None
        code.revoked = True
        return code

    def seller_of_access(self, value: str) -> str | None:
        grant = self._access.get(value)
        return grant.seller_id if grant is not None else None

    def expire_seller(self, seller_id: str) -> int:
        """Expire the seller's live access tokens now; refresh tokens keep working."""
        now = self._clock.now()
        expired = 0
        for grant in self._access.values():
            if grant.seller_id == seller_id and grant.expires_at > now:
                grant.expires_at = now
                expired += 1
        return expired


def pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
