"""A fresh sandbox (real HTTP on free ports, seeded) and a harness per test, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.server import Sandbox, running_sandbox
from stoflow.store.database import Database
from tests.integrations.support import Harness, make_harness


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    # Etsy's real 10 requests/s would turn these tests into rate-limit tests; 429s are injected instead.
    config = SandboxConfig(seed=11, etsy_per_second_limit=10_000, etsy_per_day_limit=1_000_000)
    with running_sandbox(config) as running:
        yield running


@pytest.fixture
def h(db: Database, tenant: str, sandbox: Sandbox) -> Harness:
    return make_harness(db, tenant, sandbox)
