"""Fetching a product image's bytes from where the seller stored it, for marketplaces that take files.

Kept apart from the marketplace clients: it talks to the seller's storage, not to a marketplace, and
it is the seam tests and the demo replace with an in-memory store.
"""

from __future__ import annotations

from typing import Protocol

import httpx

from stoflow.domain.errors import PermanentError, TransientError


class ImageFetcher(Protocol):
    async def fetch(self, url: str) -> bytes: ...


class HttpImageFetcher:
    def __init__(self, *, timeout_s: float = 30.0) -> None:
        self._timeout_s = timeout_s

    async def fetch(self, url: str) -> bytes:
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s, follow_redirects=True) as client:
                response = await client.get(url)
        except httpx.TransportError as exc:
            raise TransientError(f"image {url} could not be downloaded ({type(exc).__name__})") from exc
        if response.status_code >= 500:
            raise TransientError(f"image {url}: HTTP {response.status_code}")
        if response.status_code >= 400 or not response.content:
            raise PermanentError(
                f"image {url} is not available (HTTP {response.status_code})", code="image_missing"
            )
        return response.content
