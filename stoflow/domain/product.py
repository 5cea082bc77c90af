"""The seller's product as the domain sees it: what the mappings turn into marketplace listings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ProductImage:
    position: int
    url: str
    # Internal photos (price labels, defects notes for the seller) are never published.
    internal: bool = False
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Product:
    """A second-hand item. Vocabulary follows ../shared/reference/mapping (normalized keys)."""

    id: int
    title: str
    description: str
    price: Decimal
    currency: str = "EUR"
    quantity: int = 1
    category: str | None = None  # normalized category key, e.g. "jeans"
    gender: str | None = None  # women, men, girls, boys
    brand: str | None = None
    size: str | None = None  # normalized size, e.g. "M", "W32", "40"
    condition: int | None = None  # normalized 0-10 scale, 10 = new with tags
    colors: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    era: str | None = None  # decade such as "1990s", or "before_2007"; drives Etsy when_made
    attributes: dict[str, str] = field(default_factory=dict)
    images: tuple[ProductImage, ...] = ()

    @property
    def public_images(self) -> tuple[ProductImage, ...]:
        """Images a buyer may see, in the seller's order. Internal photos are filtered here, once."""
        return tuple(sorted((i for i in self.images if not i.internal), key=lambda i: i.position))
