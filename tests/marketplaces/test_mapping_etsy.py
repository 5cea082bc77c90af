from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from stoflow.domain.errors import ValidationFailed
from stoflow.domain.product import Product, ProductImage
from stoflow.marketplaces.mapping import default_tables, map_to_etsy, tables_for_seller

DRESS = Product(
    id=2,
    title="Vintage 1970s floral midi dress",
    description="Flowing midi dress.",
    price=Decimal("48"),
    category="dress",
    gender="women",
    brand="Laura Ashley",
    size="S",
    condition=7,
    colors=("Green", "Cream"),
    materials=("Cotton",),
    era="1970s",
    images=(
        ProductImage(position=0, url="https://img.example/dress.jpg"),
        ProductImage(position=1, url="https://img.example/tag-note.jpg", internal=True),
    ),
)


def product(**changes: Any) -> Product:
    return dataclasses.replace(DRESS, **changes)


def test_vintage_dress() -> None:
    draft = map_to_etsy(DRESS, default_tables())
    assert draft.taxonomy_id == 505  # Clothing > Women's Clothing > Dresses
    assert (draft.who_made, draft.when_made, draft.is_supply) == ("someone_else", "1970s", False)
    assert (draft.price, draft.currency, draft.quantity) == (Decimal("48.00"), "EUR", 1)
    assert draft.image_urls == ("https://img.example/dress.jpg",)
    assert draft.materials == ("Cotton",)
    assert "laura ashley" in draft.tags
    assert "vintage" in draft.tags
    assert len(draft.tags) <= 13
    assert all(len(t) <= 20 for t in draft.tags)


@pytest.mark.parametrize(
    ("era", "when_made"), [("1990s", "1990s"), ("before_2007", "before_2007"), ("1800s", "1800s")]
)
def test_when_made_from_era(era: str, when_made: str) -> None:
    assert map_to_etsy(product(era=era), default_tables()).when_made == when_made


@pytest.mark.parametrize("era", [None, "2000s", "y2k", "2010s", "2020_2026"])
def test_era_that_cannot_be_listed_as_vintage(era: str | None) -> None:
    with pytest.raises(ValidationFailed) as err:
        map_to_etsy(product(era=era), default_tables())
    assert (err.value.field, err.value.marketplace) == ("era", "etsy")


def test_unverified_category_quotes_the_suggestion_and_asks_for_an_override() -> None:
    culottes = product(category="culottes")
    with pytest.raises(ValidationFailed, match=r"^category: .*women's culottes.*1838.*Skorts") as err:
        map_to_etsy(culottes, default_tables())
    assert err.value.marketplace == "etsy"
    tables = tables_for_seller({"etsy": {"taxonomy": {"culottes/women": 1838}}})
    assert map_to_etsy(culottes, tables).taxonomy_id == 1838


def test_category_with_no_suggestion_at_all() -> None:
    with pytest.raises(ValidationFailed, match="women's kimono"):
        map_to_etsy(product(category="kimono"), default_tables())


def test_title_limit_and_symbols() -> None:
    assert len(map_to_etsy(product(title="word " * 60), default_tables()).title) <= 140
    with pytest.raises(ValidationFailed, match="title"):
        map_to_etsy(product(title="Dress & coat & scarf"), default_tables())


def test_price_rule_for_etsy() -> None:
    tables = tables_for_seller({"price": {"etsy": {"coefficient": "1.2", "rounding": "ten_cents"}}})
    assert map_to_etsy(product(price=Decimal("19.99")), tables).price == Decimal("24.00")
