"""The shipped tables: real rows from the reference data, and the low-confidence rows kept out."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from stoflow.marketplaces.mapping import build_data, default_tables
from stoflow.marketplaces.mapping.tables import pair_key


def test_defaults_are_loaded_once() -> None:
    assert default_tables() is default_tables()


def test_package_data_stays_small() -> None:
    data = resources.files("stoflow.marketplaces.mapping").joinpath("data")
    total = sum(len(f.read_bytes()) for f in data.iterdir() if f.name.endswith(".json"))
    assert total < 400_000


def test_real_rows_from_the_reference_tables() -> None:
    tables = default_tables()
    assert tables.ebay_categories["EBAY_GB"]["jeans/women"] == "11554"
    assert tables.ebay_categories["EBAY_FR"]["jeans/men"] == "11483"
    assert tables.ebay_currencies["EBAY_PL"] == "PLN"
    assert tables.ebay_aspect_names["EBAY_GB"]["color"] == "Colour"
    assert tables.etsy_taxonomy["jeans/women"] == 508
    assert tables.vinted_brands["levi's"] == 10
    assert tables.vinted_colors["navy"] == 27
    assert tables.vinted_materials["spandex"] == 53
    assert tables.conditions[7].ebay_condition == "USED_EXCELLENT"
    assert tables.conditions[10].vinted_status_id == 6


def test_low_confidence_rows_are_not_defaults() -> None:
    tables = default_tables()
    # vinted_category_mapping: women's jacket -> 14 is a "Camis" node; men's jump suit -> 268.
    assert all(r.catalog_id != 14 for r in tables.vinted_catalog_rules["jacket/women"])
    assert "jump suit/men" not in tables.vinted_catalog_rules
    # vinted_size_mapping: women's waist sizes are approximations; men's W22 has no W22 on Vinted.
    assert "w30/women" not in tables.vinted_sizes
    assert "w22/men" not in tables.vinted_sizes
    assert tables.vinted_sizes["w32/men"].size_id == 1640
    # vinted_brands: G-Star has two ids in the sources; Burberrys 1755472 is the flagged one.
    assert "g-star" not in tables.vinted_brands
    assert tables.vinted_brands["burberrys"] == 364
    # vinted_package_sizes: 5 (extra large) is seen only in one reseller constant.
    assert set(tables.vinted_package_sizes.values()) == {1, 2, 3}
    # ebay_category_mapping: parent categories are not leaves.
    assert pair_key("tops", "men") not in tables.ebay_categories["EBAY_GB"]
    # ebay_aspects: names other than the English ones are translations.
    assert "EBAY_FR" not in tables.ebay_aspect_names


def test_etsy_defaults_are_the_verified_subset_only() -> None:
    tables = default_tables()
    # culottes -> "Skorts" is a name-only suggestion that does not name the category.
    assert "culottes/women" not in tables.etsy_taxonomy
    assert tables.etsy_suggestions["culottes/women"].taxonomy_id == 1838
    assert not set(tables.etsy_taxonomy) & set(tables.etsy_suggestions)


REFERENCE = Path("/work/shared/reference/mapping")


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference tables not available here")
def test_committed_data_matches_the_generator() -> None:
    """The package data is exactly what build_data.py makes of the reference tables."""
    data = resources.files("stoflow.marketplaces.mapping").joinpath("data")
    for name, build in build_data.BUILDERS.items():
        assert json.loads(data.joinpath(name).read_text("utf-8")) == build(REFERENCE), name
