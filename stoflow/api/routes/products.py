"""/api/products: the caller's catalogue and the images of each product."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile, status

from stoflow.api import media
from stoflow.api.deps import CallerDep, PageDep, ServicesDep, TenantDbDep
from stoflow.api.errors import NotFoundError
from stoflow.api.queries import products as q
from stoflow.api.schemas.common import ObjectId, Page, not_found
from stoflow.api.schemas.products import (
    ImageCreate,
    ImageOrder,
    ImagePublic,
    ImageUpdate,
    ProductCreate,
    ProductPublic,
    ProductUpdate,
)
from stoflow.domain.errors import ValidationFailed

router = APIRouter(prefix="/api/products", tags=["products"])
NOT_FOUND = not_found("product")


def _read(engine: TenantDbDep, product_id: int) -> ProductPublic:
    with engine.connect() as conn:
        found = q.get_product(conn, product_id)
    if found is None:
        raise NotFoundError("product", product_id)
    return found


@router.post("", status_code=status.HTTP_201_CREATED)
def create_product(body: ProductCreate, engine: TenantDbDep) -> ProductPublic:
    with engine.begin() as conn:
        product_id = q.create_product(conn, body)
    return _read(engine, product_id)


@router.get("")
def list_products(engine: TenantDbDep, page: PageDep) -> Page[ProductPublic]:
    with engine.connect() as conn:
        items, total = q.list_products(conn, limit=page.limit, offset=page.offset)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{product_id}", responses=NOT_FOUND)
def get_product(product_id: ObjectId, engine: TenantDbDep) -> ProductPublic:
    return _read(engine, product_id)


@router.patch("/{product_id}", responses=NOT_FOUND)
def update_product(product_id: ObjectId, body: ProductUpdate, engine: TenantDbDep) -> ProductPublic:
    with engine.begin() as conn:
        if not q.update_product(conn, product_id, body):
            raise NotFoundError("product", product_id)
    return _read(engine, product_id)


@router.delete("/{product_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
def delete_product(product_id: ObjectId, engine: TenantDbDep) -> Response:
    with engine.begin() as conn:
        if not q.delete_product(conn, product_id):
            raise NotFoundError("product", product_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{product_id}/images", status_code=status.HTTP_201_CREATED, responses=NOT_FOUND)
def add_image(product_id: ObjectId, body: ImageCreate, engine: TenantDbDep) -> list[ImagePublic]:
    """Add an image at `position` (later images move down) or at the end; returns all images."""
    with engine.begin() as conn:
        if not q.product_exists(conn, product_id):
            raise NotFoundError("product", product_id)
        q.add_image(conn, product_id, body)
    return _read(engine, product_id).images


@router.patch("/{product_id}/images/{image_id}", responses=NOT_FOUND)
def update_image(
    product_id: ObjectId, image_id: ObjectId, body: ImageUpdate, engine: TenantDbDep
) -> list[ImagePublic]:
    with engine.begin() as conn:
        if not q.update_image(conn, product_id, image_id, internal=body.internal):
            raise NotFoundError("image", image_id)
    return _read(engine, product_id).images


@router.delete("/{product_id}/images/{image_id}", responses=NOT_FOUND)
def delete_image(product_id: ObjectId, image_id: ObjectId, engine: TenantDbDep) -> list[ImagePublic]:
    with engine.begin() as conn:
        if not q.delete_image(conn, product_id, image_id):
            raise NotFoundError("image", image_id)
    return _read(engine, product_id).images


@router.put("/{product_id}/images/order", responses=NOT_FOUND)
def reorder_images(product_id: ObjectId, body: ImageOrder, engine: TenantDbDep) -> list[ImagePublic]:
    with engine.begin() as conn:
        if not q.product_exists(conn, product_id):
            raise NotFoundError("product", product_id)
        try:
            q.reorder_images(conn, product_id, body.image_ids)
        except q.ImageOrderError as exc:
            raise ValidationFailed("image_ids", str(exc)) from exc
    return _read(engine, product_id).images


@router.post("/{product_id}/images/upload", status_code=status.HTTP_201_CREATED, responses=NOT_FOUND)
async def upload_image(
    product_id: ObjectId,
    *,
    request: Request,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP photo, up to 10 MB")],
    caller: CallerDep,
    services: ServicesDep,
    engine: TenantDbDep,
    internal: Annotated[bool, Form()] = False,
    position: Annotated[int | None, Form(ge=1, le=100)] = None,
) -> list[ImagePublic]:
    """Upload a photo file; it is served from /media/ and added like an image URL."""
    await asyncio.to_thread(_read, engine, product_id)  # 404 before anything is written
    content = await file.read(media.MAX_BYTES + 1)
    try:
        relative = await asyncio.to_thread(media.store_image, services.media_dir, caller.tenant, content)
    except media.UnsupportedImage as exc:
        raise ValidationFailed("file", str(exc)) from None
    base = services.public_url or str(request.base_url).rstrip("/")
    body = ImageCreate(url=f"{base}/media/{relative}", internal=internal, position=position)
    return await asyncio.to_thread(add_image, product_id, body, engine)
