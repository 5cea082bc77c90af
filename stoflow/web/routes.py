"""The dashboard: static pages and scripts served by the API's own application (no Node build)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def mount_dashboard(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def overview() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/batches/{batch_id}", include_in_schema=False)
    def batch_page(batch_id: int) -> FileResponse:
        del batch_id  # the page reads it from its URL
        return FileResponse(STATIC / "batch.html")
