from __future__ import annotations

from decimal import Decimal

import pytest

from stoflow.marketplaces.mapping import Rounding, SellerOverrides, default_tables, tables_for_seller


def test_overrides_win_for_their_keys_only() -> None:
    tables = tables_for_seller(
        {
            "ebay": {"category": {"Jeans / Women": "99999"}},
            "vinted": {"brand": {"My Label": 123456}, "catalog": {"jacket/women": 1907}},
            "etsy": {"taxonomy": {"culottes/women": 1835}},
        }
    )
    assert tables.ebay_categories["EBAY_GB"]["jeans/women"] == "99999"
    assert tables.ebay_categories["EBAY_US"]["jeans/women"] == "99999"
    assert tables.ebay_categories["EBAY_GB"]["jeans/men"] == "11483"
    assert tables.vinted_brands["my label"] == 123456
    assert tables.vinted_brands["levi's"] == 10
    assert [r.catalog_id for r in tables.vinted_catalog_rules["jacket/women"]] == [1907]
    assert tables.etsy_taxonomy["culottes/women"] == 1835


def test_defaults_are_not_changed_by_a_seller() -> None:
    tables_for_seller({"vinted": {"brand": {"levi's": 1}}})
    assert default_tables().vinted_brands["levi's"] == 10


def test_price_rules_parse_from_json() -> None:
    overrides = SellerOverrides.from_dict(
        {
            "price": {
                "EBAY_GB": {"coefficient": "0.86", "fee": "0.5", "rounding": "ninety_nine", "currency": "GBP"}
            }
        }
    )
    rule = overrides.price_rules["EBAY_GB"]
    assert (rule.coefficient, rule.fee, rule.rounding, rule.currency) == (
        Decimal("0.86"),
        Decimal("0.5"),
        Rounding.NINETY_NINE,
        "GBP",
    )


@pytest.mark.parametrize(
    "data",
    [
        {"amazon": {}},
        {"vinted": {"brands": {"x": 1}}},
        {"price": {"vinted": {"rounding": "to_the_moon"}}},
        {"price": {"vinted": {"coefficient": "abc"}}},
        {"price": {"ebay_gb": {}}},
    ],
)
def test_malformed_overrides_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"overrides|price rule"):
        SellerOverrides.from_dict(data)
