"""Product -> eBay Inventory API draft, for one eBay marketplace (EBAY_GB, EBAY_FR, ...).

Aspect names: only the English (EBAY_GB) names are shipped, because the other languages in the
reference data are a reseller's translations (low confidence). For another site the seller supplies
the names in overrides (ebay.aspect_names); until then mapping fails and says which name is
missing rather than sending English names that the site may reject. Aspect values are the
seller's normalized values as given: the reference value lists are translations too, and eBay
checks values against getItemAspectsForCategory at publish time.
"""

from __future__ import annotations

from types import MappingProxyType

from stoflow.domain.enums import Marketplace
from stoflow.domain.errors import ValidationFailed
from stoflow.domain.product import Product
from stoflow.marketplaces.mapping._common import (
    category_pair,
    checked_description,
    condition_row,
    describe,
    fit_title,
    listing_price,
    positive_quantity,
    price_rule,
    public_image_urls,
    required,
)
from stoflow.marketplaces.mapping.drafts import EbayListingDraft
from stoflow.marketplaces.mapping.tables import MappingTables, pair_key

EBAY = Marketplace.EBAY
TITLE_MAX = 80
DESCRIPTION_MAX = 4000
IMAGES_MAX = 24
ASPECT_VALUE_MAX = 50

# eBay's Department values for clothing (Men, Women, Boys, Girls; see the requirement notes in
# ebay_aspects.json). English, like the only aspect names shipped.
_DEPARTMENTS = {"women": "Women", "men": "Men", "boys": "Boys", "girls": "Girls"}


def ebay_category_id(product: Product, tables: MappingTables, marketplace_id: str) -> str:
    category, gender = category_pair(product, EBAY)
    category_id = tables.ebay_categories.get(marketplace_id, {}).get(pair_key(category, gender))
    if category_id is None:
        raise ValidationFailed(
            "category",
            f"no listable eBay category for {describe(category, gender)} on {marketplace_id}",
            marketplace=EBAY,
        )
    return category_id


def _aspects(
    product: Product, tables: MappingTables, marketplace_id: str, gender: str
) -> dict[str, tuple[str, ...]]:
    # Brand and Size have been required in clothing categories since 2011; eBay's answer to a
    # missing one comes only at publish time, after images were uploaded, so check here.
    by_key: dict[str, tuple[str, ...]] = {
        "brand": (required(product.brand, "brand", EBAY),),
        "size": (required(product.size, "size", EBAY),),
        "gender": (_DEPARTMENTS[gender],),
    }
    if product.colors:
        by_key["color"] = product.colors
    if product.materials:
        by_key["material"] = product.materials
    names = tables.ebay_aspect_names.get(marketplace_id, {})
    aspects: dict[str, tuple[str, ...]] = {}
    for key, values in by_key.items():
        name = names.get(key)
        if name is None:
            raise ValidationFailed(
                key,
                f"no verified eBay aspect name for {key!r} on {marketplace_id}; "
                f"add it to the seller's ebay.aspect_names overrides",
                marketplace=EBAY,
            )
        for value in values:
            if len(value) > ASPECT_VALUE_MAX:
                raise ValidationFailed(
                    key, f"{value!r} is longer than {ASPECT_VALUE_MAX} characters", marketplace=EBAY
                )
        aspects[name] = tuple(dict.fromkeys(v.strip() for v in values))
    return aspects


def map_to_ebay(product: Product, tables: MappingTables, marketplace_id: str = "EBAY_GB") -> EbayListingDraft:
    marketplace_id = marketplace_id.upper()
    currency = tables.ebay_currencies.get(marketplace_id)
    if currency is None:
        raise ValidationFailed(
            "marketplace_id", f"unknown eBay marketplace {marketplace_id!r}", marketplace=EBAY
        )
    category_id = ebay_category_id(product, tables, marketplace_id)
    _, gender = category_pair(product, EBAY)
    condition = condition_row(product, tables, EBAY)
    rule = price_rule(tables, marketplace_id, EBAY.value)
    price, _ = listing_price(product, rule, EBAY, condition=condition, currency=currency)
    return EbayListingDraft(
        marketplace_id=marketplace_id,
        category_id=category_id,
        condition=condition.ebay_condition,
        condition_id=condition.ebay_condition_id,
        title=fit_title(product.title, TITLE_MAX, EBAY),
        description=checked_description(product.description, DESCRIPTION_MAX, EBAY),
        aspects=MappingProxyType(_aspects(product, tables, marketplace_id, gender)),
        price=price,
        currency=currency,
        quantity=positive_quantity(product, EBAY),
        image_urls=_https_image_urls(product),
    )


def _https_image_urls(product: Product) -> tuple[str, ...]:
    urls = public_image_urls(product, IMAGES_MAX, EBAY)
    for url in urls:
        if not url.startswith("https://"):
            raise ValidationFailed(
                "images", f"eBay accepts only HTTPS image URLs, got {url!r}", marketplace=EBAY
            )
    return urls
