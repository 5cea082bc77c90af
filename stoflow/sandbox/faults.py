"""Fault injection rules, chosen per seller and per route, deterministic under a seed.

A rule fires on a call when its seller and route match (``"*"`` matches anything) and its own
random stream, seeded from the sandbox seed and the rule's number, draws below ``rate``. Giving each
rule its own stream keeps a rule's firing pattern independent of the other rules and of calls that
no rule matches.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FaultKind(StrEnum):
    ERROR = "error"  # answer `status` with the marketplace's own error body, change not made
    LATENCY = "latency"  # wait `delay_ms`, then handle the call normally
    TIMEOUT = "timeout"  # wait `delay_ms`, then answer 504 with the change not made
    LOST_RESPONSE = "lost_response"  # make the change, then drop the connection
    CHALLENGE = "challenge"  # answer the anti-bot HTML 403 while the rule lasts


class FaultSpec(BaseModel):
    """The admin API payload that creates a rule."""

    model_config = ConfigDict(extra="forbid")

    kind: FaultKind
    seller: str = "*"
    route: str = "*"
    rate: float = Field(default=1.0, ge=0.0, le=1.0)
    status: int = Field(default=500, ge=400, le=599)
    delay_ms: int = Field(default=0, ge=0, le=600_000)
    times: int | None = Field(default=None, ge=1)
    retry_after: int | None = Field(default=None, ge=0)


@dataclass
class FaultRule:
    id: str
    spec: FaultSpec
    rng: random.Random
    fired: int = 0
    remaining: int | None = field(default=None)

    def matches(self, seller: str | None, route: str) -> bool:
        return self.spec.seller in ("*", seller) and self.spec.route in ("*", route)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.spec.model_dump(mode="json"),
            "fired": self.fired,
            "remaining": self.remaining,
        }


class FaultInjector:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._rules: dict[str, FaultRule] = {}
        self._next_number = 1

    def add(self, spec: FaultSpec) -> FaultRule:
        number = self._next_number
        self._next_number += 1
        rule = FaultRule(
            id=f"fault-{number}",
            spec=spec,
            rng=random.Random(f"{self._seed}/{number}"),  # noqa: S311 - reproducible, not secret
            remaining=spec.times,
        )
        self._rules[rule.id] = rule
        return rule

    def remove(self, rule_id: str) -> bool:
        return self._rules.pop(rule_id, None) is not None

    def clear(self) -> None:
        self._rules.clear()

    def rules(self) -> list[FaultRule]:
        return list(self._rules.values())

    def draw(self, seller: str | None, route: str) -> list[FaultSpec]:
        """The faults that hit this call; a rule with a `times` budget is spent by firing."""
        fired: list[FaultSpec] = []
        for rule in list(self._rules.values()):
            if not rule.matches(seller, route):
                continue
            if rule.rng.random() >= rule.spec.rate:
                continue
            rule.fired += 1
            fired.append(rule.spec)
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining == 0:
                    del self._rules[rule.id]
        return fired
