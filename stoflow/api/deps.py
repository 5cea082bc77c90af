"""Typed dependencies: the services, the authenticated caller, and the caller's tenant engine."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from stoflow.api.keys import Caller, authenticate
from stoflow.api.schemas.common import PageParams
from stoflow.api.services import ApiServices
from stoflow.orchestration.orchestrator import TaskOrchestrator

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer sfk_...`")


def get_services(request: Request) -> ApiServices:
    return cast(ApiServices, request.app.state.services)


ServicesDep = Annotated[ApiServices, Depends(get_services)]


def get_caller(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    caller = authenticate(services.db, credentials.credentials) if credentials is not None else None
    if caller is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid API key is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


def get_tenant_engine(services: ServicesDep, caller: CallerDep) -> Engine:
    """The caller's tables and only them: every query of a route goes through this engine."""
    return services.db.tenant(caller.tenant)


TenantDbDep = Annotated[Engine, Depends(get_tenant_engine)]


def get_orchestrator(services: ServicesDep) -> TaskOrchestrator:
    return services.orchestrator


OrchestratorDep = Annotated[TaskOrchestrator, Depends(get_orchestrator)]
PageDep = Annotated[PageParams, Depends()]
