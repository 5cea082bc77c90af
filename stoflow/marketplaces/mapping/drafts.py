"""What the mappers produce: one frozen, marketplace-shaped draft per product and marketplace.

Drafts are SKU-independent (the service adds the SKU or its marker) and hold only data a buyer may
see: image URLs come from Product.public_images, so internal photos cannot reach a draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class EbayListingDraft:
    marketplace_id: str  # EBAY_GB, EBAY_FR, ...
    category_id: str
    condition: str  # ConditionEnum value for inventory_item.condition
    condition_id: int
    title: str  # <= 80 characters
    description: str  # <= 4000 characters
    aspects: Mapping[str, tuple[str, ...]]  # localized aspect name -> values
    price: Decimal
    currency: str
    quantity: int
    image_urls: tuple[str, ...]

    def aspects_payload(self) -> dict[str, list[str]]:
        """`product.aspects` as the Inventory API expects it."""
        return {name: list(values) for name, values in self.aspects.items()}


@dataclass(frozen=True, slots=True)
class EtsyListingDraft:
    taxonomy_id: int
    who_made: str
    when_made: str
    is_supply: bool
    title: str  # <= 140 characters
    description: str
    price: Decimal
    currency: str
    quantity: int
    tags: tuple[str, ...]  # <= 13 tags of <= 20 characters
    materials: tuple[str, ...]
    image_urls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VintedListingDraft:
    catalog_id: int
    brand_id: int | None  # None only when the product has no brand
    size_id: int | None  # None only when the catalogue has no sizes
    status_id: int
    color_ids: tuple[int, ...]  # <= 2
    material_ids: tuple[int, ...]  # <= 3, sent as item_attributes code "material"
    package_size_id: int
    price: Decimal
    currency: str
    title: str
    description: str
    image_urls: tuple[str, ...]
