"""What a job is made of: task specs (planned at creation) and step implementations (run later).

A handler plans a job as an ordered list of `TaskSpec`s; each becomes one `marketplace_tasks` row.
At run time the orchestrator looks up the `Step` for each row's step type and calls it with a
`StepContext` that carries the job, the task's input and the outputs of the earlier tasks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stoflow.domain.enums import Action, Marketplace, StepType
from stoflow.domain.product import Product

JSONDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """One planned step of a job. `name` is unique within the job (e.g. `upload_image:2`)."""

    step_type: StepType
    name: str
    input: JSONDict = field(default_factory=dict)
    # False when running the step twice could act twice on the marketplace: such a step should
    # declare a probe so a retry after a doubtful attempt looks before it acts.
    is_idempotent: bool = True


@dataclass(frozen=True, slots=True)
class JobPlan:
    """What a handler needs to plan a job's tasks (products are loaded in bulk for the batch)."""

    marketplace: Marketplace
    action: Action
    product: Product | None
    account_id: int | None
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class JobRef:
    tenant: str
    id: int
    batch_id: int
    marketplace: Marketplace
    action: Action
    product_id: int | None
    account_id: int | None
    idempotency_key: str
    attempt: int


@dataclass(slots=True)
class StepContext:
    """Everything a step may read, plus where it records what it did to the outside world."""

    job: JobRef
    task_id: int
    name: str
    step_type: StepType
    input: Mapping[str, Any]
    outputs: Mapping[str, Mapping[str, Any]]
    # The previous attempt of this task was interrupted or failed ambiguously: it may have acted.
    in_doubt: bool
    side_effects: list[JSONDict] = field(default_factory=list)

    def record_side_effect(self, kind: str, **details: Any) -> None:
        """Note a change made outside StoFlow; committed with the task's outcome, even a failure."""
        self.side_effects.append({"kind": kind, **details})

    def output_of(self, name: str) -> Mapping[str, Any]:
        """The output of an earlier, completed task of this job."""
        try:
            return self.outputs[name]
        except KeyError:
            raise LookupError(f"task {self.name!r} needs the output of {name!r}, which has not run") from None


StepResult = Mapping[str, Any] | None
StepFn = Callable[[StepContext], StepResult | Awaitable[StepResult]]


@dataclass(frozen=True, slots=True)
class Step:
    """A step implementation. `probe` answers whether the side effect already happened.

    The probe returns the output to adopt when the marketplace already shows the effect (found by a
    deterministic key: a SKU, a stored remote id, a marker), or None when it did not happen.
    """

    run: StepFn
    probe: StepFn | None = None
