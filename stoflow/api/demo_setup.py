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
# A UK shop: eBay's verified aspect names cover EBAY_GB, and every listing is priced in pounds.
DEMO_CURRENCY = "GBP"
DEMO_EBAY_SITE = "EBAY_GB"
DEMO_ETSY_SELLER = {"country_iso": "GB", "currency_code": DEMO_CURRENCY}

# title, price, brand, category, gender, size, colour, material, condition (0-10)
_ITEMS: tuple[tuple[str, str, str, str, str, str, str, str, int], ...] = (
    ("Levi's 501 jeans W32 L34", "29.00", "Levi's", "jeans", "men", "W32", "Blue", "Cotton", 8),
    ("Patagonia fleece jacket", "55.00", "Patagonia", "fleece jacket", "women", "M", "Green", "Polyester", 7),
    ("Barbour waxed jacket", "90.00", "Barbour", "jacket", "men", "L", "Green", "Cotton", 6),
    ("Laura Ashley floral dress", "38.00", "Laura Ashley", "dress", "women", "S", "Pink", "Cotton", 7),
    ("Carhartt WIP chore coat", "80.00", "Carhartt", "coat", "men", "L", "Brown", "Cotton", 8),
    ("Champion hoodie", "25.00", "Champion", "hoodie", "men", "M", "Grey", "Cotton", 7),
    ("Hand-knitted wool cardigan", "24.00", "", "cardigan", "women", "M", "Beige", "Wool", 9),
    ("Ralph Lauren silk blouse", "22.00", "Ralph Lauren", "blouse", "women", "S", "White", "Silk", 8),
    ("Adidas track jacket", "45.00", "Adidas", "jacket", "women", "M", "Black", "Polyester", 6),
    ("Linen summer dress", "30.00", "Zara", "dress", "women", "M", "White", "Linen", 9),
    ("Wool duffle coat", "60.00", "", "coat", "women", "S", "Navy", "Wool", 7),
    ("Lee Rider jeans W30", "27.00", "Lee", "jeans", "women", "W30", "Blue", "Cotton", 8),
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
            for index, (
                title,
                price,
                brand,
                category,
                gender,
                size,
                colour,
                material,
                condition,
            ) in enumerate(_ITEMS):
                add_product(
                    conn,
                    title=title,
                    price=Decimal(price),
                    currency=DEMO_CURRENCY,
                    description=f"{title}. Second-hand, photographed in daylight.",
                    brand=brand or None,
                    category=category,
                    gender=gender,
                    size=size,
                    colors=[colour],
                    materials=[material],
                    condition=condition,
                    era="1990s",  # vintage (20+ years): Etsy accepts second-hand items only then
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
        return credentials, {"marketplace_id": DEMO_EBAY_SITE, **{k: seller[k] for k in keys}}
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
