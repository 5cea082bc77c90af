"""DEMO data for `stoflow up`: a tenant with products, photos and sandbox accounts, and an API key.

The products run through the DEMO handlers (stoflow.handlers.demo). Two of them carry the demo
failure flag, so the first run of a batch shows failed jobs with a marketplace's message, and
"retry failed" completes them. The marketplace accounts are registered on the local sandbox
emulators; the DEMO handlers do not call them yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from stoflow.api.keys import create_api_key
from stoflow.api.queries.connections import save_connected_account
from stoflow.domain.clock import system_clock
from stoflow.domain.enums import Marketplace
from stoflow.handlers.demo import FAIL_FLAG
from stoflow.store.database import Database
from stoflow.store.products import add_product
from stoflow.store.secrets import SecretBox
from stoflow.store.tables import tenants
from stoflow.store.tenants import create_tenant

DEMO_TENANT = "demo"

_ITEMS: tuple[tuple[str, str, str, str, int], ...] = (
    ("Levi's 501 jeans W32 L34", "29.00", "Levi's", "jeans", 8),
    ("Patagonia fleece jacket M", "55.00", "Patagonia", "jacket", 7),
    ("Doc Martens 1460 boots 40", "70.00", "Dr. Martens", "boots", 6),
    ("Vintage 90s silk scarf", "18.00", "Hermes", "scarf", 7),
    ("Carhartt WIP chore coat L", "80.00", "Carhartt", "coat", 8),
    ("Nike Air Max 90 size 42", "65.00", "Nike", "sneakers", 7),
    ("Wool cardigan, hand knitted", "24.00", "", "cardigan", 9),
    ("Ralph Lauren oxford shirt S", "22.00", "Ralph Lauren", "shirt", 8),
    ("Adidas track jacket 80s", "45.00", "Adidas", "jacket", 6),
    ("Linen summer dress 38", "30.00", "Zara", "dress", 9),
    ("Leather belt, brass buckle", "15.00", "", "belt", 7),
    ("Converse Chuck 70 size 39", "35.00", "Converse", "sneakers", 8),
)
FAILING = frozenset({6, 10})  # no brand: the DEMO eBay step answers "Brand is missing" once


@dataclass(frozen=True, slots=True)
class DemoTenant:
    name: str
    api_key: str
    created: bool


def ensure_demo_tenant(
    db: Database, box: SecretBox, sandbox_sellers: Mapping[Marketplace, dict[str, Any]]
) -> DemoTenant:
    """Create the demo tenant with its products and accounts on first use; always a new API key."""
    with db.shared.connect() as conn:
        exists = conn.scalar(select(tenants.c.id).where(tenants.c.name == DEMO_TENANT)) is not None
    if not exists:
        create_tenant(db, DEMO_TENANT)
        with db.tenant(DEMO_TENANT).begin() as conn:
            for index, (title, price, brand, category, condition) in enumerate(_ITEMS):
                add_product(
                    conn,
                    title=title,
                    price=Decimal(price),
                    description=f"{title}. Second-hand, photographed in daylight.",
                    brand=brand or None,
                    category=category,
                    condition=condition,
                    images=[
                        (f"https://images.stoflow.invalid/demo/{index}/front.jpg", False),
                        (f"https://images.stoflow.invalid/demo/{index}/back.jpg", False),
                        (f"https://images.stoflow.invalid/demo/{index}/price-label.jpg", True),
                    ],
                    attributes={FAIL_FLAG: "missing brand"} if index in FAILING else {},
                )
    _connect_accounts(db, box, sandbox_sellers)
    return DemoTenant(DEMO_TENANT, create_api_key(db, DEMO_TENANT, label="stoflow up"), created=not exists)


def sandbox_account(
    marketplace: Marketplace, seller: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Credentials and settings, in the integrations' shape, from a sandbox seller registration."""
    if marketplace is Marketplace.EBAY:
        credentials = {k: seller[k] for k in ("client_id", "client_secret", "refresh_token", "scopes")}
        keys = ("merchant_location_key", "fulfillment_policy_id", "payment_policy_id", "return_policy_id")
        return credentials, {k: seller[k] for k in keys}
    if marketplace is Marketplace.ETSY:
        credentials = {k: seller[k] for k in ("keystring", "shared_secret", "refresh_token")}
        return credentials, {k: seller[k] for k in ("shop_id", "shipping_profile_id", "return_policy_id")}
    return dict(seller), {}


def _connect_accounts(db: Database, box: SecretBox, sellers: Mapping[Marketplace, dict[str, Any]]) -> None:
    """Store (or refresh) one sandbox account per marketplace, credentials sealed at rest."""
    now = system_clock()
    with db.tenant(DEMO_TENANT).begin() as conn:
        for marketplace, seller in sellers.items():
            credentials, settings = sandbox_account(marketplace, seller)
            user = seller.get("seller_id") or seller.get("user_id")
            save_connected_account(
                conn,
                box,
                marketplace=marketplace,
                label="sandbox",
                credentials=credentials,
                settings=settings,
                external_user_id=str(user)[:120] if user is not None else None,
                now=now,
            )
