"""Connecting to the emulators as a seller would, through the admin API and the real token routes."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

EBAY_REFRESH_FORM = "grant_type=refresh_token"
JPEG = b"\xff\xd8\xff\xe0" + b"sandbox-photo" * 8
Exchange = tuple[httpx.Request, httpx.Response]


@dataclass
class Recorder:
    """Keeps every request/response pair a client saw, for spec validation."""

    exchanges: list[Exchange] = field(default_factory=list)

    def hook(self) -> Callable[[httpx.Response], None]:
        def record(response: httpx.Response) -> None:
            response.read()
            response.request.read()  # multipart bodies stream; keep them for validation
            self.exchanges.append((response.request, response))

        return record


def _client(base_url: str, recorder: Recorder | None, **kwargs: Any) -> httpx.Client:
    hooks = {"response": [recorder.hook()]} if recorder is not None else {}
    return httpx.Client(base_url=base_url, event_hooks=hooks, timeout=5.0, **kwargs)


@dataclass
class EbaySession:
    base_url: str
    credentials: dict[str, Any]
    access_token: str
    client: httpx.Client

    def refresh(self) -> httpx.Response:
        basic = base64.b64encode(
            f"{self.credentials['client_id']}:{self.credentials['client_secret']}".encode()
        ).decode()
        return self.client.post(
            "/identity/v1/oauth2/token",
            data={"grant_type": "refresh_token", "refresh_token": self.credentials["refresh_token"]},
            headers={"Authorization": f"Basic {basic}"},
        )


def connect_ebay(base_url: str, recorder: Recorder | None = None) -> EbaySession:
    client = _client(base_url, recorder)  # one client: building one costs about 0.1 s
    credentials = client.post("/_admin/sellers", json={}).json()
    session = EbaySession(base_url, credentials, "", client)
    token = session.refresh().json()["access_token"]
    session.access_token = token
    session.client.headers.update({"Authorization": f"Bearer {token}", "Content-Language": "en-US"})
    return session


def pkce_pair(verifier: str = "sandbox-verifier-" + "x" * 40) -> tuple[str, str]:
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class EtsySession:
    base_url: str
    credentials: dict[str, Any]
    tokens: dict[str, Any]
    client: httpx.Client

    @property
    def shop_path(self) -> str:
        return f"/v3/application/shops/{self.credentials['shop_id']}"

    def use_token(self, access_token: str) -> None:
        self.client.headers["Authorization"] = f"Bearer {access_token}"


def connect_etsy(base_url: str, recorder: Recorder | None = None, **shop: str) -> EtsySession:
    """Registers a shop (options such as country_iso) and runs the real PKCE exchange for tokens."""
    client = _client(base_url, recorder)
    credentials = client.post("/_admin/sellers", json=shop).json()
    verifier, challenge = pkce_pair()
    code = client.post(
        f"/_admin/sellers/{credentials['seller_id']}/credentials",
        json={"code_challenge": challenge},
    ).json()
    tokens = client.post(
        "/v3/public/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": credentials["keystring"],
            "redirect_uri": code["redirect_uri"],
            "code": code["code"],
            "code_verifier": verifier,
        },
    ).json()
    client.headers["x-api-key"] = credentials["api_key"]
    session = EtsySession(base_url, credentials, tokens, client)
    session.use_token(tokens["access_token"])
    return session


@dataclass
class VintedSession:
    base_url: str
    credentials: dict[str, Any]
    client: httpx.Client

    def upload_photo(self) -> int:
        response = self.client.post(
            "/api/v2/photos",
            data={"photo[type]": "item", "photo[temp_uuid]": "t-1"},
            files={"photo[file]": ("a.jpg", JPEG, "image/jpeg")},
        )
        response.raise_for_status()
        return int(response.json()["id"])


def connect_vinted(base_url: str) -> VintedSession:
    client = _client(base_url, None)
    credentials = client.post("/_admin/sellers", json={}).json()
    client.cookies.update(credentials["cookies"])
    client.headers["X-CSRF-Token"] = credentials["csrf_token"]
    return VintedSession(base_url, credentials, client)


def vinted_item(photo_id: int, **overrides: Any) -> dict[str, Any]:
    item = {
        "id": None,
        "currency": "EUR",
        "temp_uuid": "t-1",
        "title": "Veste en jean [SKU-1]",
        "description": "Très bon état",
        "brand_id": 53,
        "brand": "Levi's",
        "catalog_id": 1206,
        "size_id": 207,
        "status_id": 2,
        "color_ids": [9],
        "price": 25,
        "package_size_id": 2,
        "assigned_photos": [{"id": photo_id, "orientation": 0}],
        "is_unisex": False,
        "item_attributes": [],
        "shipment_prices": {"domestic": None, "international": None},
    }
    item.update(overrides)
    return {"item": item, "feedback_id": None, "push_up": False, "parcel": None, "upload_session_id": "t-1"}
