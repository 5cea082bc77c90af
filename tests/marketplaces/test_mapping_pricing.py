from __future__ import annotations

from decimal import Decimal

import pytest

from stoflow.marketplaces.mapping import PriceRule, Rounding, apply_price_rule, round_price


@pytest.mark.parametrize(
    ("amount", "rounding", "expected"),
    [
        ("24.365", Rounding.CENTS, "24.37"),
        ("24.364", Rounding.CENTS, "24.36"),
        ("24.31", Rounding.TEN_CENTS, "24.40"),
        ("24.40", Rounding.TEN_CENTS, "24.40"),
        ("24.31", Rounding.NINETY_NINE, "24.99"),
        ("24.00", Rounding.NINETY_NINE, "24.99"),
        ("24.99", Rounding.NINETY_NINE, "24.99"),
        ("24.995", Rounding.NINETY_NINE, "25.99"),
        ("24.01", Rounding.WHOLE, "25.00"),
        ("24.00", Rounding.WHOLE, "24.00"),
    ],
)
def test_round_price(amount: str, rounding: Rounding, expected: str) -> None:
    assert round_price(Decimal(amount), rounding) == Decimal(expected)


def test_coefficient_then_fee_then_rounding() -> None:
    rule = PriceRule(coefficient=Decimal("1.10"), fee=Decimal("1.50"), rounding=Rounding.NINETY_NINE)
    # 20 x 1.10 + 1.50 = 23.50 -> 23.99
    assert apply_price_rule(Decimal("20"), rule) == Decimal("23.99")


def test_condition_coefficient_only_when_the_rule_asks() -> None:
    assert apply_price_rule(Decimal("50"), PriceRule(), Decimal("0.8")) == Decimal("50.00")
    rule = PriceRule(apply_condition_coefficient=True)
    assert apply_price_rule(Decimal("50"), rule, Decimal("0.8")) == Decimal("40.00")


@pytest.mark.parametrize(("coefficient", "fee"), [("0", "0"), ("-1", "0"), ("1", "-0.5")])
def test_invalid_rules_are_refused(coefficient: str, fee: str) -> None:
    with pytest.raises(ValueError, match="price rule"):
        PriceRule(coefficient=Decimal(coefficient), fee=Decimal(fee))
