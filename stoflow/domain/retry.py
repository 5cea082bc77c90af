"""What happens to a job after a failed task: decided here as data, applied by the orchestrator."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from stoflow.domain.enums import ErrorKind
from stoflow.domain.errors import StepError


class Verdict(StrEnum):
    FAIL = "fail"  # the job is FAILED now
    RETRY = "retry"  # run again at `run_at`, an attempt spent
    WAIT = "wait"  # run again at `run_at`, the attempt given back (rate limits)
    PAUSE = "pause"  # the seller must act; run again once resumed


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    run_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter; Retry-After honoured as given."""

    base_delay_s: float = 2.0
    max_delay_s: float = 600.0
    default_rate_limit_wait_s: float = 30.0
    needs_user_recheck_s: float = 3600.0

    def backoff_s(self, attempt: int, rng: random.Random) -> float:
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** max(attempt - 1, 0))
        # Full jitter spreads retries of a failed batch instead of stampeding the marketplace.
        return rng.uniform(ceiling / 2, ceiling)

    def decide(
        self, error: StepError, *, attempt: int, max_attempts: int, now: datetime, rng: random.Random
    ) -> Decision:
        if error.kind is ErrorKind.PERMANENT or error.kind is ErrorKind.AUTH_EXPIRED:
            return Decision(Verdict.FAIL)
        if error.kind is ErrorKind.RATE_LIMITED:
            wait = error.retry_after_s if error.retry_after_s is not None else self.default_rate_limit_wait_s
            return Decision(Verdict.WAIT, now + timedelta(seconds=wait))
        if error.kind is ErrorKind.NEEDS_USER:
            return Decision(Verdict.PAUSE, now + timedelta(seconds=self.needs_user_recheck_s))
        if attempt >= max_attempts:
            return Decision(Verdict.FAIL)
        delay = error.retry_after_s if error.retry_after_s is not None else self.backoff_s(attempt, rng)
        return Decision(Verdict.RETRY, now + timedelta(seconds=delay))
