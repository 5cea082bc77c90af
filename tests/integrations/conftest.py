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
    with running_sandbox(SandboxConfig(seed=11)) as running:
        yield running


@pytest.fixture
def h(db: Database, tenant: str, sandbox: Sandbox) -> Harness:
    return make_harness(db, tenant, sandbox)
