"""Products and their images."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from stoflow.api.schemas.common import IdField

Short = Field(default=None, min_length=1, max_length=80)


def _absolute_url(value: str) -> str:
    parts = urlsplit(value)  # raises ValueError on a malformed host such as "http://[x"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("an absolute http(s) URL is required")
    return value


Url = Annotated[
    str, Field(min_length=1, max_length=1000, pattern=r"^https?://\S+$"), AfterValidator(_absolute_url)
]


class ImageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url
    # Internal photos (price labels...) are kept for the seller and never published.
    internal: bool = False
    # 1-based place among the product's images; appended at the end when omitted.
    position: int | None = Field(default=None, ge=1, le=100)


class ImageUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    internal: bool | None = None


class ImageOrder(BaseModel):
    """The product's image ids in their new order (every image exactly once)."""

    model_config = ConfigDict(extra="forbid")

    image_ids: list[IdField] = Field(min_length=1, max_length=100)


class ImagePublic(BaseModel):
    id: int
    position: int
    url: str
    internal: bool


class ProductFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(default="", max_length=10_000)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    quantity: int = Field(default=1, ge=0, le=100_000)
    category: str | None = Short
    gender: str | None = Field(default=None, pattern=r"^(women|men|girls|boys|unisex)$")
    brand: str | None = Field(default=None, min_length=1, max_length=120)
    size: str | None = Field(default=None, min_length=1, max_length=40)
    condition: int | None = Field(default=None, ge=0, le=10)
    colors: list[str] = Field(default_factory=list, max_length=10)
    materials: list[str] = Field(default_factory=list, max_length=10)
    era: str | None = Field(default=None, min_length=1, max_length=20)
    attributes: dict[str, str] = Field(default_factory=dict, max_length=50)


class ProductCreate(ProductFields):
    title: str = Field(min_length=1, max_length=200)
    price: Decimal = Field(ge=0, le=Decimal("10000000"), decimal_places=2)
    images: list[ImageCreate] = Field(default_factory=list, max_length=30)


class ProductUpdate(BaseModel):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    price: Decimal | None = Field(default=None, ge=0, le=Decimal("10000000"), decimal_places=2)
    description: str | None = Field(default=None, max_length=10_000)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    quantity: int | None = Field(default=None, ge=0, le=100_000)
    category: str | None = Short
    gender: str | None = Field(default=None, pattern=r"^(women|men|girls|boys|unisex)$")
    brand: str | None = Field(default=None, min_length=1, max_length=120)
    size: str | None = Field(default=None, min_length=1, max_length=40)
    condition: int | None = Field(default=None, ge=0, le=10)
    colors: list[str] | None = Field(default=None, max_length=10)
    materials: list[str] | None = Field(default=None, max_length=10)
    era: str | None = Field(default=None, min_length=1, max_length=20)
    attributes: dict[str, str] | None = Field(default=None, max_length=50)


class ProductPublic(BaseModel):
    id: int
    title: str
    description: str
    price: Decimal
    currency: str
    quantity: int
    category: str | None
    gender: str | None
    brand: str | None
    size: str | None
    condition: int | None
    colors: list[str]
    materials: list[str]
    era: str | None
    attributes: dict[str, str]
    images: list[ImagePublic]
    created_at: datetime
    updated_at: datetime
