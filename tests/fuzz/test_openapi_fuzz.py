"""Schemathesis against the running application: no generated input gets a 5xx answer.

The server runs over real HTTP with a tenant holding products and a batch. The SSE route is left
out: a stream of a batch that no worker runs stays open by design (tests/api/test_events.py covers
it). Every request carries the tenant's API key; a few also go without one (401 is not a 5xx).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from stoflow.api.app import create_app
from stoflow.api.keys import create_api_key
from stoflow.api.oauth.apps import OAuthApps
from stoflow.api.server import serving
from stoflow.api.services import ApiServices
from stoflow.domain.enums import Action, Marketplace
from stoflow.handlers.demo import demo_registry
from stoflow.orchestration.batches import BatchRequest
from stoflow.orchestration.orchestrator import TaskOrchestrator
from stoflow.store.database import Database
from stoflow.store.migrate import upgrade_shared
from stoflow.store.products import add_product
from stoflow.store.secrets import SecretBox
from stoflow.store.tenants import create_tenant

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "schemathesis"


@dataclass(frozen=True)
class Target:
    url: str
    key: str


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/stoflow.db")
    upgrade_shared(db)
    create_tenant(db, "fuzz")
    orchestrator = TaskOrchestrator(db, demo_registry(delay_s=0))
    with db.tenant("fuzz").begin() as conn:
        ids = [
            add_product(
                conn, title=f"item {i}", price=Decimal("10"), images=[("https://i.example/a.jpg", False)]
            )
            for i in range(3)
        ]
    orchestrator.create_batch("fuzz", BatchRequest(Action.PUBLISH, [Marketplace.EBAY], ids))
    try:
        apps = OAuthApps(
            ebay_client_id="fuzz-app",
            ebay_client_secret=SecretStr("fuzz-secret"),
            ebay_ru_name="fuzz-ru-name",
            etsy_keystring="fuzzkeystring",
            etsy_shared_secret=SecretStr("fuzz-secret"),
            etsy_redirect_uri="https://stoflow.invalid/api/oauth/etsy/callback",
        )
        box = SecretBox([Fernet.generate_key().decode()])
        media = tmp_path_factory.mktemp("media")
        services = ApiServices(db=db, orchestrator=orchestrator, box=box, oauth_apps=apps, media_dir=media)
        with serving(create_app(services)) as url:
            yield Target(url=url, key=create_api_key(db, "fuzz"))
    finally:
        db.dispose()


def test_no_input_gets_a_server_error(target: Target, tmp_path: Path) -> None:
    """`schemathesis run` (examples, coverage, fuzzing and stateful phases), only the 5xx check."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{target.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--header",
        f"Authorization: Bearer {target.key}",
        "--exclude-path-regex",
        "/events$",
        "--max-examples",
        "25",
        "--seed",
        "6",
        # One worker: CPython 3.11.7's ast module is not thread-safe (gh-106905), and hypothesis
        # parses source with it, so two schemathesis threads crash it now and then.
        "--workers",
        "1",
        "--report",
        "junit",
        "--report-dir",
        str(ARTIFACTS),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
