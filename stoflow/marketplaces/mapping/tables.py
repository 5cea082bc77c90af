"""Mapping tables: the package data (./data, built by build_data.py) as typed, read-only lookups.

Only rows whose reference confidence is above ``low`` are shipped, so everything here is a default
the mappers may use without asking the seller. A seller's own choices are layered on top by
``overrides.apply_overrides``; the defaults loaded here are cached once per process and never mutated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from stoflow.marketplaces.mapping.pricing import DEFAULT_PRICE_RULES, PriceRule


def pair_key(category: str, gender: str) -> str:
    """Key of a (normalized category, gender) pair in every table, e.g. ``jeans/women``."""
    return f"{category.strip().casefold()}/{gender.strip().casefold()}"


def text_key(value: str) -> str:
    """Key of a normalized name (brand, colour, material, size) in every table."""
    return " ".join(value.split()).casefold()


@dataclass(frozen=True, slots=True)
class ConditionRow:
    """One note of the seller's 0-10 condition scale and what it becomes on each marketplace."""

    note: int
    name: str
    vinted_status_id: int
    ebay_condition: str  # a ConditionEnum value valid for clothing categories
    ebay_condition_id: int
    price_coefficient: Decimal


@dataclass(frozen=True, slots=True)
class VintedCatalogRule:
    """A candidate Vinted catalogue for a (category, gender); `attributes` narrow it down."""

    catalog_id: int
    attributes: Mapping[str, str]
    is_default: bool


@dataclass(frozen=True, slots=True)
class VintedSize:
    size_id: int
    # None when the seller gave the id directly: the seller vouches for it, no group check.
    size_group_id: int | None


@dataclass(frozen=True, slots=True)
class EtsySuggestion:
    """An Etsy node proposed by name only and not verified (see etsy.py): shown, never used."""

    taxonomy_id: int
    path: str


def _frozen(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class MappingTables:
    """Everything the mappers look up. Keys are ``pair_key`` / ``text_key`` strings."""

    conditions: Mapping[int, ConditionRow]
    ebay_currencies: Mapping[str, str]  # eBay marketplace id -> currency
    ebay_categories: Mapping[str, Mapping[str, str]]  # marketplace id -> pair -> category id
    ebay_aspect_names: Mapping[str, Mapping[str, str]]  # marketplace id -> normalized key -> name
    etsy_taxonomy: Mapping[str, int]
    etsy_suggestions: Mapping[str, EtsySuggestion]
    vinted_catalog_rules: Mapping[str, tuple[VintedCatalogRule, ...]]
    vinted_selection_weights: Mapping[str, int]
    vinted_catalog_size_groups: Mapping[int, int | None]
    vinted_sizes: Mapping[str, VintedSize]  # "size/gender" -> size
    vinted_brands: Mapping[str, int]
    vinted_colors: Mapping[str, int]
    vinted_materials: Mapping[str, int]
    vinted_package_sizes: Mapping[str, int]  # small / medium / large -> package_size_id
    vinted_catalog_package_sizes: Mapping[int, str]
    vinted_category_package_sizes: Mapping[str, str] = field(default_factory=dict)  # seller's, by category
    price_rules: Mapping[str, PriceRule] = field(default_factory=lambda: DEFAULT_PRICE_RULES)


def _load_json(name: str) -> dict[str, Any]:
    text = resources.files("stoflow.marketplaces.mapping").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _conditions() -> dict[int, ConditionRow]:
    return {
        row["note"]: ConditionRow(
            note=row["note"],
            name=row["name"],
            vinted_status_id=row["vinted_status_id"],
            ebay_condition=row["ebay_condition"],
            ebay_condition_id=row["ebay_condition_id"],
            price_coefficient=Decimal(row["price_coefficient"]),
        )
        for row in _load_json("conditions.json")["conditions"]
    }


def _vinted_rules(raw: Mapping[str, list[dict[str, Any]]]) -> dict[str, tuple[VintedCatalogRule, ...]]:
    return {
        key: tuple(
            VintedCatalogRule(
                catalog_id=r["catalog_id"],
                attributes=_frozen({text_key(k): text_key(v) for k, v in r["attributes"].items()}),
                is_default=r["is_default"],
            )
            for r in rules
        )
        for key, rules in raw.items()
    }


@cache
def default_tables() -> MappingTables:
    """The shipped defaults, loaded once per process."""
    ebay = _load_json("ebay.json")
    etsy = _load_json("etsy.json")
    vinted = _load_json("vinted.json")
    return MappingTables(
        conditions=_frozen(_conditions()),
        ebay_currencies=_frozen({mid: m["currency"] for mid, m in ebay["marketplaces"].items()}),
        ebay_categories=_frozen({mid: _frozen(c) for mid, c in ebay["categories"].items()}),
        ebay_aspect_names=_frozen({mid: _frozen(n) for mid, n in ebay["aspect_names"].items()}),
        etsy_taxonomy=_frozen({k: v["taxonomy_id"] for k, v in etsy["taxonomy"].items()}),
        etsy_suggestions=_frozen(
            {
                k: EtsySuggestion(v["taxonomy_id"], v["path"])
                for k, v in etsy["unverified_suggestions"].items()
            }
        ),
        vinted_catalog_rules=_frozen(_vinted_rules(vinted["catalog_rules"])),
        vinted_selection_weights=_frozen(vinted["selection_weights"]),
        vinted_catalog_size_groups=_frozen({int(k): v for k, v in vinted["catalog_size_groups"].items()}),
        vinted_sizes=_frozen(
            {k: VintedSize(v["size_id"], v["size_group_id"]) for k, v in vinted["sizes"].items()}
        ),
        vinted_brands=_frozen(_load_json("vinted_brands.json")["brands"]),
        vinted_colors=_frozen(vinted["colors"]),
        vinted_materials=_frozen(vinted["materials"]),
        vinted_package_sizes=_frozen(vinted["package_sizes"]),
        vinted_catalog_package_sizes=_frozen({int(k): v for k, v in vinted["catalog_package_sizes"].items()}),
    )
