"""The two OAuth providers: the consent URL to send the seller to, and the code-for-tokens exchange.

The exchange answers credentials in the shape the integrations read (stoflow.marketplaces.*.client).
Errors never carry tokens or secrets: only the marketplace's `error`/`error_description`.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import httpx

from stoflow.api.oauth.apps import OAuthApps
from stoflow.config import Settings
from stoflow.domain.enums import Marketplace


class OAuthNotConfigured(RuntimeError):
    """StoFlow has no OAuth application configured for this marketplace."""


class OAuthExchangeError(RuntimeError):
    """The marketplace refused the authorization code."""


def _secret(value: Any) -> str:
    return str(value.get_secret_value()) if value is not None else ""


def authorize_url(apps: OAuthApps, marketplace: Marketplace, state: str, challenge: str | None) -> str:
    if marketplace is Marketplace.EBAY:
        if not apps.ebay_ready:
            raise OAuthNotConfigured("eBay OAuth is not configured (STOFLOW_OAUTH_EBAY_*)")
        query = {
            "client_id": apps.ebay_client_id,
            "redirect_uri": apps.ebay_ru_name,
            "response_type": "code",
            "scope": apps.ebay_scopes,
            "state": state,
        }
        return f"{apps.ebay_authorize_url}?{urlencode(query)}"
    if marketplace is Marketplace.ETSY:
        if not apps.etsy_ready:
            raise OAuthNotConfigured("Etsy OAuth is not configured (STOFLOW_OAUTH_ETSY_*)")
        query = {
            "response_type": "code",
            "client_id": apps.etsy_keystring,
            "redirect_uri": apps.etsy_redirect_uri,
            "scope": apps.etsy_scopes,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return f"{apps.etsy_authorize_url}?{urlencode(query)}"
    raise OAuthNotConfigured(f"{marketplace.value} has no OAuth: connect it with the browser plugin")


def _post(url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        response = httpx.post(url, timeout=20, **kwargs)
    except httpx.HTTPError as exc:
        raise OAuthExchangeError(f"the marketplace did not answer: {type(exc).__name__}") from None
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        body = {}
    if response.is_error or "access_token" not in body:
        reason = body.get("error_description") or body.get("error") or f"HTTP {response.status_code}"
        raise OAuthExchangeError(f"the marketplace refused the authorization: {reason}")
    return body


def exchange_code(
    apps: OAuthApps, settings: Settings, marketplace: Marketplace, code: str, verifier: str | None
) -> tuple[dict[str, Any], str | None]:
    """Trade the code for tokens; returns the account credentials and the marketplace's user id."""
    now = time.time()
    if marketplace is Marketplace.EBAY:
        body = _post(
            f"{settings.ebay_api_url}/identity/v1/oauth2/token",
            auth=(apps.ebay_client_id or "", _secret(apps.ebay_client_secret)),
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": apps.ebay_ru_name},
        )
        credentials = {
            "client_id": apps.ebay_client_id,
            "client_secret": _secret(apps.ebay_client_secret),
            "refresh_token": body["refresh_token"],
            "access_token": body["access_token"],
            "access_expires_at": now + float(body.get("expires_in", 0)),
            "scopes": apps.ebay_scopes.split(),
        }
        return credentials, None
    body = _post(
        f"{settings.etsy_oauth_url}/v3/public/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": apps.etsy_keystring,
            "redirect_uri": apps.etsy_redirect_uri,
            "code": code,
            "code_verifier": verifier or "",
        },
    )
    credentials = {
        "keystring": apps.etsy_keystring,
        "shared_secret": _secret(apps.etsy_shared_secret),
        "refresh_token": body["refresh_token"],
        "access_token": body["access_token"],
        "access_expires_at": now + float(body.get("expires_in", 0)),
    }
    # Etsy's tokens start with the user id: "<user_id>.<opaque>".
    user_id = str(body["access_token"]).split(".", 1)[0]
    return credentials, user_id if user_id.isdigit() else None
