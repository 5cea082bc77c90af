"""Product -> Vinted item_upload body fields (catalog, brand, size, condition, colours, ...).

Vinted ids are global across its country sites; labels differ. Known limits of the shipped data
(see reference/mapping/README.md): the catalogue tree dates from April 2024; size ids come from the
letter (4, 14) and waist (77) groups, women's waist sizes and kids' sizes have no trusted mapping;
the brand table holds about 2,800 popular brands. Anything outside it fails with the attribute
named, and the seller can add the id as an override.
"""

from __future__ import annotations

from collections.abc import Mapping

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
    price_rule,
    public_image_urls,
)
from stoflow.marketplaces.mapping.drafts import VintedListingDraft
from stoflow.marketplaces.mapping.tables import MappingTables, VintedCatalogRule, pair_key, text_key

VINTED = Marketplace.VINTED
COLORS_MAX = 2
MATERIALS_MAX = 3
IMAGES_MAX = 20
# Vinted's exact title limit is not documented; about 100 is what community clients use.
TITLE_MAX = 100


def _best_rule(
    rules: tuple[VintedCatalogRule, ...], attributes: Mapping[str, str], weights: Mapping[str, int]
) -> VintedCatalogRule | None:
    """Vinted's selection rule from vinted_category_mapping.json: among rows whose attributes all
    match the product, the highest sum of weights wins; with nothing specific matched (score 0),
    the is_default row. Ties keep the table's order, which puts the is_default row first."""
    best: tuple[int, VintedCatalogRule] | None = None
    for rule in sorted(rules, key=lambda r: not r.is_default):
        if any(attributes.get(k) != v for k, v in rule.attributes.items()):
            continue
        score = sum(weights.get(k, 0) for k in rule.attributes)
        if best is None or score > best[0]:
            best = (score, rule)
    if best is not None and best[0] > 0:
        return best[1]
    default = next((r for r in rules if r.is_default), None)
    return default or (best[1] if best else None)


def vinted_catalog_id(product: Product, tables: MappingTables) -> int:
    category, gender = category_pair(product, VINTED)
    rules = tables.vinted_catalog_rules.get(pair_key(category, gender), ())
    attributes = {text_key(k): text_key(v) for k, v in product.attributes.items()}
    rule = _best_rule(rules, attributes, tables.vinted_selection_weights)
    if rule is None:
        raise ValidationFailed(
            "category", f"no Vinted catalogue for {describe(category, gender)}", marketplace=VINTED
        )
    return rule.catalog_id


def vinted_size_id(product: Product, tables: MappingTables, catalog_id: int) -> int | None:
    """The size id, checked against the catalogue's size group so that a letter size never lands
    in a catalogue sized by waist (men's jeans) or by shoe size."""
    category, gender = category_pair(product, VINTED)
    size_group = tables.vinted_catalog_size_groups.get(catalog_id)
    if size_group is None and catalog_id in tables.vinted_catalog_size_groups:
        return None  # the catalogue takes no size (bags, some accessories)
    if product.size is None or not product.size.strip():
        raise ValidationFailed(
            "size",
            f"is required for {describe(category, gender)} (catalogue {catalog_id})",
            marketplace=VINTED,
        )
    size = tables.vinted_sizes.get(pair_key(product.size, gender))
    if size is None or (
        size.size_group_id is not None and size_group is not None and size.size_group_id != size_group
    ):
        raise ValidationFailed(
            "size",
            f"{product.size!r} has no Vinted size for {describe(category, gender)} "
            f"(catalogue {catalog_id}, size group {size_group})",
            marketplace=VINTED,
        )
    return size.size_id


def _brand_id(product: Product, tables: MappingTables) -> int | None:
    if product.brand is None or not product.brand.strip():
        return None
    brand_id = tables.vinted_brands.get(text_key(product.brand))
    if brand_id is None:
        raise ValidationFailed(
            "brand",
            f"{product.brand!r} is not in the Vinted brand table; add its brand_id to the seller's overrides",
            marketplace=VINTED,
        )
    return brand_id


def _ids(values: tuple[str, ...], table: Mapping[str, int], field: str, limit: int) -> tuple[int, ...]:
    """Ids in the seller's order, duplicates merged (two shades may share a Vinted colour).
    Values past Vinted's limit are left out: the first ones are the item's main colours or
    materials, and colours and materials are optional on Vinted."""
    ids: dict[int, None] = {}
    for value in values:
        found = table.get(text_key(value))
        if found is None:
            raise ValidationFailed(field, f"{value!r} has no Vinted {field} id", marketplace=VINTED)
        ids.setdefault(found)
    return tuple(ids)[:limit]


def _package_size_id(product: Product, tables: MappingTables, catalog_id: int, category: str) -> int:
    key = (
        product.attributes.get("package_size")
        or tables.vinted_category_package_sizes.get(text_key(category))
        or tables.vinted_catalog_package_sizes.get(catalog_id)
        or tables.vinted_category_package_sizes.get("*")
    )
    if key is None:
        raise ValidationFailed(
            "package_size",
            f"no parcel size known for catalogue {catalog_id}; set the product attribute 'package_size' "
            f"(small, medium, large) or a seller default vinted.package_size",
            marketplace=VINTED,
        )
    package_size_id = tables.vinted_package_sizes.get(text_key(key))
    if package_size_id is None:
        raise ValidationFailed(
            "package_size",
            f"{key!r} is not one of {', '.join(tables.vinted_package_sizes)}",
            marketplace=VINTED,
        )
    return package_size_id


def map_to_vinted(product: Product, tables: MappingTables) -> VintedListingDraft:
    category, _ = category_pair(product, VINTED)
    catalog_id = vinted_catalog_id(product, tables)
    condition = condition_row(product, tables, VINTED)
    price, currency = listing_price(product, price_rule(tables, VINTED.value), VINTED, condition=condition)
    return VintedListingDraft(
        catalog_id=catalog_id,
        brand_id=_brand_id(product, tables),
        size_id=vinted_size_id(product, tables, catalog_id),
        status_id=condition.vinted_status_id,
        color_ids=_ids(product.colors, tables.vinted_colors, "color", COLORS_MAX),
        material_ids=_ids(product.materials, tables.vinted_materials, "material", MATERIALS_MAX),
        package_size_id=_package_size_id(product, tables, catalog_id, category),
        price=price,
        currency=currency,
        title=fit_title(product.title, TITLE_MAX, VINTED),
        description=checked_description(product.description, None, VINTED),
        image_urls=public_image_urls(product, IMAGES_MAX, VINTED),
    )
