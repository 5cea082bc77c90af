"""`POST /v3/public/oauth/token`: authorization code with PKCE (S256), and refresh.

Unlike eBay, each refresh rotates the refresh token: the answer carries a new one and the old one
stops working. Tokens start with the user id and a dot, as Etsy's do.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.etsy.errors import etsy_error
from stoflow.sandbox.etsy.state import ACCESS_TOKEN_TTL_S, REFRESH_TOKEN_TTL_S, EtsyState
from stoflow.sandbox.tokens import pkce_s256

CODE_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def _invalid_grant(description: str) -> JSONResponse:
    return etsy_error(400, "invalid_grant", description=description)


async def _params(request: Request) -> dict[str, str]:
    # Form encoding is documented; some SDKs send the refresh request as JSON.
    if request.headers.get("content-type", "").startswith("application/json"):
        body: Any = json.loads(await request.body() or b"{}")
        return {str(k): str(v) for k, v in body.items()} if isinstance(body, dict) else {}
    form = await request.form()
    return {key: str(value) for key, value in form.items()}


class TokenRoutes:
    def __init__(self, state: EtsyState) -> None:
        self._state = state

    def _tokens(self, seller_id: str, app_id: str, scopes: frozenset[str]) -> JSONResponse:
        prefix = f"{seller_id}."
        access = self._state.tokens.issue_access(seller_id, app_id, scopes, ACCESS_TOKEN_TTL_S, prefix)
        refresh = self._state.tokens.issue_refresh(seller_id, app_id, scopes, REFRESH_TOKEN_TTL_S, prefix)
        return JSONResponse(
            {
                "access_token": access.value,
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_TTL_S,
                "refresh_token": refresh.value,
            }
        )

    async def issue_token(self, request: Request) -> Response:
        params = await _params(request)
        app = self._state.apps.get(params.get("client_id", ""))
        if app is None:
            return etsy_error(401, "invalid_client", description="client_id is unknown")
        grant_type = params.get("grant_type")
        if grant_type == "authorization_code":
            verifier = params.get("code_verifier", "")
            code = self._state.tokens.redeem_code(params.get("code", ""), app.keystring)
            if code is None or code.seller_id is None:
                return _invalid_grant("code is invalid or expired")
            if code.redirect_uri != params.get("redirect_uri"):
                return _invalid_grant("redirect_uri does not match the authorization request")
            if not CODE_VERIFIER.match(verifier) or pkce_s256(verifier) != code.code_challenge:
                return _invalid_grant("code_verifier is invalid")
            return self._tokens(code.seller_id, app.keystring, code.scopes)
        if grant_type == "refresh_token":
            old = self._state.tokens.refresh(params.get("refresh_token", ""), app.keystring)
            if old is None:
                return _invalid_grant("refresh_token is invalid or expired")
            old.revoked = True
            return self._tokens(str(old.seller_id), app.keystring, old.scopes)
        return etsy_error(
            400,
            "unsupported_grant_type",
            description="grant_type must be authorization_code or refresh_token",
        )

    def routes(self) -> list[BaseRoute]:
        return [Route("/v3/public/oauth/token", self.issue_token, methods=["POST"], name="oauthToken")]
