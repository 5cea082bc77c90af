"""Shared rate limits: token buckets in the database, exact across processes."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest

from stoflow.domain.clock import ManualClock
from stoflow.domain.errors import RateLimitedError
from stoflow.orchestration.limits import RateLimit, RateLimiter
from stoflow.store.database import Database
from tests.workers.harness import ROOT


def test_bucket_grants_its_burst_then_asks_to_wait_until_refilled(db: Database) -> None:
    clock = ManualClock()
    limiter = RateLimiter(db, clock=clock)
    per_second = RateLimit(f"etsy:app:{uuid.uuid4()}", rate=2, burst=2)
    assert [limiter.try_acquire([per_second]) for _ in range(3)] == [0.0, 0.0, pytest.approx(0.5)]
    clock.advance(0.5)
    assert limiter.try_acquire([per_second]) == 0.0


def test_all_limits_are_taken_together_or_not_at_all(db: Database) -> None:
    clock = ManualClock()
    limiter = RateLimiter(db, clock=clock)
    app = RateLimit(f"etsy:app:{uuid.uuid4()}", rate=10)
    daily = RateLimit(f"etsy:day:{uuid.uuid4()}", rate=1, per_s=86400)
    assert limiter.try_acquire([app, daily]) == 0.0
    clock.advance(1)
    # The daily budget is spent: the per-second bucket must not be charged for a refused request
    assert limiter.try_acquire([app, daily]) > 3600
    assert limiter.try_acquire([app]) == 0.0


def test_acquire_sleeps_briefly_or_raises_rate_limited_for_long_waits(db: Database) -> None:
    clock = ManualClock()
    limiter = RateLimiter(db, clock=clock, sleep=clock.advance)
    slow = RateLimit(f"vinted:seller:{uuid.uuid4()}", rate=1, per_s=5)
    limiter.acquire(slow)
    with pytest.raises(RateLimitedError) as raised:
        limiter.acquire(slow, max_wait_s=2)
    assert raised.value.retry_after_s == pytest.approx(5)
    limiter.acquire(slow, max_wait_s=10)  # sleeps 5 s of the manual clock
    assert clock().second == 5


_HAMMER = """
import sys, time
from stoflow.orchestration.limits import RateLimit, RateLimiter
from stoflow.store.database import Database
limiter = RateLimiter(Database(sys.argv[1]))
limit = RateLimit(sys.argv[5], rate=float(sys.argv[2]), burst=2)
start = float(sys.argv[3])
while time.time() < start:
    time.sleep(0.005)
while time.time() < start + float(sys.argv[4]):
    wait = limiter.try_acquire([limit])
    if wait == 0.0:
        print(time.time(), flush=True)
    else:
        time.sleep(wait)
"""


def test_three_processes_share_one_budget(db: Database, database_url: str) -> None:
    rate, seconds = 30.0, 3.0
    start = time.time() + 2.5  # every process imported and connected before the window opens
    key = f"shared:{uuid.uuid4()}"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _HAMMER, database_url, str(rate), str(start), str(seconds), key],
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    grants: list[float] = []
    for process in processes:
        out, _ = process.communicate(timeout=60)
        assert process.returncode == 0
        grants.extend(float(line) for line in out.split())
    # Within the window: at most the burst (2) plus rate x time, at least 80 % of rate x time
    in_window = [t for t in grants if start <= t < start + seconds]
    assert len(in_window) <= 2 + rate * seconds
    assert len(in_window) >= 0.8 * rate * seconds
    for second in range(int(seconds)):
        in_second = [t for t in grants if start + second <= t < start + second + 1]
        assert len(in_second) <= rate + 2
