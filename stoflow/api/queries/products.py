"""The tenant's catalogue: create, read, update, delete products and order their images."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from stoflow.api.schemas.products import (
    ImageCreate,
    ImagePublic,
    ProductCreate,
    ProductPublic,
    ProductUpdate,
)
from stoflow.domain.clock import system_clock
from stoflow.store.products import add_product
from stoflow.store.tables import product_images, products


class ImageOrderError(ValueError):
    """The new order must list each of the product's images exactly once."""


def create_product(conn: Connection, body: ProductCreate) -> int:
    fields = body.model_dump(exclude={"title", "price", "images"})
    ordered = sorted(enumerate(body.images), key=lambda p: (p[1].position or 10_000, p[0]))
    return add_product(
        conn,
        title=body.title,
        price=body.price,
        images=[(image.url, image.internal) for _, image in ordered],
        **fields,
    )


def _images(conn: Connection, product_ids: list[int]) -> dict[int, list[ImagePublic]]:
    found: dict[int, list[ImagePublic]] = defaultdict(list)
    if not product_ids:
        return found
    rows = conn.execute(
        select(product_images)
        .where(product_images.c.product_id.in_(product_ids))
        .order_by(product_images.c.product_id, product_images.c.position)
    ).mappings()
    for row in rows:
        found[row["product_id"]].append(
            ImagePublic(id=row["id"], position=row["position"], url=row["url"], internal=row["internal"])
        )
    return found


def _public(row: Any, images: list[ImagePublic]) -> ProductPublic:
    return ProductPublic.model_validate({**dict(row), "images": images})


def get_product(conn: Connection, product_id: int) -> ProductPublic | None:
    row = conn.execute(select(products).where(products.c.id == product_id)).mappings().one_or_none()
    if row is None:
        return None
    return _public(row, _images(conn, [product_id])[product_id])


def list_products(conn: Connection, *, limit: int, offset: int) -> tuple[list[ProductPublic], int]:
    total = int(conn.scalar(select(func.count()).select_from(products)) or 0)
    rows = list(conn.execute(select(products).order_by(products.c.id).limit(limit).offset(offset)).mappings())
    images = _images(conn, [r["id"] for r in rows])
    return [_public(r, images[r["id"]]) for r in rows], total


def update_product(conn: Connection, product_id: int, body: ProductUpdate) -> bool:
    values = body.model_dump(exclude_unset=True)
    for required in ("title", "price", "description", "currency", "quantity", "colors", "materials"):
        if required in values and values[required] is None:
            del values[required]  # these columns are NOT NULL: an explicit null leaves them alone
    if "attributes" in values and values["attributes"] is None:
        values["attributes"] = {}
    result = conn.execute(
        update(products).where(products.c.id == product_id).values(updated_at=system_clock(), **values)
    )
    return result.rowcount > 0


def delete_product(conn: Connection, product_id: int) -> bool:
    conn.execute(delete(product_images).where(product_images.c.product_id == product_id))
    return conn.execute(delete(products).where(products.c.id == product_id)).rowcount > 0


def product_exists(conn: Connection, product_id: int) -> bool:
    return conn.scalar(select(products.c.id).where(products.c.id == product_id)) is not None


def add_image(conn: Connection, product_id: int, body: ImageCreate) -> int:
    """Insert an image at `position` (shifting the later ones) or at the end."""
    ids = _image_ids(conn, product_id)
    position = min(body.position or len(ids) + 1, len(ids) + 1)
    image_id: int = conn.execute(
        insert(product_images)
        .values(
            product_id=product_id,
            position=len(ids) + 1_000,
            url=body.url,
            internal=body.internal,
            created_at=system_clock(),
        )
        .returning(product_images.c.id)
    ).scalar_one()
    ids.insert(position - 1, image_id)
    _renumber(conn, product_id, ids)
    return image_id


def update_image(conn: Connection, product_id: int, image_id: int, *, internal: bool | None) -> bool:
    """Change an image's flags; False when the product has no such image."""
    mine = (product_images.c.id == image_id, product_images.c.product_id == product_id)
    if internal is None:
        return conn.scalar(select(product_images.c.id).where(*mine)) is not None
    return conn.execute(update(product_images).where(*mine).values(internal=internal)).rowcount > 0


def delete_image(conn: Connection, product_id: int, image_id: int) -> bool:
    deleted = conn.execute(
        delete(product_images).where(
            product_images.c.id == image_id, product_images.c.product_id == product_id
        )
    ).rowcount
    if deleted:
        _renumber(conn, product_id, _image_ids(conn, product_id))
    return deleted > 0


def reorder_images(conn: Connection, product_id: int, image_ids: list[int]) -> None:
    if sorted(image_ids) != sorted(_image_ids(conn, product_id)):
        raise ImageOrderError("image_ids must list each of the product's images exactly once")
    _renumber(conn, product_id, image_ids)


def _image_ids(conn: Connection, product_id: int) -> list[int]:
    return list(
        conn.scalars(
            select(product_images.c.id)
            .where(product_images.c.product_id == product_id)
            .order_by(product_images.c.position)
        )
    )


def _renumber(conn: Connection, product_id: int, ordered_ids: list[int]) -> None:
    # Two passes through negative positions keep UNIQUE(product_id, position) true at every row.
    for phase in (-1, 1):
        for position, image_id in enumerate(ordered_ids, start=1):
            conn.execute(
                update(product_images)
                .where(product_images.c.id == image_id, product_images.c.product_id == product_id)
                .values(position=phase * position)
            )
