"""Checks and conversions shared by the three mappers. Every failure names the attribute."""

from __future__ import annotations

from decimal import Decimal

from stoflow.domain.enums import Marketplace
from stoflow.domain.errors import ValidationFailed
from stoflow.domain.product import Product
from stoflow.marketplaces.mapping.pricing import PriceRule, apply_price_rule
from stoflow.marketplaces.mapping.tables import ConditionRow, MappingTables

GENDERS = ("women", "men", "girls", "boys")
_POSSESSIVE = {"women": "women's", "men": "men's", "girls": "girls'", "boys": "boys'"}


def required(value: str | None, field: str, marketplace: Marketplace) -> str:
    if value is None or not value.strip():
        raise ValidationFailed(field, "is required", marketplace=marketplace)
    return value.strip()


def category_pair(product: Product, marketplace: Marketplace) -> tuple[str, str]:
    """The product's (category, gender) key; both are needed to pick any marketplace category."""
    category = required(product.category, "category", marketplace)
    gender = required(product.gender, "gender", marketplace).casefold()
    if gender not in GENDERS:
        raise ValidationFailed(
            "gender", f"{gender!r} is not one of {', '.join(GENDERS)}", marketplace=marketplace
        )
    return category, gender


def describe(category: str, gender: str) -> str:
    """Human wording of a pair for messages: ``men's jeans``."""
    return f"{_POSSESSIVE.get(gender, gender)} {category}"


def condition_row(product: Product, tables: MappingTables, marketplace: Marketplace) -> ConditionRow:
    if product.condition is None:
        raise ValidationFailed("condition", "is required (0-10 scale)", marketplace=marketplace)
    row = tables.conditions.get(product.condition)
    if row is None:
        raise ValidationFailed(
            "condition", f"{product.condition!r} is not on the 0-10 condition scale", marketplace=marketplace
        )
    return row


def price_rule(tables: MappingTables, *keys: str) -> PriceRule:
    """The most specific rule among `keys` (e.g. "EBAY_GB" before "ebay")."""
    for key in keys:
        rule = tables.price_rules.get(key)
        if rule is not None:
            return rule
    return PriceRule()


def listing_price(
    product: Product,
    rule: PriceRule,
    marketplace: Marketplace,
    *,
    condition: ConditionRow | None,
    currency: str | None = None,
) -> tuple[Decimal, str]:
    """(amount, currency) asked on the marketplace. `currency` is the one the marketplace imposes,
    if any; prices are never converted implicitly, only by a rule that says which currency it makes."""
    if product.price <= 0:
        raise ValidationFailed("price", f"must be positive, got {product.price}", marketplace=marketplace)
    produced = rule.currency or product.currency
    if currency is not None and produced != currency:
        raise ValidationFailed(
            "price",
            f"product is priced in {produced} but the listing must be in {currency}; "
            f"set a price rule that converts to {currency}",
            marketplace=marketplace,
        )
    coefficient = condition.price_coefficient if condition is not None else None
    amount = apply_price_rule(product.price, rule, coefficient)
    if amount <= 0:
        raise ValidationFailed("price", f"price rule produced {amount}", marketplace=marketplace)
    return amount, produced


def fit_title(title: str, max_length: int, marketplace: Marketplace) -> str:
    """Trim to the marketplace's limit at a word boundary; an empty title is an error."""
    clean = " ".join(title.split())
    if not clean:
        raise ValidationFailed("title", "is required", marketplace=marketplace)
    if len(clean) <= max_length:
        return clean
    cut = clean[: max_length + 1].rsplit(" ", 1)[0]
    # A single word longer than the limit has no boundary to cut at.
    return (cut if 0 < len(cut) <= max_length else clean[:max_length]).rstrip()


def checked_description(description: str, max_length: int | None, marketplace: Marketplace) -> str:
    """Descriptions are not cut: a truncated description can drop what a buyer must know."""
    text = description.strip()
    if not text:
        raise ValidationFailed("description", "is required", marketplace=marketplace)
    if max_length is not None and len(text) > max_length:
        raise ValidationFailed(
            "description", f"is {len(text)} characters, the limit is {max_length}", marketplace=marketplace
        )
    return text


def public_image_urls(product: Product, max_images: int, marketplace: Marketplace) -> tuple[str, ...]:
    """URLs of the images a buyer may see. Internal photos are excluded by Product.public_images."""
    urls = tuple(image.url for image in product.public_images)
    if not urls:
        raise ValidationFailed("images", "at least one public image is required", marketplace=marketplace)
    if len(urls) > max_images:
        raise ValidationFailed(
            "images", f"{len(urls)} public images, the limit is {max_images}", marketplace=marketplace
        )
    return urls


def positive_quantity(product: Product, marketplace: Marketplace) -> int:
    if product.quantity < 1:
        raise ValidationFailed(
            "quantity", f"must be at least 1, got {product.quantity}", marketplace=marketplace
        )
    return product.quantity
