"""/api/batches and /api/jobs: create, follow, inspect tasks, retry what failed, cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from stoflow.domain.clock import system_clock
from stoflow.domain.enums import Marketplace
from stoflow.marketplaces.auth.accounts import add_account
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.orchestration.worker import Worker
from stoflow.store.database import Database
from stoflow.store.secrets import SecretBox
from stoflow.store.tables import marketplace_jobs
from tests.api.conftest import settled, start_worker, wait_until


def _create(client: httpx.Client, product_ids: list[int], *marketplaces: str) -> dict[str, Any]:
    response = client.post(
        "/api/batches",
        json={
            "action": "publish",
            "marketplaces": list(marketplaces or ["ebay"]),
            "product_ids": product_ids,
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_new_batch_has_one_pending_job_per_product_and_marketplace(
    client: httpx.Client, make_products: Callable[..., list[int]]
) -> None:
    batch = _create(client, make_products(3), "ebay", "etsy")
    assert (batch["status"], batch["total"], batch["progress"]) == ("pending", 6, 0.0)
    jobs = client.get(f"/api/batches/{batch['id']}/jobs").json()
    assert jobs["total"] == 6
    assert {j["status"] for j in jobs["items"]} == {"pending"}
    listed = client.get("/api/batches").json()
    assert [b["id"] for b in listed["items"]] == [batch["id"]]


def test_a_job_shows_its_task_timeline(
    client: httpx.Client, make_products: Callable[..., list[int]], worker: Worker
) -> None:
    batch = _create(client, make_products(1, images=2))
    done = wait_until(settled(client, batch["id"]))
    assert (done["status"], done["completed"], done["progress"]) == ("completed", 1, 1.0)
    job_id = client.get(f"/api/batches/{batch['id']}/jobs").json()["items"][0]["id"]
    job = client.get(f"/api/jobs/{job_id}").json()
    # The second image is internal: it gets no upload task.
    assert [t["name"] for t in job["tasks"]] == [
        "validate",
        "map_data",
        "upload_image:1",
        "create_listing",
        "save_result",
    ]
    assert all(t["status"] == "completed" and t["attempts"] == 1 for t in job["tasks"])
    assert all(t["duration_ms"] is not None for t in job["tasks"])


def test_failed_jobs_carry_the_marketplace_message_and_retry_failed_completes_them(
    client: httpx.Client, make_products: Callable[..., list[int]], worker: Worker
) -> None:
    batch = _create(client, make_products(3, failing=1))
    done = wait_until(settled(client, batch["id"]))
    assert (done["status"], done["completed"], done["failed"]) == ("partially_failed", 2, 1)

    groups = client.get(f"/api/batches/{batch['id']}/failures").json()
    assert groups == [
        {
            "marketplace": "ebay",
            "error_code": "missing_item_specific",
            "count": 1,
            "example_message": "ebay refused the listing",
            "example_marketplace_message": groups[0]["example_marketplace_message"],
        }
    ]
    assert "Brand is missing" in groups[0]["example_marketplace_message"]
    failed = client.get(
        f"/api/batches/{batch['id']}/jobs", params={"status": "failed", "error_code": "missing_item_specific"}
    ).json()
    assert failed["total"] == 1
    job = client.get(f"/api/jobs/{failed['items'][0]['id']}").json()
    create = next(t for t in job["tasks"] if t["name"] == "create_listing")
    assert create["status"] == "failed"
    assert "Brand is missing" in create["marketplace_message"]

    assert client.post(f"/api/batches/{batch['id']}/retry-failed").json() == {"count": 1}
    done = wait_until(settled(client, batch["id"]))
    assert (done["status"], done["completed"], done["failed"]) == ("completed", 3, 0)
    job = client.get(f"/api/jobs/{job['id']}").json()
    # The completed tasks did not run again; only the failed step and the one after it did.
    assert [t["attempts"] for t in job["tasks"]] == [1, 1, 1, 2, 1]


def test_retrying_a_job_that_did_not_fail_is_409(
    client: httpx.Client, make_products: Callable[..., list[int]]
) -> None:
    batch = _create(client, make_products(1))
    job_id = client.get(f"/api/batches/{batch['id']}/jobs").json()["items"][0]["id"]
    assert client.post(f"/api/jobs/{job_id}/retry").status_code == 409


def test_retry_of_one_failed_job(
    client: httpx.Client, make_products: Callable[..., list[int]], worker: Worker
) -> None:
    batch = _create(client, make_products(1, failing=1), "vinted")
    wait_until(settled(client, batch["id"]))
    job = client.get(f"/api/batches/{batch['id']}/jobs").json()["items"][0]
    assert job["status"] == "failed"
    assert job["error_code"] == "missing_brand"
    # The worker may already have claimed it again by the time the answer is read.
    assert client.post(f"/api/jobs/{job['id']}/retry").json()["status"] in ("pending", "running", "completed")
    assert wait_until(settled(client, batch["id"]))["status"] == "completed"


def test_cancel_stops_the_pending_jobs(client: httpx.Client, make_products: Callable[..., list[int]]) -> None:
    batch = _create(client, make_products(4))
    assert client.post(f"/api/batches/{batch['id']}/cancel").json() == {"cancelled": 4, "stopping": 0}
    after = client.get(f"/api/batches/{batch['id']}").json()
    assert (after["status"], after["cancelled"], after["progress"]) == ("cancelled", 4, 1.0)
    job_id = client.get(f"/api/batches/{batch['id']}/jobs").json()["items"][0]["id"]
    job = client.get(f"/api/jobs/{job_id}").json()
    assert {t["status"] for t in job["tasks"]} == {"cancelled"}
    # A cancelled job can be retried.
    assert client.post(f"/api/jobs/{job_id}/retry").json()["status"] == "pending"


def test_cancel_one_job(client: httpx.Client, make_products: Callable[..., list[int]]) -> None:
    batch = _create(client, make_products(2))
    job_id = client.get(f"/api/batches/{batch['id']}/jobs").json()["items"][0]["id"]
    assert client.post(f"/api/jobs/{job_id}/cancel").json()["status"] == "cancelled"
    assert client.get(f"/api/batches/{batch['id']}").json()["cancelled"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "publish", "marketplaces": [], "product_ids": [1]}, "marketplaces"),
        ({"action": "teleport", "marketplaces": ["ebay"], "product_ids": [1]}, "action"),
        ({"action": "publish", "marketplaces": ["amazon"], "product_ids": [1]}, "marketplaces"),
        ({"action": "publish", "marketplaces": ["ebay"], "product_ids": []}, "product_ids"),
        ({"action": "publish", "marketplaces": ["ebay"], "product_ids": [999_999]}, "product_ids"),
        ({"action": "publish", "marketplaces": ["ebay", "ebay"], "product_ids": [1]}, "marketplaces"),
        ({"action": "delete", "marketplaces": ["ebay"], "product_ids": [1]}, "action"),
        ({"action": "publish", "marketplaces": ["ebay"], "product_ids": [0]}, "product_ids"),
    ],
)
def test_bad_batches_are_422_naming_the_field(
    client: httpx.Client, make_products: Callable[..., list[int]], body: dict[str, Any], field: str
) -> None:
    make_products(1)
    response = client.post("/api/batches", json=body)
    assert response.status_code == 422, response.text
    assert field in [e["loc"][1] for e in response.json()["detail"]]


def test_the_same_idempotency_key_returns_the_first_batch(
    client: httpx.Client, make_products: Callable[..., list[int]]
) -> None:
    body = {
        "action": "publish",
        "marketplaces": ["ebay"],
        "product_ids": make_products(2),
        "idempotency_key": "k1",
    }
    first = client.post("/api/batches", json=body).json()
    assert client.post("/api/batches", json=body).json()["id"] == first["id"]
    assert client.get("/api/batches").json()["total"] == 1


def test_another_tenants_batches_and_jobs_are_404(
    client: httpx.Client, other_client: httpx.Client, make_products: Callable[..., list[int]]
) -> None:
    batch = _create(client, make_products(1))
    job_id = client.get(f"/api/batches/{batch['id']}/jobs").json()["items"][0]["id"]
    base = f"/api/batches/{batch['id']}"
    for method, path in [
        ("GET", base),
        ("GET", f"{base}/jobs"),
        ("GET", f"{base}/failures"),
        ("GET", f"{base}/events"),
        ("POST", f"{base}/retry-failed"),
        ("POST", f"{base}/cancel"),
        ("GET", f"/api/jobs/{job_id}"),
        ("POST", f"/api/jobs/{job_id}/retry"),
        ("POST", f"/api/jobs/{job_id}/cancel"),
    ]:
        assert other_client.request(method, path).status_code == 404, (method, path)
    assert other_client.get("/api/batches").json()["total"] == 0
    # The owner's batch was not touched by any of those requests.
    assert client.get(base).json()["status"] == "pending"
    # A product id of the owner is unknown to the other tenant when it plans a batch.
    response = other_client.post(
        "/api/batches", json={"action": "publish", "marketplaces": ["ebay"], "product_ids": [1]}
    )
    assert response.status_code == 422


def test_a_paused_batch_starts_nothing_until_resumed(
    client: httpx.Client, make_products: Callable[..., list[int]], orchestrator: TaskOrchestrator
) -> None:
    ids = make_products(3)
    held = _create(client, ids[:2])
    assert client.post(f"/api/batches/{held['id']}/pause").json() == {"count": 2}
    assert client.get(f"/api/batches/{held['id']}").json()["paused"] is True
    other = _create(client, ids[2:])
    worker = start_worker(orchestrator)
    try:
        # A batch created after the paused one runs to the end while the paused one waits.
        assert wait_until(settled(client, other["id"]))["status"] == "completed"
        assert client.get(f"/api/batches/{held['id']}").json()["status"] == "pending"
        assert client.post(f"/api/batches/{held['id']}/resume").json() == {"count": 2}
        assert wait_until(settled(client, held["id"]))["status"] == "completed"
    finally:
        assert worker.stop(10.0)


def test_jobs_use_the_chosen_account_or_the_only_one(
    client: httpx.Client, make_products: Callable[..., list[int]], db: Database, tenant: str
) -> None:
    box = SecretBox([Fernet.generate_key().decode()])
    with db.tenant(tenant).begin() as conn:
        ebay = [
            add_account(
                conn,
                box,
                marketplace=Marketplace.EBAY,
                label=label,
                credentials={},
                settings={},
                now=system_clock(),
            )
            for label in ("a", "b")
        ]
        etsy = add_account(
            conn,
            box,
            marketplace=Marketplace.ETSY,
            label="shop",
            credentials={},
            settings={},
            now=system_clock(),
        )
    ids = make_products(1)

    def accounts(body: dict[str, Any]) -> dict[str, int | None]:
        batch = client.post("/api/batches", json={"action": "publish", "product_ids": ids, **body})
        assert batch.status_code == 201, batch.text
        jobs = client.get(f"/api/batches/{batch.json()['id']}/jobs").json()["items"]
        with db.tenant(tenant).connect() as conn:
            return {
                j["marketplace"]: conn.scalar(
                    select(marketplace_jobs.c.account_id).where(marketplace_jobs.c.id == j["id"])
                )
                for j in jobs
            }

    # Two eBay accounts: none is guessed; Etsy has one, so it is used.
    assert accounts({"marketplaces": ["ebay", "etsy"]}) == {"ebay": None, "etsy": etsy}
    assert accounts({"marketplaces": ["ebay"], "account_ids": {"ebay": ebay[1]}}) == {"ebay": ebay[1]}
    for wrong in ({"ebay": etsy}, {"etsy": etsy}, {"ebay": 999}):
        answer = client.post(
            "/api/batches",
            json={"action": "publish", "product_ids": ids, "marketplaces": ["ebay"], "account_ids": wrong},
        )
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["body", "account_ids"]
