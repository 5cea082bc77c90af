"""`POST /identity/v1/oauth2/token`: client credentials, authorization code and refresh grants.

Refresh tokens are not rotated: a refresh answers an access token only, and the refresh token keeps
working until its 18 months run out.
"""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.ebay.state import (
    ACCESS_TOKEN_TTL_S,
    REFRESH_TOKEN_TTL_S,
    SCOPE_BASE,
    EbayApp,
    EbayState,
)


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _client(state: EbayState, request: Request) -> EbayApp | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    app = state.apps.get(client_id)
    return app if app is not None and app.client_secret == secret else None


def _scopes(requested: str | None, granted: frozenset[str]) -> frozenset[str] | None:
    """The requested scopes when they are a subset of the granted ones; all granted when absent."""
    if not requested:
        return granted
    wanted = frozenset(requested.split())
    return wanted if wanted <= granted else None


class TokenRoutes:
    def __init__(self, state: EbayState) -> None:
        self._state = state

    async def issue_token(self, request: Request) -> Response:
        app = _client(self._state, request)
        if app is None:
            return _oauth_error(401, "invalid_client", "client authentication failed")
        form = await request.form()
        grant_type = str(form.get("grant_type", ""))
        scope_param = form.get("scope")
        requested = str(scope_param) if scope_param is not None else None
        if grant_type == "client_credentials":
            scopes = _scopes(requested, frozenset({SCOPE_BASE}))
            if scopes is None:
                return _oauth_error(400, "invalid_scope", "the requested scope is invalid")
            grant = self._state.tokens.issue_access(
                None, app.client_id, scopes, ACCESS_TOKEN_TTL_S, "v^1.1#i^1#"
            )
            return JSONResponse(
                {
                    "access_token": grant.value,
                    "expires_in": ACCESS_TOKEN_TTL_S,
                    "token_type": "Application Access Token",
                }
            )
        if grant_type == "authorization_code":
            code = self._state.tokens.redeem_code(str(form.get("code", "")), app.client_id)
            if code is None or code.seller_id is None or code.redirect_uri != form.get("redirect_uri"):
                return _oauth_error(
                    400,
                    "invalid_grant",
                    "the provided authorization grant code is invalid or was issued to another client",
                )
            access = self._state.tokens.issue_access(
                code.seller_id, app.client_id, code.scopes, ACCESS_TOKEN_TTL_S, "v^1.1#i^1#"
            )
            refresh = self._state.tokens.issue_refresh(
                code.seller_id, app.client_id, code.scopes, REFRESH_TOKEN_TTL_S, "v^1.1#i^1#r^1#"
            )
            return JSONResponse(
                {
                    "access_token": access.value,
                    "expires_in": ACCESS_TOKEN_TTL_S,
                    "refresh_token": refresh.value,
                    "refresh_token_expires_in": REFRESH_TOKEN_TTL_S,
                    "token_type": "User Access Token",
                }
            )
        if grant_type == "refresh_token":
            refresh_grant = self._state.tokens.refresh(str(form.get("refresh_token", "")), app.client_id)
            if refresh_grant is None:
                return _oauth_error(
                    400,
                    "invalid_grant",
                    "the provided authorization refresh token is invalid or was issued to another client",
                )
            scopes = _scopes(requested, refresh_grant.scopes)
            if scopes is None:
                return _oauth_error(
                    400,
                    "invalid_scope",
                    "the requested scope is invalid, unknown, malformed, or exceeds the "
                    "scope granted to the client",
                )
            access = self._state.tokens.issue_access(
                refresh_grant.seller_id, app.client_id, scopes, ACCESS_TOKEN_TTL_S, "v^1.1#i^1#"
            )
            return JSONResponse(
                {
                    "access_token": access.value,
                    "expires_in": ACCESS_TOKEN_TTL_S,
                    "token_type": "User Access Token",
                }
            )
        return _oauth_error(
            400,
            "unsupported_grant_type",
            "grant type in request is not supported by the authorization server",
        )

    def routes(self) -> list[BaseRoute]:
        return [Route("/identity/v1/oauth2/token", self.issue_token, methods=["POST"], name="getToken")]
