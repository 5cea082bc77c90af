"""Shapes shared by every resource: pages of a list, error bodies."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path
from pydantic import BaseModel, Field

T = TypeVar("T")

MAX_ID = 2_147_483_647  # ids are 32-bit integer columns
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]

MAX_PAGE = 200


class Page(BaseModel, Generic[T]):
    """One page of a list; `total` counts every matching item."""

    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class Message(BaseModel):
    detail: str


class Cancelled(BaseModel):
    cancelled: int  # pending jobs cancelled at once
    stopping: int  # running jobs that stop at their next task boundary


class Count(BaseModel):
    """How many objects an operation affected."""

    count: int


Responses = dict[int | str, dict[str, Any]]


def not_found(kind: str) -> Responses:
    """The OpenAPI entry of a 404 for objects of `kind`."""
    return {404: {"model": Message, "description": f"No such {kind} for this tenant"}}
