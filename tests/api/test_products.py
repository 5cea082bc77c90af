"""/api/products: CRUD, images with order and the internal flag, validation, isolation."""

from __future__ import annotations

from typing import Any

import httpx

JEANS: dict[str, Any] = {
    "title": "Levi's 501 W32 L34",
    "price": "35.00",
    "brand": "Levi's",
    "condition": 8,
    "colors": ["blue"],
    "images": [
        {"url": "https://img.example/front.jpg"},
        {"url": "https://img.example/label.jpg", "internal": True},
        {"url": "https://img.example/first.jpg", "position": 1},
    ],
}


def _create(client: httpx.Client, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/products", json={**JEANS, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_then_read_keeps_fields_and_image_order(client: httpx.Client) -> None:
    created = _create(client)
    read = client.get(f"/api/products/{created['id']}").json()
    assert read == created
    assert read["brand"] == "Levi's"
    assert [(i["position"], i["url"].rsplit("/", 1)[1], i["internal"]) for i in read["images"]] == [
        (1, "first.jpg", False),
        (2, "front.jpg", False),
        (3, "label.jpg", True),
    ]


def test_update_changes_only_the_fields_sent(client: httpx.Client) -> None:
    product = _create(client)
    response = client.patch(f"/api/products/{product['id']}", json={"price": "29.90", "size": "W32"})
    assert response.status_code == 200
    updated = response.json()
    assert (updated["price"], updated["size"], updated["title"]) == ("29.90", "W32", JEANS["title"])


def test_delete_then_read_is_404(client: httpx.Client) -> None:
    product = _create(client)
    assert client.delete(f"/api/products/{product['id']}").status_code == 204
    assert client.get(f"/api/products/{product['id']}").status_code == 404
    assert client.delete(f"/api/products/{product['id']}").status_code == 404


def test_list_is_paginated(client: httpx.Client) -> None:
    ids = [_create(client, title=f"item {i}", images=[])["id"] for i in range(5)]
    page = client.get("/api/products", params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 5
    assert (page["limit"], page["offset"]) == (2, 2)
    assert [p["id"] for p in page["items"]] == ids[2:4]
    assert client.get("/api/products", params={"limit": 0}).status_code == 422
    assert client.get("/api/products", params={"limit": 10_000}).status_code == 422


def test_images_can_be_added_flagged_reordered_and_removed(client: httpx.Client) -> None:
    product = _create(client)
    base = f"/api/products/{product['id']}/images"
    images = client.post(base, json={"url": "https://img.example/back.jpg", "position": 2}).json()
    assert [i["url"].rsplit("/", 1)[1] for i in images] == ["first.jpg", "back.jpg", "front.jpg", "label.jpg"]
    back = images[1]["id"]
    images = client.patch(f"{base}/{back}", json={"internal": True}).json()
    assert next(i for i in images if i["id"] == back)["internal"] is True
    reversed_ids = [i["id"] for i in reversed(images)]
    images = client.put(f"{base}/order", json={"image_ids": reversed_ids}).json()
    assert [i["id"] for i in images] == reversed_ids
    assert [i["position"] for i in images] == [1, 2, 3, 4]
    images = client.delete(f"{base}/{back}").json()
    assert back not in [i["id"] for i in images]
    assert [i["position"] for i in images] == [1, 2, 3]


def test_a_reorder_must_list_every_image_once(client: httpx.Client) -> None:
    product = _create(client)
    ids = [i["id"] for i in product["images"]]
    response = client.put(f"/api/products/{product['id']}/images/order", json={"image_ids": ids[:2]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "image_ids"]


def test_bad_input_is_422_naming_each_field(client: httpx.Client) -> None:
    response = client.post(
        "/api/products",
        json={"title": "", "price": "-1", "condition": 11, "images": [{"url": "ftp://x"}], "color": "red"},
    )
    assert response.status_code == 422
    fields = {tuple(e["loc"][1:]) for e in response.json()["detail"]}
    assert {("title",), ("price",), ("condition",), ("images", 0, "url"), ("color",)} <= fields


def test_another_tenants_product_is_404_everywhere(client: httpx.Client, other_client: httpx.Client) -> None:
    product = _create(client)
    path = f"/api/products/{product['id']}"
    image = product["images"][0]["id"]
    assert other_client.get(path).status_code == 404
    assert other_client.patch(path, json={"price": "1.00"}).status_code == 404
    assert other_client.delete(path).status_code == 404
    assert other_client.post(f"{path}/images", json={"url": "https://x.example/a.jpg"}).status_code == 404
    assert other_client.patch(f"{path}/images/{image}", json={"internal": True}).status_code == 404
    assert other_client.delete(f"{path}/images/{image}").status_code == 404
    assert other_client.get("/api/products").json()["total"] == 0
    assert client.get(path).json() == product


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_uploaded_photo_is_served_and_listed_in_order(client: httpx.Client) -> None:
    product = _create(client)
    base = f"/api/products/{product['id']}/images/upload"
    answer = client.post(
        base, files={"file": ("tag.png", PNG, "image/png")}, data={"internal": "true", "position": "1"}
    )
    assert answer.status_code == 201, answer.text
    first = answer.json()[0]
    assert (first["position"], first["internal"]) == (1, True)
    assert first["url"].startswith(str(client.base_url))
    assert first["url"].endswith(".png")
    # Served without a key (marketplaces fetch photos by URL), under an unguessable name.
    with httpx.Client() as anonymous:
        assert anonymous.get(first["url"]).content == PNG


def test_uploads_must_be_images_of_an_existing_product(
    client: httpx.Client, other_client: httpx.Client
) -> None:
    product = _create(client)
    base = f"/api/products/{product['id']}/images/upload"
    refused = client.post(base, files={"file": ("x.png", b"<svg onload=alert(1)>", "image/png")})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "file"]
    assert client.post(base, data={"internal": "false"}).status_code == 422  # no file
    assert other_client.post(base, files={"file": ("a.png", PNG, "image/png")}).status_code == 404
    assert len(client.get(f"/api/products/{product['id']}").json()["images"]) == 3
