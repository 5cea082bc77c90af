"""Validate real HTTP exchanges with the emulators against the official OpenAPI documents.

The documents live in the shared reference folder (../shared/reference/specs beside the repository,
or STOFLOW_SPECS_DIR). Security is left out of request validation: openapi-core cannot check OAuth2
schemes, and the emulators' own tests cover auth.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from jsonschema_path import SchemaPath
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.validators import (
    V30RequestBodyValidator,
    V30RequestParametersValidator,
)
from openapi_core.validation.response.validators import V30ResponseValidator

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPECS_DIR = REPO_ROOT.parent / "shared" / "reference" / "specs"


def specs_dir() -> Path:
    return Path(os.environ.get("STOFLOW_SPECS_DIR", DEFAULT_SPECS_DIR))


@dataclass(frozen=True)
class Api:
    """One OpenAPI document and the URL prefix its paths sit under."""

    name: str
    host: str
    prefix: str
    spec: SchemaPath
    declared: dict[tuple[str, str], set[str]]  # (method, path template) -> declared status codes

    def validate(
        self,
        request: httpx.Request,
        response: httpx.Response,
        path_params: dict[str, Any],
        *,
        check_request: bool = True,
    ) -> None:
        mock_request = _mock_request(self.host, request, path_params)
        if check_request:
            if request.method in ("POST", "PUT", "PATCH"):
                V30RequestBodyValidator(self.spec).validate(mock_request)
            V30RequestParametersValidator(self.spec).validate(mock_request)
        mock_response = MockResponse(
            response.content,
            status_code=response.status_code,
            headers=dict(response.headers),
            content_type=response.headers.get("content-type", "application/json").split(";")[0],
        )
        V30ResponseValidator(self.spec).validate(mock_request, mock_response)


def _mock_request(host: str, request: httpx.Request, path_params: dict[str, Any]) -> MockRequest:
    url = urlsplit(str(request.url))
    # A list of pairs keeps repeated (exploded array) parameters; MockRequest passes it to a MultiDict.
    query: Any = parse_qsl(url.query)
    headers = dict(request.headers.items())
    content_type = request.headers.get("content-type", "application/json").split(";")[0]
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        content_type = request.headers["content-type"]  # the boundary is needed to parse the parts
    return MockRequest(
        host,
        request.method,
        url.path,
        args=query,
        view_args=path_params,
        headers=headers,
        data=request.content or None,
        content_type=content_type,
    )


def _drop_null_parameter_defaults(document: dict[str, Any]) -> None:
    """Etsy's document gives optional query parameters (includes, language, ...) a null default
    their schemas do not allow, so a request that leaves them out would fail; drop those defaults."""
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if "default" in schema and schema["default"] is None and not schema.get("nullable"):
                    del schema["default"]


def load_api(name: str, relative: str, host: str, prefix: str) -> Api:
    document: dict[str, Any] = json.loads((specs_dir() / relative).read_text())
    # eBay's server URL uses a {basePath} variable that request matching cannot resolve.
    document["servers"] = [{"url": f"{host}{prefix}"}]
    _drop_null_parameter_defaults(document)
    declared = {
        (method.upper(), f"{prefix}{path}"): set(operation.get("responses", {}))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "responses" in operation
    }
    return Api(name, host, prefix, SchemaPath.from_dict(document), declared)
