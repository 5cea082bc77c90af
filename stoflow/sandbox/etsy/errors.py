"""Etsy's error body, `{"error": "<message>"}` (the spec's ErrorSchema), for every 4xx and 5xx."""

from __future__ import annotations

from http import HTTPStatus

from starlette.responses import JSONResponse


def etsy_error(
    status: int, message: str, *, headers: dict[str, str] | None = None, description: str | None = None
) -> JSONResponse:
    body = {"error": message}
    if description is not None:
        body["error_description"] = description  # OAuth-style errors carry both keys
    return JSONResponse(body, status_code=status, headers=headers)


def fault_error(status: int, retry_after: int | None) -> JSONResponse:
    headers = {"retry-after": str(retry_after)} if retry_after is not None else None
    if status == 429:
        return etsy_error(429, "Exceeded per second rate limit", headers=headers)
    if status == 401:
        return etsy_error(401, "invalid_token", description="access token is expired", headers=headers)
    if status >= 500:
        return etsy_error(status, "Server Error", headers=headers)
    return etsy_error(status, HTTPStatus(status).phrase, headers=headers)
