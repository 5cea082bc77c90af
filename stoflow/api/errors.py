"""The one place that maps domain errors to HTTP answers."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from stoflow.domain.errors import ValidationFailed
from stoflow.handlers.base import UnsupportedOperationError


class NotFoundError(LookupError):
    """The object does not exist for this tenant (another tenant's objects are not found either)."""

    def __init__(self, kind: str, object_id: int) -> None:
        super().__init__(f"{kind} {object_id} not found")


def field_error(location: tuple[str, ...], message: str) -> JSONResponse:
    """A 422 shaped like FastAPI's own validation errors, naming the field."""
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": [{"loc": list(location), "msg": message, "type": "value_error"}]},
    )


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(exc)})


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ValidationFailed)
    return field_error(("body", exc.field), exc.reason)


async def _unsupported(_request: Request, exc: Exception) -> JSONResponse:
    return field_error(("body", "action"), str(exc))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(ValidationFailed, _invalid)
    app.add_exception_handler(UnsupportedOperationError, _unsupported)
