"""Products and their images: the tenant's catalogue, read in bulk for batch planning."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select

from stoflow.domain.clock import Clock, system_clock
from stoflow.domain.product import Product, ProductImage
from stoflow.store.tables import product_images, products


def add_product(
    conn: Connection,
    *,
    title: str,
    price: Decimal,
    images: Sequence[tuple[str, bool]] = (),
    clock: Clock = system_clock,
    **fields: Any,
) -> int:
    """Insert a product with its images (url, internal) in the given order; returns its id."""
    now = clock()
    product_id: int = conn.execute(
        insert(products)
        .values(title=title, price=price, created_at=now, updated_at=now, **fields)
        .returning(products.c.id)
    ).scalar_one()
    if images:
        conn.execute(
            insert(product_images),
            [
                {"product_id": product_id, "position": i, "url": url, "internal": internal, "created_at": now}
                for i, (url, internal) in enumerate(images, start=1)
            ],
        )
    return product_id


def load_products(conn: Connection, ids: Iterable[int]) -> dict[int, Product]:
    """Products by id with their images: two queries, whatever the number of products."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    images: dict[int, list[ProductImage]] = defaultdict(list)
    for row in conn.execute(
        select(product_images)
        .where(product_images.c.product_id.in_(wanted))
        .order_by(product_images.c.position)
    ).mappings():
        images[row["product_id"]].append(
            ProductImage(position=row["position"], url=row["url"], internal=row["internal"], id=row["id"])
        )
    found: dict[int, Product] = {}
    for row in conn.execute(select(products).where(products.c.id.in_(wanted))).mappings():
        found[row["id"]] = Product(
            id=row["id"],
            title=row["title"],
            description=row["description"],
            price=Decimal(row["price"]),
            currency=row["currency"],
            quantity=row["quantity"],
            category=row["category"],
            gender=row["gender"],
            brand=row["brand"],
            size=row["size"],
            condition=row["condition"],
            colors=tuple(row["colors"]),
            materials=tuple(row["materials"]),
            era=row["era"],
            attributes=dict(row["attributes"]),
            images=tuple(images[row["id"]]),
        )
    return found
