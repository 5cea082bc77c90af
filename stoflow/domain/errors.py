"""Classified step errors (DESIGN.md 2.6). Steps raise these; the orchestrator decides what follows.

Each error keeps a stable `code` (for grouping failed jobs), a message for the seller and, where a
marketplace answered, the marketplace's own message. `ambiguous` marks a failure after which the side
effect may or may not have happened (a timeout after the request was sent): the next attempt probes.
"""

from __future__ import annotations

from stoflow.domain.enums import ErrorKind


class StepError(Exception):
    """A step failed; subclasses say how the failure is handled."""

    kind: ErrorKind = ErrorKind.TRANSIENT
    default_code = "step_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        marketplace_message: str | None = None,
        ambiguous: bool = False,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.marketplace_message = marketplace_message
        self.ambiguous = ambiguous
        self.retry_after_s = retry_after_s


class PermanentError(StepError):
    """Retrying cannot help (invalid product, a marketplace validation error): fail the job now."""

    kind = ErrorKind.PERMANENT
    default_code = "permanent"


class TransientError(StepError):
    """A 5xx, a timeout or a lost connection: retry later with backoff."""

    kind = ErrorKind.TRANSIENT
    default_code = "transient"


class RateLimitedError(StepError):
    """The marketplace asked us to slow down: wait as told without spending an attempt."""

    kind = ErrorKind.RATE_LIMITED
    default_code = "rate_limited"


class AuthExpiredError(StepError):
    """The token was refused after one refresh: the seller must reconnect the account."""

    kind = ErrorKind.AUTH_EXPIRED
    default_code = "auth_expired"


class NeedsUserError(StepError):
    """The seller must act (Vinted session, captcha): pause that seller's work for the marketplace."""

    kind = ErrorKind.NEEDS_USER
    default_code = "needs_user"


class ValidationFailed(PermanentError):
    """The product cannot be sent as it is; `field` names the attribute at fault."""

    default_code = "invalid_product"

    def __init__(self, field: str, reason: str, *, marketplace: str | None = None) -> None:
        where = f" for {marketplace}" if marketplace else ""
        super().__init__(f"{field}: {reason}{where}", code=self.default_code)
        self.field = field
        self.reason = reason
        self.marketplace = marketplace
