"""Domain rules without a database: retry decisions and batch state from counters."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from stoflow.domain.batch_state import BatchCounters
from stoflow.domain.enums import BatchStatus
from stoflow.domain.errors import (
    AuthExpiredError,
    NeedsUserError,
    PermanentError,
    RateLimitedError,
    TransientError,
    ValidationFailed,
)
from stoflow.domain.retry import RetryPolicy, Verdict

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def decide(error: Exception, attempt: int = 1, max_attempts: int = 5) -> tuple[Verdict, float | None]:
    assert isinstance(
        error, TransientError | PermanentError | RateLimitedError | AuthExpiredError | NeedsUserError
    )
    d = RetryPolicy(base_delay_s=2, max_delay_s=60).decide(
        error, attempt=attempt, max_attempts=max_attempts, now=NOW, rng=random.Random(1)
    )
    return d.verdict, (d.run_at - NOW).total_seconds() if d.run_at else None


def test_permanent_and_auth_errors_fail_at_once() -> None:
    assert decide(PermanentError("bad"))[0] is Verdict.FAIL
    assert decide(ValidationFailed("title", "empty"))[0] is Verdict.FAIL
    assert decide(AuthExpiredError("reconnect your account"))[0] is Verdict.FAIL


def test_transient_errors_back_off_exponentially_up_to_the_cap() -> None:
    delays = [decide(TransientError("503"), attempt=a, max_attempts=99)[1] for a in range(1, 10)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(60, 2 * 2 ** (attempt - 1))
        assert delay is not None
        assert ceiling / 2 <= delay <= ceiling
    assert decide(TransientError("503"), attempt=5, max_attempts=5)[0] is Verdict.FAIL


def test_retry_after_is_honoured() -> None:
    assert decide(TransientError("503", retry_after_s=7)) == (Verdict.RETRY, 7)
    assert decide(RateLimitedError("429", retry_after_s=12), attempt=5, max_attempts=5) == (Verdict.WAIT, 12)
    assert decide(RateLimitedError("429"))[1] == 30


def test_needs_user_pauses() -> None:
    assert decide(NeedsUserError("captcha"))[0] is Verdict.PAUSE


def test_validation_errors_name_the_field_and_marketplace() -> None:
    error = ValidationFailed("size", "'XXL-ish' has no size", marketplace="vinted")
    assert str(error) == "size: 'XXL-ish' has no size for vinted"
    assert (error.field, error.code) == ("size", "invalid_product")


@pytest.mark.parametrize(
    ("counters", "status"),
    [
        (BatchCounters(4, 4, 0, 0), BatchStatus.COMPLETED),
        (BatchCounters(4, 3, 1, 0), BatchStatus.PARTIALLY_FAILED),
        (BatchCounters(4, 0, 4, 0), BatchStatus.FAILED),
        (BatchCounters(4, 0, 3, 1), BatchStatus.FAILED),
        (BatchCounters(4, 2, 0, 2), BatchStatus.CANCELLED),
        (BatchCounters(4, 1, 1, 2), BatchStatus.PARTIALLY_FAILED),
    ],
)
def test_settled_batch_status(counters: BatchCounters, status: BatchStatus) -> None:
    assert counters.is_settled
    assert counters.settled_status() is status


def test_progress_is_finished_over_total() -> None:
    counters = BatchCounters(total=8, completed=3, failed=1, cancelled=0)
    assert (counters.progress, counters.is_settled) == (0.5, False)
    assert BatchCounters(0, 0, 0, 0).progress == 1.0
