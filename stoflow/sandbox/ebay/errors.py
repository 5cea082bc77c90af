"""eBay's error body: `{"errors": [Error, ...]}` with errorId, domain, category and messages."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


def ebay_error(
    status: int,
    error_id: int,
    message: str,
    *,
    domain: str = "API_INVENTORY",
    category: str = "REQUEST",
    long_message: str | None = None,
    parameters: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    error: dict[str, Any] = {
        "errorId": error_id,
        "domain": domain,
        "category": category,
        "message": message,
        "longMessage": long_message or message,
    }
    if parameters:
        error["parameters"] = [{"name": name, "value": value} for name, value in parameters.items()]
    return JSONResponse({"errors": [error]}, status_code=status, headers=headers)


def invalid_token() -> JSONResponse:
    return ebay_error(
        401,
        1001,
        "Invalid access token",
        domain="OAuth",
        long_message="Invalid access token. Check the value of the Authorization HTTP request header.",
    )


def too_many_requests(retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return ebay_error(
        429,
        2001,
        "Too many requests.",
        domain="ACCESS",
        long_message="The request limit has been reached for the resource.",
        headers=headers,
    )


def fault_error(status: int, retry_after: int | None) -> JSONResponse:
    """What an injected failure looks like on eBay."""
    if status == 429:
        return too_many_requests(retry_after)
    if status == 401:
        return invalid_token()
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if status >= 500:
        return ebay_error(
            status, 25001, "A system error has occurred.", category="APPLICATION", headers=headers
        )
    return ebay_error(status, 2004, "Invalid request", domain="ACCESS", headers=headers)


def invalid_field(field: str, message: str | None = None) -> JSONResponse:
    return ebay_error(400, 25709, message or f"Invalid value for {field}.")
