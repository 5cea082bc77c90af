"""Product -> Etsy createDraftListing fields.

Second-hand goods are listed as ``who_made=someone_else``, ``is_supply=false`` and a ``when_made``
taken from the product's era; Etsy has no condition field.

Category (taxonomy_id): Etsy has no production mapping in the reference data; every suggested
row is a name match marked ``low``. The defaults hold only the suggestions that build_data.py
verified against etsy_taxonomy.json (high-confidence leaf in both captures, same path, same
gender, and the node's own name contains the category's head noun, e.g. jeans -> "Jeans",
coat -> "Jackets & Coats"): 88 of 169 rows. The others (culottes -> Skorts, shirt -> Blouses,
bomber -> Jackets & Coats, ...) are never used: mapping fails, quotes the unverified suggestion
and asks for a seller override (etsy.taxonomy), so a wrong category is a seller's decision.
"""

from __future__ import annotations

import re

from stoflow.domain.enums import Marketplace
from stoflow.domain.errors import ValidationFailed
from stoflow.domain.product import Product
from stoflow.marketplaces.mapping._common import (
    category_pair,
    checked_description,
    describe,
    fit_title,
    listing_price,
    positive_quantity,
    price_rule,
    public_image_urls,
)
from stoflow.marketplaces.mapping.drafts import EtsyListingDraft
from stoflow.marketplaces.mapping.tables import MappingTables, pair_key

ETSY = Marketplace.ETSY
TITLE_MAX = 140
IMAGES_MAX = 20
TAGS_MAX = 13
TAG_LENGTH_MAX = 20

# when_made values Etsy accepts (Open API v3, 2026 buckets; the buckets move over time).
WHEN_MADE = frozenset(
    {
        "made_to_order",
        "2020_2026",
        "2010_2019",
        "2007_2009",
        "before_2007",
        "2000_2006",
        "1990s",
        "1980s",
        "1970s",
        "1960s",
        "1950s",
        "1940s",
        "1930s",
        "1920s",
        "1910s",
        "1900s",
        "1800s",
        "1700s",
        "before_1700",
    }
)
# Decades written the usual way whose Etsy bucket is unambiguous.
_DECADE_ALIASES = {"2020s": "2020_2026", "2010s": "2010_2019"}
# Etsy sells items made by someone else only as vintage (20+ years old) or supplies; these
# buckets are younger than that, so listing them would break Etsy's marketplace rules.
_NOT_VINTAGE = frozenset({"made_to_order", "2020_2026", "2010_2019", "2007_2009"})
_TITLE_ONCE = ("%", ":", "&", "+")
_TAG_FORBIDDEN = re.compile(r"[^\w\s\-'™©®]|_")


def etsy_taxonomy_id(product: Product, tables: MappingTables) -> int:
    category, gender = category_pair(product, ETSY)
    key = pair_key(category, gender)
    taxonomy_id = tables.etsy_taxonomy.get(key)
    if taxonomy_id is not None:
        return taxonomy_id
    suggestion = tables.etsy_suggestions.get(key)
    hint = (
        f"; unverified suggestion {suggestion.taxonomy_id} ({suggestion.path}) can be adopted as an override"
        if suggestion
        else ""
    )
    raise ValidationFailed(
        "category",
        f"no verified Etsy taxonomy node for {describe(category, gender)}; "
        f"set etsy.taxonomy[{key!r}] in the seller's overrides{hint}",
        marketplace=ETSY,
    )


def etsy_when_made(product: Product) -> str:
    if product.era is None or not product.era.strip():
        raise ValidationFailed("era", "is required to set Etsy's when_made", marketplace=ETSY)
    era = product.era.strip().casefold()
    when_made = _DECADE_ALIASES.get(era, era)
    if when_made not in WHEN_MADE:
        raise ValidationFailed(
            "era",
            f"{product.era!r} has no Etsy when_made value (use a decade such as '1990s' or an "
            f"Etsy bucket such as 'before_2007'; '2000s' spans two buckets)",
            marketplace=ETSY,
        )
    if when_made in _NOT_VINTAGE:
        raise ValidationFailed(
            "era",
            f"{product.era!r} is not vintage; Etsy accepts second-hand items only when 20+ years old",
            marketplace=ETSY,
        )
    return when_made


def _tags(product: Product) -> tuple[str, ...]:
    """Search tags from what the product already says; words Etsy would reject are left out."""
    candidates = [
        product.brand,
        product.category,
        product.era,
        *product.colors,
        *product.materials,
        "vintage",
    ]
    tags: dict[str, None] = {}
    for raw in candidates:
        if not raw:
            continue
        tag = " ".join(raw.replace("_", " ").split()).casefold()
        if tag and len(tag) <= TAG_LENGTH_MAX and not _TAG_FORBIDDEN.search(tag):
            tags.setdefault(tag)
    return tuple(tags)[:TAGS_MAX]


def _etsy_title(product: Product) -> str:
    title = fit_title(product.title, TITLE_MAX, ETSY)
    for symbol in _TITLE_ONCE:
        if title.count(symbol) > 1:
            raise ValidationFailed(
                "title", f"Etsy allows {symbol!r} at most once in a title", marketplace=ETSY
            )
    return title


def map_to_etsy(product: Product, tables: MappingTables) -> EtsyListingDraft:
    taxonomy_id = etsy_taxonomy_id(product, tables)
    when_made = etsy_when_made(product)
    # Etsy has no condition, but a seller's rule may still price by condition.
    condition = tables.conditions.get(product.condition) if product.condition is not None else None
    price, currency = listing_price(product, price_rule(tables, ETSY.value), ETSY, condition=condition)
    return EtsyListingDraft(
        taxonomy_id=taxonomy_id,
        who_made="someone_else",
        when_made=when_made,
        is_supply=False,
        title=_etsy_title(product),
        description=checked_description(product.description, None, ETSY),
        price=price,
        currency=currency,
        quantity=positive_quantity(product, ETSY),
        tags=_tags(product),
        materials=tuple(dict.fromkeys(m.strip() for m in product.materials if m.strip())),
        image_urls=public_image_urls(product, IMAGES_MAX, ETSY),
    )
