"""A small HTTP client of the StoFlow API for the CLI (`stoflow publish`, `stoflow batch ...`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx

from stoflow.api.schemas.batches import BatchProgress, BatchPublic, FailureGroup
from stoflow.api.schemas.common import Cancelled, Count


class ApiError(RuntimeError):
    """The API refused a request; the message is the API's own explanation."""


class StoflowClient:
    def __init__(self, base_url: str, api_key: str, *, timeout_s: float = 30.0) -> None:
        self._http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=timeout_s
        )

    def __enter__(self) -> StoflowClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self._http.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise ApiError(f"cannot reach the API at {self._http.base_url}: {exc}") from exc
        if response.is_error:
            raise ApiError(_explain(response))
        return response.json()

    def create_batch(self, action: str, marketplaces: list[str], product_ids: list[int]) -> BatchPublic:
        body = {"action": action, "marketplaces": marketplaces, "product_ids": product_ids}
        return BatchPublic.model_validate(self._call("POST", "/api/batches", body))

    def batch(self, batch_id: int) -> BatchPublic:
        return BatchPublic.model_validate(self._call("GET", f"/api/batches/{batch_id}"))

    def failures(self, batch_id: int) -> list[FailureGroup]:
        return [
            FailureGroup.model_validate(g) for g in self._call("GET", f"/api/batches/{batch_id}/failures")
        ]

    def retry_failed(self, batch_id: int) -> int:
        return Count.model_validate(self._call("POST", f"/api/batches/{batch_id}/retry-failed")).count

    def cancel(self, batch_id: int) -> Cancelled:
        return Cancelled.model_validate(self._call("POST", f"/api/batches/{batch_id}/cancel"))

    def follow(self, batch_id: int) -> Iterator[BatchProgress]:
        """The batch's progress events until it settles."""
        with self._http.stream("GET", f"/api/batches/{batch_id}/events", timeout=None) as response:
            if response.is_error:
                response.read()
                raise ApiError(_explain(response))
            event = ""
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                elif line.startswith("data: ") and event == "progress":
                    yield BatchProgress.model_validate_json(line.removeprefix("data: "))


def _explain(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (json.JSONDecodeError, AttributeError):
        detail = response.text
    if isinstance(detail, list):
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', [])[1:])}: {e.get('msg')}" for e in detail
        )
    return f"HTTP {response.status_code}: {detail}"
