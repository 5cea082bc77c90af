"""Request checks shared by the eBay write routes."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from stoflow.sandbox.ebay.errors import ebay_error


def content_language(request: Request) -> str | Response:
    """createOrReplaceInventoryItem, createOffer and updateOffer refuse a write without it."""
    language = request.headers.get("content-language")
    if not language:
        return ebay_error(400, 25709, "Invalid value for header Content-Language.")
    return language


async def json_object(request: Request) -> dict[str, Any] | Response:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        return ebay_error(
            400,
            2004,
            "Invalid request",
            domain="ACCESS",
            long_message="The request has errors. The body could not be parsed as JSON.",
        )
    if not isinstance(body, dict):
        return ebay_error(
            400,
            2004,
            "Invalid request",
            domain="ACCESS",
            long_message="The request has errors. A JSON object body is required.",
        )
    return body


async def write_body(request: Request) -> tuple[str, dict[str, Any]] | Response:
    """The Content-Language and JSON object body that every Inventory write requires, in that order."""
    language = content_language(request)
    if isinstance(language, Response):
        return language
    body = await json_object(request)
    if isinstance(body, Response):
        return body
    return language, body


def paging(request: Request, *, default_limit: int, max_limit: int) -> tuple[int, int] | Response:
    try:
        limit = int(request.query_params.get("limit", default_limit))
        offset = int(request.query_params.get("offset", 0))
    except ValueError:
        return ebay_error(400, 25706, "You have provided invalid pagination values.")
    if not 1 <= limit <= max_limit or offset < 0:
        return ebay_error(400, 25706, "You have provided invalid pagination values.")
    return limit, offset
