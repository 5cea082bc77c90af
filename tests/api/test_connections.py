"""/api/connections: eBay and Etsy OAuth against the sandbox emulators, settings, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select

from stoflow.api.oauth.apps import OAuthApps
from stoflow.api.oauth.states import pkce_challenge
from stoflow.api.plugin_tokens import PluginCaller, authenticate_plugin
from stoflow.api.services import ApiServices
from stoflow.config import Settings
from stoflow.marketplaces.auth.accounts import load_account
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.sandbox.server import Sandbox, running_sandbox
from stoflow.store.database import Database
from stoflow.store.secrets import SecretBox
from stoflow.store.tables import marketplace_accounts, oauth_states, plugin_tokens


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as running:
        yield running


@pytest.fixture
def sellers(sandbox: Sandbox) -> dict[str, dict[str, Any]]:
    return {
        "ebay": httpx.post(f"{sandbox.ebay_url}/_admin/sellers", json={}).json(),
        "etsy": httpx.post(f"{sandbox.etsy_url}/_admin/sellers", json={}).json(),
    }


@pytest.fixture
def box() -> SecretBox:
    return SecretBox([Fernet.generate_key().decode()])


@pytest.fixture
def services(
    db: Database,
    orchestrator: TaskOrchestrator,
    sandbox: Sandbox,
    sellers: dict[str, dict[str, Any]],
    box: SecretBox,
    tmp_path: Path,
) -> ApiServices:
    """The API with StoFlow's OAuth apps registered on the emulators."""
    ebay, etsy = sellers["ebay"], sellers["etsy"]
    apps = OAuthApps(
        ebay_client_id=ebay["client_id"],
        ebay_client_secret=SecretStr(ebay["client_secret"]),
        ebay_ru_name=ebay["ru_name"],
        etsy_keystring=etsy["keystring"],
        etsy_shared_secret=SecretStr(etsy["shared_secret"]),
        etsy_redirect_uri=etsy["redirect_uri"],
    )
    settings = Settings(ebay_api_url=sandbox.ebay_url, etsy_oauth_url=sandbox.etsy_url)
    return ApiServices(
        db=db,
        orchestrator=orchestrator,
        settings=settings,
        box=box,
        oauth_apps=apps,
        media_dir=tmp_path / "media",
    )


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _callback(client: httpx.Client, marketplace: str, **params: str) -> httpx.Response:
    # The marketplace sends the seller's browser here: no API key.
    return client.get(f"/api/oauth/{marketplace}/callback", params=params, headers={"Authorization": ""})


def test_etsy_connect_with_pkce_saves_a_sealed_account(
    client: httpx.Client,
    sandbox: Sandbox,
    sellers: dict[str, dict[str, Any]],
    db: Database,
    tenant: str,
    box: SecretBox,
) -> None:
    started = client.post("/api/connections/etsy/connect", json={"label": "my shop"})
    assert started.status_code == 201, started.text
    query = _query(started.json()["authorize_url"])
    assert query["code_challenge_method"] == "S256"
    assert query["client_id"] == sellers["etsy"]["keystring"]
    # Nothing about the connection is held in memory: the state row is in the shared database.
    with db.shared.connect() as conn:
        assert conn.scalar(select(oauth_states.c.code_verifier_encrypted)) is not None

    seller = sellers["etsy"]["seller_id"]
    consent = httpx.post(
        f"{sandbox.etsy_url}/_admin/sellers/{seller}/credentials",
        json={"code_challenge": query["code_challenge"], "redirect_uri": query["redirect_uri"]},
    ).json()
    answer = _callback(client, "etsy", code=consent["code"], state=query["state"])
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/?connected=etsy"

    [account] = client.get("/api/connections").json()
    assert (account["marketplace"], account["label"], account["status"]) == ("etsy", "my shop", "connected")
    assert account["external_user_id"] == seller
    assert "token" not in str(account)
    with db.tenant(tenant).connect() as conn:
        raw = bytes(conn.scalar(select(marketplace_accounts.c.credentials_encrypted)) or b"")
        credentials = load_account(conn, box, account["id"]).credentials
    assert credentials["refresh_token"]
    assert str(credentials["refresh_token"]).encode() not in raw
    # A state is single-use.
    assert _callback(client, "etsy", code=consent["code"], state=query["state"]).status_code == 400


def test_etsy_refuses_a_code_issued_for_another_challenge(
    client: httpx.Client, sandbox: Sandbox, sellers: dict[str, dict[str, Any]]
) -> None:
    query = _query(client.post("/api/connections/etsy/connect", json={}).json()["authorize_url"])
    consent = httpx.post(
        f"{sandbox.etsy_url}/_admin/sellers/{sellers['etsy']['seller_id']}/credentials",
        json={"code_challenge": pkce_challenge("x" * 50), "redirect_uri": query["redirect_uri"]},
    ).json()
    answer = _callback(client, "etsy", code=consent["code"], state=query["state"])
    assert answer.status_code == 400
    assert "code_verifier is invalid" in answer.json()["detail"]
    assert client.get("/api/connections").json() == []


def test_ebay_connect_then_settings(
    client: httpx.Client, sandbox: Sandbox, sellers: dict[str, dict[str, Any]]
) -> None:
    query = _query(
        client.post("/api/connections/ebay/connect", json={"label": "main"}).json()["authorize_url"]
    )
    assert query["redirect_uri"] == sellers["ebay"]["ru_name"]
    consent = httpx.post(
        f"{sandbox.ebay_url}/_admin/sellers/{sellers['ebay']['seller_id']}/credentials"
    ).json()
    answer = _callback(client, "ebay", code=consent["authorization_code"], state=query["state"])
    assert answer.status_code == 303, answer.text
    [account] = client.get("/api/connections").json()

    path = f"/api/connections/{account['id']}/settings"
    policies = {
        "marketplace": "ebay",
        "marketplace_id": "EBAY_FR",
        "merchant_location_key": "warehouse-1",
        "fulfillment_policy_id": "6000000001",
        "payment_policy_id": "6000000002",
        "return_policy_id": "6000000003",
    }
    updated = client.patch(path, json=policies)
    assert updated.status_code == 200, updated.text
    assert updated.json()["settings"] == {k: v for k, v in policies.items() if k != "marketplace"}
    assert (
        client.patch(path, json={"marketplace": "ebay", "payment_policy_id": "7"}).json()["settings"][
            "payment_policy_id"
        ]
        == "7"
    )
    wrong = client.patch(path, json={"marketplace": "etsy", "shop_id": 5})
    assert wrong.status_code == 422
    bad = client.patch(
        path, json={"marketplace": "ebay", "marketplace_id": "FRANCE", "payment_policy_id": ""}
    )
    assert {tuple(e["loc"][-1:]) for e in bad.json()["detail"]} >= {
        ("marketplace_id",),
        ("payment_policy_id",),
    }
    assert client.delete(f"/api/connections/{account['id']}").status_code == 204
    assert client.get("/api/connections").json() == []


def test_callbacks_that_cannot_be_trusted_are_400(client: httpx.Client) -> None:
    assert _callback(client, "ebay", code="c", state="never-issued").status_code == 400
    query = _query(client.post("/api/connections/ebay/connect", json={}).json()["authorize_url"])
    # A state started for eBay does not complete an Etsy connection, and is spent by the attempt.
    assert _callback(client, "etsy", code="c", state=query["state"]).status_code == 400
    assert _callback(client, "ebay", code="c", state=query["state"]).status_code == 400
    denied = _query(client.post("/api/connections/ebay/connect", json={}).json()["authorize_url"])
    assert _callback(client, "ebay", error="access_denied", state=denied["state"]).status_code == 400


def test_vinted_has_no_oauth_and_unconfigured_apps_are_503(
    client: httpx.Client, services: ApiServices, base_url: str
) -> None:
    answer = client.post("/api/connections/vinted/connect", json={})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "marketplace"]
    services.oauth_apps.etsy_keystring = None
    assert client.post("/api/connections/etsy/connect", json={}).status_code == 503


def test_another_tenants_connection_is_404(
    client: httpx.Client, other_client: httpx.Client, sandbox: Sandbox, sellers: dict[str, dict[str, Any]]
) -> None:
    query = _query(client.post("/api/connections/ebay/connect", json={}).json()["authorize_url"])
    consent = httpx.post(
        f"{sandbox.ebay_url}/_admin/sellers/{sellers['ebay']['seller_id']}/credentials"
    ).json()
    _callback(client, "ebay", code=consent["authorization_code"], state=query["state"])
    [account] = client.get("/api/connections").json()
    assert other_client.get("/api/connections").json() == []
    path = f"/api/connections/{account['id']}"
    assert other_client.patch(f"{path}/settings", json={"marketplace": "ebay"}).status_code == 404
    assert other_client.delete(path).status_code == 404
    assert client.get("/api/connections").json() == [account]


def test_vinted_plugin_tokens_name_one_account_and_replace_each_other(
    client: httpx.Client, other_client: httpx.Client, db: Database, tenant: str
) -> None:
    first = client.post("/api/connections/vinted/plugin-token", json={"label": "closet"})
    assert first.status_code == 201, first.text
    account_id = first.json()["account_id"]
    [account] = client.get("/api/connections").json()
    assert (account["marketplace"], account["status"]) == ("vinted", "waiting_plugin")
    caller = authenticate_plugin(db, first.json()["token"])
    assert caller == PluginCaller(tenant=tenant, account_id=account_id)

    second = client.post("/api/connections/vinted/plugin-token", json={"label": "closet"}).json()
    assert second["account_id"] == account_id
    assert authenticate_plugin(db, first.json()["token"]) is None
    assert authenticate_plugin(db, second["token"]) == caller
    assert authenticate_plugin(db, second["token"][:-1] + "x") is None
    with db.shared.connect() as conn:
        assert second["token"].split("_", 2)[2] not in str(conn.execute(select(plugin_tokens)).all())
    # The other tenant's token for the same label is a different account of its own.
    theirs = other_client.post("/api/connections/vinted/plugin-token", json={"label": "closet"}).json()
    other = authenticate_plugin(db, theirs["token"])
    assert other is not None
    assert other.tenant != tenant
