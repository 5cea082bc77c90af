"""/api/connections: marketplace accounts, the eBay/Etsy OAuth connection, account settings.

The callback is the one API route without an API key: the marketplace redirects the seller's
browser to it. The single-use state stored at the start names the tenant, so the callback can only
complete a connection that the tenant's own key started.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.responses import RedirectResponse

from stoflow.api import plugin_tokens
from stoflow.api.deps import CallerDep, ServicesDep, TenantDbDep
from stoflow.api.errors import NotFoundError
from stoflow.api.oauth import providers, states
from stoflow.api.queries import connections as q
from stoflow.api.schemas.common import Message, ObjectId, Responses, not_found
from stoflow.api.schemas.connections import (
    ConnectionPublic,
    ConnectionStart,
    ConnectionStarted,
    PluginTokenCreated,
    SettingsUpdate,
)
from stoflow.api.services import ApiServices
from stoflow.domain.clock import system_clock
from stoflow.domain.enums import Marketplace
from stoflow.domain.errors import ValidationFailed
from stoflow.store.secrets import SecretBox

router = APIRouter(tags=["connections"])
NOT_FOUND = not_found("connection")
UNAVAILABLE: Responses = {
    503: {"model": Message, "description": "OAuth is not configured for this marketplace"}
}


def _box(services: ApiServices) -> SecretBox:
    if services.box is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "credential storage is not configured")
    return services.box


@router.get("/api/connections")
def list_connections(engine: TenantDbDep) -> list[ConnectionPublic]:
    """The caller's marketplace accounts with their status and settings (never credentials)."""
    with engine.connect() as conn:
        return q.list_connections(conn)


@router.post("/api/connections/{marketplace}/connect", status_code=201, responses=UNAVAILABLE)
def start_connection(
    marketplace: Marketplace, body: ConnectionStart, caller: CallerDep, services: ServicesDep
) -> ConnectionStarted:
    """Start an eBay or Etsy OAuth connection: state and PKCE verifier are kept in the database."""
    if marketplace is Marketplace.VINTED:
        raise ValidationFailed("marketplace", "Vinted is connected with the browser plugin, not OAuth")
    box = _box(services)
    with services.db.shared.begin() as conn:
        started = states.start_connection(
            conn,
            box,
            tenant=caller.tenant,
            marketplace=marketplace,
            label=body.label,
            pkce=marketplace is Marketplace.ETSY,
            now=system_clock(),
            ttl_s=services.oauth_apps.state_ttl_s,
        )
        try:
            url = providers.authorize_url(
                services.oauth_apps, marketplace, started.state, started.code_challenge
            )
        except providers.OAuthNotConfigured as exc:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from None
    return ConnectionStarted(authorize_url=url)


@router.get(
    "/api/oauth/{marketplace}/callback",
    status_code=status.HTTP_303_SEE_OTHER,
    response_class=RedirectResponse,
    responses={400: {"model": Message, "description": "Unknown, expired or refused connection"}},
)
def oauth_callback(
    marketplace: Marketplace,
    services: ServicesDep,
    state: Annotated[str, Query(min_length=1, max_length=200)],
    code: Annotated[str | None, Query(max_length=2000)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> RedirectResponse:
    """Where the marketplace sends the seller back: trade the code for tokens, save the account."""
    box = _box(services)
    with services.db.shared.begin() as conn:
        pending = states.take_connection(conn, box, state=state, marketplace=marketplace, now=system_clock())
    if pending is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "unknown or expired connection: start it again")
    if error is not None or not code:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"the seller did not grant access ({error or 'no code'})"
        )
    try:
        credentials, user_id = providers.exchange_code(
            services.oauth_apps, services.settings, marketplace, code, pending.code_verifier
        )
    except providers.OAuthExchangeError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    with services.db.tenant(pending.tenant).begin() as conn:
        q.save_connected_account(
            conn,
            box,
            marketplace=marketplace,
            label=pending.label,
            credentials=credentials,
            external_user_id=user_id,
            now=system_clock(),
        )
    return RedirectResponse(f"/?connected={marketplace.value}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/api/connections/vinted/plugin-token", status_code=201)
def issue_plugin_token(
    body: ConnectionStart, caller: CallerDep, services: ServicesDep, engine: TenantDbDep
) -> PluginTokenCreated:
    """A token for the Vinted browser plugin (earlier tokens of the account stop working)."""
    box = _box(services)
    now = system_clock()
    with engine.begin() as conn:
        account_id = q.ensure_plugin_account(conn, box, label=body.label, now=now)
    token = plugin_tokens.issue_plugin_token(services.db, caller.tenant, account_id, now=now)
    return PluginTokenCreated(account_id=account_id, token=token)


@router.patch("/api/connections/{account_id}/settings", responses=NOT_FOUND)
def update_settings(account_id: ObjectId, body: SettingsUpdate, engine: TenantDbDep) -> ConnectionPublic:
    """eBay: policies, location, site; Etsy: shop and shipping profile. Only the fields sent change."""
    with engine.begin() as conn:
        current = q.get_connection(conn, account_id)
        if current is None:
            raise NotFoundError("connection", account_id)
        if current.marketplace.value != body.marketplace:
            raise ValidationFailed("marketplace", f"this is a {current.marketplace.value} account")
        q.update_settings(
            conn, account_id, body.model_dump(exclude_unset=True, exclude={"marketplace"}), system_clock()
        )
        updated = q.get_connection(conn, account_id)
    assert updated is not None
    return updated


@router.delete("/api/connections/{account_id}", status_code=204, responses=NOT_FOUND)
def delete_connection(account_id: ObjectId, engine: TenantDbDep) -> Response:
    """Forget the account and its credentials (its jobs keep their history)."""
    with engine.begin() as conn:
        if not q.delete_connection(conn, account_id):
            raise NotFoundError("connection", account_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
