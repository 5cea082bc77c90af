"""The handler contract: a handler plans a job's tasks and supplies each step's implementation.

Handlers stay thin: their steps delegate to marketplace services. The orchestrator only knows this
contract, so every operation of every marketplace runs through the same task machinery.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from stoflow.domain.enums import Action, Marketplace, StepType
from stoflow.domain.steps import JobPlan, Step, TaskSpec


class UnknownStepError(LookupError):
    """A task row names a step its handler does not implement (a code/data version mismatch)."""


class BaseJobHandler:
    """Subclasses set `marketplace` and `action`, implement `create_tasks` and fill `steps()`."""

    marketplace: ClassVar[Marketplace]
    action: ClassVar[Action]

    def create_tasks(self, plan: JobPlan) -> Sequence[TaskSpec]:
        raise NotImplementedError

    def steps(self) -> Mapping[StepType, Step]:
        raise NotImplementedError

    def step(self, step_type: StepType) -> Step:
        try:
            return self.steps()[step_type]
        except KeyError:
            raise UnknownStepError(
                f"{self.marketplace}/{self.action} handler has no step {step_type.value!r}"
            ) from None


class UnsupportedOperationError(LookupError):
    """No handler is registered for this marketplace and action."""


class HandlerRegistry:
    """Handlers keyed by (marketplace, action)."""

    def __init__(self, handlers: Sequence[BaseJobHandler] = ()) -> None:
        self._handlers: dict[tuple[Marketplace, Action], BaseJobHandler] = {}
        for handler in handlers:
            self.register(handler)

    def register(self, handler: BaseJobHandler) -> None:
        self._handlers[(handler.marketplace, handler.action)] = handler

    def get(self, marketplace: Marketplace, action: Action) -> BaseJobHandler:
        try:
            return self._handlers[(marketplace, action)]
        except KeyError:
            supported = ", ".join(sorted(f"{m}/{a}" for m, a in self._handlers)) or "none"
            raise UnsupportedOperationError(
                f"{action.value} is not supported on {marketplace.value} (supported: {supported})"
            ) from None

    def operations(self) -> list[tuple[Marketplace, Action]]:
        """Every (marketplace, action) this registry has a handler for."""
        return sorted(self._handlers)

    def supports(self, marketplace: Marketplace, action: Action) -> bool:
        return (marketplace, action) in self._handlers
