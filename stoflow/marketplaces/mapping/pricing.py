"""Price rules: the seller's price turned into the price asked on one marketplace.

price = round(product.price x [condition coefficient] x coefficient + fee)

The defaults are neutral (x1, +0, to the cent) on every marketplace: fees and margins are the
seller's business decision and the reference data holds no fee schedule, so inventing one would
silently change every price. Sellers set their own rules through overrides.

The condition scale's price coefficient (condition_mapping.json, 1.0 for new down to 0.2) is only
applied when a rule asks for it: the product price is normally already the asking price for the
item as it is, and discounting it again by condition would price every used item twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

_CENT = Decimal("0.01")
_TEN_CENTS = Decimal("0.1")  # exponent -1; "0.10" would quantize to cents
_UNIT = Decimal("1")


class Rounding(StrEnum):
    CENTS = "cents"  # 24.367 -> 24.37
    TEN_CENTS = "ten_cents"  # to .x0, never down: 24.31 -> 24.40
    NINETY_NINE = "ninety_nine"  # to .99, never down: 24.31 -> 24.99, 24.00 -> 24.99
    WHOLE = "whole"  # to whole units, never down: 24.01 -> 25


@dataclass(frozen=True, slots=True)
class PriceRule:
    coefficient: Decimal = Decimal(1)
    fee: Decimal = Decimal(0)
    rounding: Rounding = Rounding.CENTS
    # The currency the rule produces. Set it when the rule also converts (coefficient = rate);
    # None means "same currency as the product", and a currency mismatch is then an error.
    currency: str | None = None
    apply_condition_coefficient: bool = False

    def __post_init__(self) -> None:
        if self.coefficient <= 0:
            raise ValueError(f"price rule coefficient must be positive, got {self.coefficient}")
        if self.fee < 0:
            raise ValueError(f"price rule fee must not be negative, got {self.fee}")


def round_price(amount: Decimal, rounding: Rounding) -> Decimal:
    """Charm roundings go up, never down: the fee a seller adds must not be eaten by rounding."""
    cents = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    if rounding is Rounding.CENTS:
        return cents
    if rounding is Rounding.TEN_CENTS:
        return cents.quantize(_TEN_CENTS, rounding=ROUND_CEILING).quantize(_CENT)
    if rounding is Rounding.WHOLE:
        return cents.quantize(_UNIT, rounding=ROUND_CEILING).quantize(_CENT)
    # NINETY_NINE: the first x.99 at or above the amount.
    whole = (cents + _CENT).quantize(_UNIT, rounding=ROUND_CEILING)
    return (whole - _CENT).quantize(_CENT)


def apply_price_rule(
    price: Decimal, rule: PriceRule, condition_coefficient: Decimal | None = None
) -> Decimal:
    amount = price
    if rule.apply_condition_coefficient and condition_coefficient is not None:
        amount *= condition_coefficient
    return round_price(amount * rule.coefficient + rule.fee, rule.rounding)


# Keyed by marketplace ("ebay", "etsy", "vinted"); an eBay marketplace id ("EBAY_GB") may also be
# used as a key in overrides and wins over "ebay" for that site.
DEFAULT_PRICE_RULES = MappingProxyType({"ebay": PriceRule(), "etsy": PriceRule(), "vinted": PriceRule()})
