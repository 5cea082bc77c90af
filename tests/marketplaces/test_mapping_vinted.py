from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from stoflow.domain.errors import ValidationFailed
from stoflow.domain.product import Product, ProductImage
from stoflow.marketplaces.mapping import default_tables, map_to_vinted, tables_for_seller

JEANS = Product(
    id=3,
    title="Levi's 501 jeans",
    description="Straight fit, W32.",
    price=Decimal("30"),
    category="jeans",
    gender="men",
    brand="Levi's",
    size="W32",
    condition=6,
    colors=("Navy", "Cobalt", "Black"),
    materials=("Denim",),
    attributes={"fit": "Skinny"},
    images=(
        ProductImage(position=0, url="https://img.example/jeans.jpg"),
        ProductImage(position=1, url="https://img.example/label.jpg", internal=True),
    ),
)


def product(**changes: Any) -> Product:
    return dataclasses.replace(JEANS, **changes)


def with_parcel(tables_json: dict[str, Any] | None = None) -> dict[str, Any]:
    base: dict[str, Any] = {"vinted": {"package_size": {"*": "small"}}}
    base["vinted"].update((tables_json or {}).get("vinted", {}))
    return base


def test_mens_skinny_jeans() -> None:
    draft = map_to_vinted(JEANS, tables_for_seller(with_parcel()))
    assert draft.catalog_id == 1817  # the fit=Skinny row outweighs the default (Straight) row
    assert draft.brand_id == 10
    assert draft.size_id == 1640  # W32 in the men's waist group 77
    assert draft.status_id == 3  # condition 6 "Good"
    assert draft.color_ids == (27, 9)  # at most two; Cobalt maps through its parent Blue
    assert draft.material_ids == (303,)
    assert draft.package_size_id == 1
    assert (draft.price, draft.currency) == (Decimal("30.00"), "EUR")
    assert draft.image_urls == ("https://img.example/jeans.jpg",)


def test_default_catalogue_when_no_attribute_matches() -> None:
    draft = map_to_vinted(product(attributes={}), tables_for_seller(with_parcel()))
    assert draft.catalog_id == 1819  # is_default row of men's jeans


def test_letter_size_does_not_fit_a_waist_sized_catalogue() -> None:
    with pytest.raises(
        ValidationFailed, match=r"^size: 'M' has no Vinted size for men's jeans .*group 77.*for vinted$"
    ):
        map_to_vinted(product(size="M"), tables_for_seller(with_parcel()))


def test_parcel_size_from_catalogue_attribute_or_seller() -> None:
    t_shirt = product(category="t-shirt", gender="women", size="M", attributes={})
    assert map_to_vinted(t_shirt, default_tables()).package_size_id == 1  # catalogue 221 default
    coat = product(category="coat", gender="women", size="L", attributes={})
    with pytest.raises(ValidationFailed) as err:
        map_to_vinted(coat, default_tables())
    assert (err.value.field, err.value.marketplace) == ("package_size", "vinted")
    assert (
        map_to_vinted(
            dataclasses.replace(coat, attributes={"package_size": "large"}), default_tables()
        ).package_size_id
        == 3
    )
    tables = tables_for_seller({"vinted": {"package_size": {"coat": "medium"}}})
    assert map_to_vinted(coat, tables).package_size_id == 2


def test_seller_overrides_fill_gaps() -> None:
    tables = tables_for_seller(
        with_parcel(
            {
                "vinted": {
                    "brand": {"Atelier Nord": 987654},
                    "size": {"W30/women": 1638},
                    "color": {"ecru": 20},
                }
            }
        )
    )
    womens = product(gender="women", brand="Atelier Nord", size="W30", colors=("Ecru",), attributes={})
    draft = map_to_vinted(womens, tables)
    assert (draft.brand_id, draft.size_id, draft.color_ids) == (987654, 1638, (20,))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "jump suit"}, "category"),  # its only row is low confidence
        ({"gender": None}, "gender"),
        ({"brand": "Unknown Atelier"}, "brand"),
        ({"brand": "G-Star"}, "brand"),  # two ids in the sources
        ({"size": None}, "size"),
        ({"size": "XXL-ish"}, "size"),
        ({"gender": "women", "size": "W30", "attributes": {}}, "size"),  # approximation, low
        ({"gender": "boys", "size": "M", "attributes": {}}, "size"),  # kids sizes have no mapping
        ({"condition": None}, "condition"),
        ({"colors": ("Ultraviolet",)}, "color"),
        ({"materials": ("Unobtainium",)}, "material"),
        ({"attributes": {"package_size": "huge"}}, "package_size"),
        ({"title": "  "}, "title"),
        ({"images": ()}, "images"),
    ],
)
def test_unmappable_attribute_names_field_and_marketplace(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        map_to_vinted(product(**changes), tables_for_seller(with_parcel()))
    assert err.value.field == field
    assert err.value.marketplace == "vinted"


def test_no_brand_is_allowed() -> None:
    assert map_to_vinted(product(brand=None), tables_for_seller(with_parcel())).brand_id is None
