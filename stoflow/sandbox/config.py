"""Settings shared by the three emulators."""

from __future__ import annotations

from dataclasses import dataclass, field

from stoflow.sandbox.clock import Clock, SystemClock


@dataclass(frozen=True)
class SandboxConfig:
    """What a test or the CLI can tune. Defaults follow the real services' published limits.

    The seed drives every generated identifier and every probabilistic fault, so two runs with the
    same seed and the same calls see the same ids and the same failures.
    """

    seed: int = 0
    clock: Clock = field(default_factory=SystemClock)
    # eBay: one daily budget per application across the Sell APIs (the Inventory default is 2M).
    ebay_daily_call_limit: int = 2_000_000
    # Etsy: per-application queries per second and per sliding 24 hours.
    etsy_per_second_limit: int = 10
    etsy_per_day_limit: int = 10_000
    # Vinted publishes no limit; community tools see 429s above roughly one call per second.
    vinted_calls_per_minute: int = 120
    # Vinted asks for a size except in categories without sizes (bags, some accessories).
    vinted_sizeless_catalogs: frozenset[int] = frozenset()
