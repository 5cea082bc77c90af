"""Sliding-window call counters for the marketplaces' quotas."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from stoflow.sandbox.clock import Clock


@dataclass(frozen=True)
class Quota:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until a slot frees up; 0 when allowed


class SlidingWindow:
    """At most `limit` calls in any `window_s` seconds per key; refused calls are not counted."""

    def __init__(self, limit: int, window_s: float, clock: Clock) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

    def _live(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        return hits

    def peek(self, key: str) -> Quota:
        now = self._clock.now()
        hits = self._live(key, now)
        if len(hits) >= self.limit:
            wait = hits[0] + self.window_s - now
            return Quota(False, self.limit, 0, max(1, math.ceil(wait)))
        return Quota(True, self.limit, self.limit - len(hits), 0)

    def take(self, key: str) -> Quota:
        quota = self.peek(key)
        if quota.allowed:
            self._hits[key].append(self._clock.now())
            return Quota(True, self.limit, quota.remaining - 1, 0)
        return quota
