"""Task planning and output plumbing shared by the direct-API handlers of every marketplace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stoflow.domain.enums import StepType
from stoflow.domain.product import Product
from stoflow.domain.steps import StepContext, TaskSpec

IMAGE_TASK = "upload_image:"


def image_tasks(product: Product) -> list[TaskSpec]:
    """One upload task per public image, in the seller's order; internal photos get no task at all."""
    return [
        TaskSpec(
            StepType.UPLOAD_IMAGE,
            f"{IMAGE_TASK}{rank}",
            {"image_id": image.id, "rank": rank, "url": image.url},
        )
        for rank, image in enumerate(product.public_images, start=1)
    ]


def uploaded_images(ctx: StepContext) -> list[Mapping[str, Any]]:
    """Outputs of this job's completed image uploads, by rank, leaving out skipped ones."""
    found = [
        (int(name[len(IMAGE_TASK) :]), output)
        for name, output in ctx.outputs.items()
        if name.startswith(IMAGE_TASK) and not output.get("skipped")
    ]
    return [output for _, output in sorted(found, key=lambda pair: pair[0])]


def skipped_image(reason: str) -> dict[str, Any]:
    return {"skipped": True, "reason": reason}
