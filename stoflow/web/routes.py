"""The dashboard: static pages and scripts served by the API's own application (no Node build)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
# The pages load only their own scripts and styles and talk only to this origin: an injected
# marketplace message could not run script or send the API key (kept in localStorage) elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, headers=SECURITY_HEADERS)


def mount_dashboard(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def overview() -> FileResponse:
        return _page("index.html")

    @app.get("/batches/{batch_id}", include_in_schema=False)
    def batch_page(batch_id: int) -> FileResponse:
        del batch_id  # the page reads it from its URL
        return _page("batch.html")
