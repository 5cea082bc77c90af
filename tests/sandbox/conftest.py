"""Fixtures: a fresh sandbox per test (real HTTP on free ports, a manual clock, small quotas) and
sellers already connected to each emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stoflow.sandbox.clock import ManualClock
from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.server import Sandbox, running_sandbox
from tests.sandbox.clients import (
    EbaySession,
    EtsySession,
    Recorder,
    VintedSession,
    connect_ebay,
    connect_etsy,
    connect_vinted,
)

ETSY_PER_SECOND = 5
ETSY_PER_DAY = 40
VINTED_PER_MINUTE = 30


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox_config(clock: ManualClock) -> SandboxConfig:
    return SandboxConfig(
        seed=7,
        clock=clock,
        etsy_per_second_limit=ETSY_PER_SECOND,
        etsy_per_day_limit=ETSY_PER_DAY,
        vinted_calls_per_minute=VINTED_PER_MINUTE,
    )


@pytest.fixture
def sandbox(sandbox_config: SandboxConfig) -> Iterator[Sandbox]:
    with running_sandbox(sandbox_config) as running:
        yield running


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def ebay(sandbox: Sandbox, recorder: Recorder) -> Iterator[EbaySession]:
    session = connect_ebay(sandbox.ebay_url, recorder)
    yield session
    session.client.close()


@pytest.fixture
def etsy(sandbox: Sandbox, recorder: Recorder) -> Iterator[EtsySession]:
    session = connect_etsy(sandbox.etsy_url, recorder)
    yield session
    session.client.close()


@pytest.fixture
def vinted(sandbox: Sandbox) -> Iterator[VintedSession]:
    session = connect_vinted(sandbox.vinted_url)
    yield session
    session.client.close()
