"""/api/batches/{id}/events: progress delivered while the batch runs, then an end event."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from stoflow.orchestration.orchestrator import TaskOrchestrator
from tests.api.conftest import start_worker


def _events(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    name = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def test_the_stream_delivers_progress_while_the_batch_runs(
    client: httpx.Client, make_products: Callable[..., list[int]], orchestrator: TaskOrchestrator
) -> None:
    ids = make_products(4, images=1)
    batch = client.post(
        "/api/batches", json={"action": "publish", "marketplaces": ["ebay"], "product_ids": ids}
    ).json()
    with client.stream("GET", f"/api/batches/{batch['id']}/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        # The worker starts only once the stream is open, so the stream sees the batch from 0%.
        worker = start_worker(orchestrator)
        try:
            events = _events(response)
        finally:
            assert worker.stop(10.0)
    progress = [data for name, data in events if name == "progress"]
    assert events[-1][0] == "end"
    assert progress[0]["batch"]["progress"] == 0.0
    assert progress[-1]["batch"]["progress"] == 1.0
    assert progress[-1]["batch"]["status"] == "completed"
    # Task-level steps are visible between job completions: many more events than jobs.
    finished = [p["tasks_finished"] for p in progress]
    assert finished == sorted(finished)
    assert len(set(finished)) > len(ids)
    assert progress[-1]["tasks_finished"] == progress[-1]["tasks_total"] == 4 * 4


def test_the_stream_of_a_settled_batch_ends_at_once(
    client: httpx.Client, make_products: Callable[..., list[int]]
) -> None:
    batch = client.post(
        "/api/batches", json={"action": "publish", "marketplaces": ["etsy"], "product_ids": make_products(2)}
    ).json()
    client.post(f"/api/batches/{batch['id']}/cancel")
    with client.stream("GET", f"/api/batches/{batch['id']}/events") as response:
        events = _events(response)
    assert [name for name, _ in events] == ["progress", "end"]
    assert events[0][1]["batch"]["status"] == "cancelled"
