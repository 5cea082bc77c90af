"""Per-seller overrides layered over the shipped defaults.

A seller (or an operator on the seller's behalf) fixes a gap or a disagreement with the defaults
without a release: a missing brand id, an Etsy node for a category the defaults leave unmapped, a
price rule. Overrides are stored as plain JSON, for example::

    {
        "ebay": {"category": {"jeans/women": "11554"},
                 "aspect_names": {"EBAY_FR": {"brand": "Marque", "size": "Taille"}}},
        "etsy": {"taxonomy": {"bomber/women": 507}},
        "vinted": {"catalog": {"jacket/women": 1907}, "brand": {"my label": 123456},
                   "size": {"w30/women": 1638}, "color": {"ecru": 20}, "material": {"merino": 121},
                   "package_size": {"coat": "large", "*": "small"}},
        "price": {"vinted": {"coefficient": "1.0", "fee": "1.50", "rounding": "ninety_nine"},
                  "EBAY_GB": {"coefficient": "0.86", "currency": "GBP", "rounding": "ninety_nine"}}
    }

Category keys are ``category/gender``; other keys are the normalized name, case-insensitive.
An override replaces the default for its key only; everything else keeps the shipped value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, TypeVar

from stoflow.marketplaces.mapping.pricing import PriceRule, Rounding
from stoflow.marketplaces.mapping.tables import (
    MappingTables,
    VintedCatalogRule,
    VintedSize,
    pair_key,
    text_key,
)

K = TypeVar("K")
V = TypeVar("V")

_SECTIONS: Mapping[str, frozenset[str]] = {
    "ebay": frozenset({"category", "aspect_names"}),
    "etsy": frozenset({"taxonomy"}),
    "vinted": frozenset({"catalog", "brand", "size", "color", "material", "package_size"}),
    "price": frozenset(),  # keys are marketplaces or eBay marketplace ids, see _price_rule
}


@dataclass(frozen=True, slots=True)
class SellerOverrides:
    ebay_categories: Mapping[str, str] = field(default_factory=dict)
    ebay_aspect_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    etsy_taxonomy: Mapping[str, int] = field(default_factory=dict)
    vinted_catalogs: Mapping[str, int] = field(default_factory=dict)
    vinted_brands: Mapping[str, int] = field(default_factory=dict)
    vinted_sizes: Mapping[str, int] = field(default_factory=dict)
    vinted_colors: Mapping[str, int] = field(default_factory=dict)
    vinted_materials: Mapping[str, int] = field(default_factory=dict)
    vinted_package_sizes: Mapping[str, str] = field(default_factory=dict)  # category or "*" -> key
    price_rules: Mapping[str, PriceRule] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SellerOverrides:
        """Parse the stored JSON form; unknown sections or keys raise ValueError (typos must not
        silently leave a default in place)."""
        for section, value in data.items():
            if section not in _SECTIONS:
                raise ValueError(f"unknown overrides section {section!r}")
            unknown = set(value) - _SECTIONS[section] if section != "price" else set()
            if unknown:
                raise ValueError(f"unknown keys in overrides section {section!r}: {sorted(unknown)}")
        ebay = data.get("ebay", {})
        vinted = data.get("vinted", {})
        return cls(
            ebay_categories=_keyed_texts(ebay.get("category", {})),
            ebay_aspect_names={
                mid.upper(): {k.casefold(): str(v) for k, v in names.items()}
                for mid, names in ebay.get("aspect_names", {}).items()
            },
            etsy_taxonomy=_keyed_ids(data.get("etsy", {}).get("taxonomy", {})),
            vinted_catalogs=_keyed_ids(vinted.get("catalog", {})),
            vinted_brands=_keyed_ids(vinted.get("brand", {})),
            vinted_sizes=_keyed_ids(vinted.get("size", {})),
            vinted_colors=_keyed_ids(vinted.get("color", {})),
            vinted_materials=_keyed_ids(vinted.get("material", {})),
            vinted_package_sizes=_keyed_texts(vinted.get("package_size", {})),
            price_rules={key: _price_rule(key, raw) for key, raw in data.get("price", {}).items()},
        )


def _key(raw_key: str) -> str:
    # "Jeans / Women" and "jeans/women" name the same pair.
    if "/" in raw_key:
        first, second = raw_key.split("/", 1)
        return pair_key(text_key(first), text_key(second))
    return text_key(raw_key)


def _keyed_ids(raw: Mapping[str, Any]) -> dict[str, int]:
    return {_key(k): int(v) for k, v in raw.items()}


def _keyed_texts(raw: Mapping[str, Any]) -> dict[str, str]:
    return {_key(k): str(v) for k, v in raw.items()}


def _price_rule(key: str, raw: Mapping[str, Any]) -> PriceRule:
    if key not in {"ebay", "etsy", "vinted"} and not key.startswith("EBAY_"):
        raise ValueError(f"price rule key {key!r} is not a marketplace or an eBay marketplace id")
    try:
        return PriceRule(
            coefficient=Decimal(str(raw.get("coefficient", "1"))),
            fee=Decimal(str(raw.get("fee", "0"))),
            rounding=Rounding(raw.get("rounding", Rounding.CENTS)),
            currency=raw.get("currency"),
            apply_condition_coefficient=bool(raw.get("apply_condition_coefficient", False)),
        )
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"invalid price rule for {key!r}: {exc}") from exc


def _merged(defaults: Mapping[K, V], overrides: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType({**defaults, **overrides})


def apply_overrides(tables: MappingTables, overrides: SellerOverrides) -> MappingTables:
    """A new MappingTables with the seller's values winning; `tables` is left untouched."""
    # eBay category ids are shared by every eBay site for the same concept, so one override per
    # (category, gender) applies to all of them.
    ebay_categories = {
        mid: _merged(by_pair, overrides.ebay_categories) for mid, by_pair in tables.ebay_categories.items()
    }
    aspect_names = dict(tables.ebay_aspect_names)
    for mid, names in overrides.ebay_aspect_names.items():
        aspect_names[mid] = _merged(aspect_names.get(mid, {}), names)
    # A catalogue chosen by the seller is the only candidate for its (category, gender).
    vinted_rules = dict(tables.vinted_catalog_rules)
    for pair, catalog_id in overrides.vinted_catalogs.items():
        vinted_rules[pair] = (VintedCatalogRule(catalog_id, MappingProxyType({}), is_default=True),)
    return replace(
        tables,
        ebay_categories=MappingProxyType(ebay_categories),
        ebay_aspect_names=MappingProxyType(aspect_names),
        etsy_taxonomy=_merged(tables.etsy_taxonomy, overrides.etsy_taxonomy),
        vinted_catalog_rules=MappingProxyType(vinted_rules),
        vinted_sizes=_merged(
            tables.vinted_sizes, {k: VintedSize(v, None) for k, v in overrides.vinted_sizes.items()}
        ),
        vinted_brands=_merged(tables.vinted_brands, overrides.vinted_brands),
        vinted_colors=_merged(tables.vinted_colors, overrides.vinted_colors),
        vinted_materials=_merged(tables.vinted_materials, overrides.vinted_materials),
        vinted_category_package_sizes=_merged(
            tables.vinted_category_package_sizes, overrides.vinted_package_sizes
        ),
        price_rules=_merged(tables.price_rules, overrides.price_rules),
    )
