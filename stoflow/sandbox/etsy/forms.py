"""Reading Etsy's form-encoded listing fields into typed values, with Etsy-shaped 400s."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

WHO_MADE = frozenset({"i_did", "someone_else", "collective"})
WHEN_MADE = frozenset(
    {
        "made_to_order",
        "2020_2026",
        "2010_2019",
        "2007_2009",
        "before_2007",
        "2000_2006",
        "1990s",
        "1980s",
        "1970s",
        "1960s",
        "1950s",
        "1940s",
        "1930s",
        "1920s",
        "1910s",
        "1900s",
        "1800s",
        "1700s",
        "before_1700",
    }
)
LISTING_TYPES = frozenset({"physical", "download", "both"})
WEIGHT_UNITS = frozenset({"oz", "lb", "g", "kg"})
DIMENSION_UNITS = frozenset({"in", "ft", "mm", "cm", "m", "yd", "inches"})
INT_FIELDS = (
    "quantity",
    "taxonomy_id",
    "shipping_profile_id",
    "return_policy_id",
    "shop_section_id",
    "processing_min",
    "processing_max",
    "readiness_state_id",
)
FLOAT_FIELDS = ("price", "item_weight", "item_length", "item_width", "item_height")
BOOL_FIELDS = ("is_supply", "is_customizable", "should_auto_renew", "is_taxable")
TEXT_FIELDS = (
    "title",
    "description",
    "who_made",
    "when_made",
    "type",
    "item_weight_unit",
    "item_dimensions_unit",
    "state",
)
LIST_FIELDS = ("tags", "materials", "styles", "image_ids")
ENUMS = {
    "who_made": WHO_MADE,
    "when_made": WHEN_MADE,
    "type": LISTING_TYPES,
    "item_weight_unit": WEIGHT_UNITS,
    "item_dimensions_unit": DIMENSION_UNITS,
}


class FieldError(ValueError):
    """The message is the `error` string of Etsy's 400 body."""


def _as_bool(name: str, raw: str) -> bool:
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise FieldError(f"Expected {name} to be a boolean.")


def listing_fields(form: FormData) -> dict[str, Any]:
    """The listing fields present in the form; arrays may be repeated keys or comma-separated."""
    fields: dict[str, Any] = {}
    for name in INT_FIELDS:
        if (raw := form.get(name)) is not None and raw != "":
            try:
                fields[name] = int(str(raw))
            except ValueError:
                raise FieldError(f"Expected {name} to be an integer.") from None
    for name in FLOAT_FIELDS:
        if (raw := form.get(name)) is not None and raw != "":
            try:
                fields[name] = float(str(raw))
            except ValueError:
                raise FieldError(f"Expected {name} to be a number.") from None
            if fields[name] <= 0:
                raise FieldError(f"{name} must be greater than 0.")
    for name in BOOL_FIELDS:
        if (raw := form.get(name)) is not None:
            fields[name] = _as_bool(name, str(raw))
    for name in TEXT_FIELDS:
        if (raw := form.get(name)) is not None:
            fields[name] = str(raw)
    for name in LIST_FIELDS:
        values = [
            part.strip()
            for raw in form.getlist(name)
            if isinstance(raw, str)
            for part in raw.split(",")
            if part.strip()
        ]
        if values or name in form:
            fields[name] = [int(v) for v in values] if name == "image_ids" else values
    for name, allowed in ENUMS.items():
        if name in fields and fields[name] not in allowed:
            raise FieldError(f"{name} must be one of {', '.join(sorted(allowed))}.")
    _check_title(fields.get("title"))
    return fields


def _check_title(title: str | None) -> None:
    if title is None:
        return
    if not title.strip():
        raise FieldError("title cannot be empty.")
    for char in "%:&+":
        if title.count(char) > 1:
            raise FieldError(f"title may contain the character {char} only once.")


def check_maker_trio(fields: dict[str, Any]) -> None:
    """who_made, when_made and is_supply travel together: one present means all three."""
    present = [name for name in ("who_made", "when_made", "is_supply") if name in fields]
    if present and len(present) < 3:
        raise FieldError("who_made, when_made and is_supply must be provided together.")
