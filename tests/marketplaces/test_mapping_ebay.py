from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from stoflow.domain.errors import ValidationFailed
from stoflow.domain.product import Product, ProductImage
from stoflow.marketplaces.mapping import default_tables, map_to_ebay, tables_for_seller

JEANS = Product(
    id=1,
    title="Levi's 501 high-rise straight jeans, washed blue denim, made in USA, 1990s vintage piece",
    description="Straight leg, light wash.",
    price=Decimal("25"),
    currency="GBP",
    category="jeans",
    gender="women",
    brand="Levi's",
    size="M",
    condition=8,
    colors=("Blue",),
    materials=("Denim", "Cotton"),
    images=(
        ProductImage(position=2, url="https://img.example/back.jpg"),
        ProductImage(position=0, url="https://img.example/price-label.jpg", internal=True),
        ProductImage(position=1, url="https://img.example/front.jpg"),
    ),
)


def product(**changes: Any) -> Product:
    return dataclasses.replace(JEANS, **changes)


def test_womens_jeans_on_ebay_gb() -> None:
    draft = map_to_ebay(JEANS, default_tables(), "EBAY_GB")
    assert draft.category_id == "11554"
    assert (draft.condition, draft.condition_id) == ("PRE_OWNED_EXCELLENT", 2990)
    assert draft.aspects_payload() == {
        "Brand": ["Levi's"],
        "Size": ["M"],
        "Department": ["Women"],
        "Colour": ["Blue"],
        "Material": ["Denim", "Cotton"],
    }
    assert (draft.price, draft.currency) == (Decimal("25.00"), "GBP")
    assert len(draft.title) <= 80
    assert draft.title.startswith("Levi's 501")
    assert not draft.title.endswith(" ")


def test_internal_images_never_reach_the_draft() -> None:
    draft = map_to_ebay(JEANS, default_tables(), "EBAY_GB")
    assert draft.image_urls == ("https://img.example/front.jpg", "https://img.example/back.jpg")


def test_eur_product_needs_a_converting_rule_for_ebay_gb() -> None:
    eur = product(currency="EUR")
    with pytest.raises(ValidationFailed) as err:
        map_to_ebay(eur, default_tables(), "EBAY_GB")
    assert err.value.field == "price"
    assert err.value.marketplace == "ebay"
    assert "GBP" in str(err.value)
    tables = tables_for_seller(
        {"price": {"EBAY_GB": {"coefficient": "0.86", "currency": "GBP", "rounding": "ninety_nine"}}}
    )
    draft = map_to_ebay(eur, tables, "EBAY_GB")
    assert (draft.price, draft.currency) == (Decimal("21.99"), "GBP")


def test_ebay_fr_needs_seller_aspect_names() -> None:
    eur = product(currency="EUR")
    with pytest.raises(
        ValidationFailed, match=r"^brand: no verified eBay aspect name .* EBAY_FR.* for ebay$"
    ):
        map_to_ebay(eur, default_tables(), "EBAY_FR")
    names = {
        "brand": "Marque",
        "size": "Taille",
        "gender": "Rayon",
        "color": "Couleur",
        "material": "Matière",
    }
    draft = map_to_ebay(eur, tables_for_seller({"ebay": {"aspect_names": {"EBAY_FR": names}}}), "EBAY_FR")
    assert draft.category_id == "11554"
    assert draft.aspects["Marque"] == ("Levi's",)


def test_category_override() -> None:
    tables = tables_for_seller({"ebay": {"category": {"jeans/women": "63861"}}})
    assert map_to_ebay(JEANS, tables, "EBAY_GB").category_id == "63861"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": None}, "category"),
        ({"gender": "unisex"}, "gender"),
        ({"category": "tops", "gender": "men"}, "category"),  # not a leaf: kept out of the defaults
        ({"brand": None}, "brand"),
        ({"size": " "}, "size"),
        ({"condition": None}, "condition"),
        ({"condition": 11}, "condition"),
        ({"price": Decimal("0")}, "price"),
        ({"quantity": 0}, "quantity"),
        ({"description": " "}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"images": (ProductImage(0, "https://img.example/label.jpg", internal=True),)}, "images"),
        ({"images": (ProductImage(0, "http://img.example/a.jpg"),)}, "images"),
        ({"colors": ("x" * 51,)}, "color"),
    ],
)
def test_unmappable_attribute_names_field_and_marketplace(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        map_to_ebay(product(**changes), default_tables(), "EBAY_GB")
    assert err.value.field == field
    assert err.value.marketplace == "ebay"
    assert str(err.value).startswith(f"{field}: ")
    assert str(err.value).endswith("for ebay")


def test_unknown_marketplace_id() -> None:
    with pytest.raises(ValidationFailed, match="EBAY_XX"):
        map_to_ebay(JEANS, default_tables(), "EBAY_XX")
