"""The seller acting on Etsy behind StoFlow's back, and readers for what Etsy syncs leave locally."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from stoflow.domain.enums import Marketplace
from stoflow.marketplaces.auth.accounts import load_account
from stoflow.marketplaces.etsy.client import api_key
from stoflow.store.tables import marketplace_orders, products
from tests.integrations.support import Harness


def delete_on_etsy(h: Harness, account_id: int, listing_id: str) -> None:
    """The seller deletes a listing on Etsy itself. Uses the account's stored access token, because
    Etsy rotates refresh tokens: refreshing here would revoke the one StoFlow holds."""
    with h.engine.connect() as conn:
        credentials = load_account(conn, h.deps.box, account_id).credentials
    headers = {"Authorization": f"Bearer {credentials['access_token']}", "x-api-key": api_key(credentials)}
    with httpx.Client(base_url=h.sandbox.etsy_url, timeout=10) as client:
        client.delete(f"/v3/application/listings/{listing_id}", headers=headers).raise_for_status()


def sell(h: Harness, seller: dict[str, Any], sku: str) -> dict[str, Any]:
    """A buyer buys one unit: Etsy lowers the quantity (sold_out at zero) and creates a receipt."""
    with h.admin(Marketplace.ETSY) as admin:
        response = admin.post(f"/_admin/sellers/{seller['seller_id']}/sales", json={"sku": sku})
        response.raise_for_status()
        sale: dict[str, Any] = response.json()
        return sale


def orders(h: Harness, account_id: int) -> list[Any]:
    with h.engine.connect() as conn:
        return list(
            conn.execute(
                select(marketplace_orders)
                .where(marketplace_orders.c.account_id == account_id)
                .order_by(marketplace_orders.c.remote_order_id)
            )
        )


def product_rows(h: Harness) -> list[Any]:
    with h.engine.connect() as conn:
        return list(conn.execute(select(products).order_by(products.c.id)))
