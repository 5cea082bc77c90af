"""The FastAPI application: the HTTP API under /api and the dashboard under /."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from stoflow.api.errors import install_error_handlers
from stoflow.api.routes import batches, connections, events, insights, jobs, products
from stoflow.api.services import ApiServices
from stoflow.web.routes import mount_dashboard


def create_app(services: ApiServices) -> FastAPI:
    app = FastAPI(
        title="StoFlow",
        version="0.1.0",
        description="Durable marketplace operations for second-hand resellers. "
        "Authenticate with `Authorization: Bearer <API key>`; every object belongs to the key's tenant.",
    )
    app.state.services = services
    install_error_handlers(app)
    for module in (products, batches, events, jobs, insights, connections):
        app.include_router(module.router)
    services.media_dir.mkdir(parents=True, exist_ok=True)
    app.mount("/media", StaticFiles(directory=services.media_dir), name="media")
    mount_dashboard(app)
    return app
