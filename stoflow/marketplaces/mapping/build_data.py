"""Regenerate the package data in ./data from the reference identifier tables.

Run by hand when the reference tables change:

    python -m stoflow.marketplaces.mapping.build_data /work/shared/reference/mapping

The reference tables are several MB with sources and notes per record; the mappers need a few
hundred KB of ids. This script is the one place that decides what leaves the reference set:

* rows with ``"confidence": "low"`` never become defaults (DESIGN.md section 4);
* eBay category rows must be listable (leaf present in that marketplace's tree);
* Vinted brand keys claimed by two different non-low ids are dropped (ambiguous);
* Etsy: every suggested row is ``low`` (a name match). A row is shipped as a default only when it
  passes the checks of ``_etsy_row_is_verified`` and is marked ``"basis": "verified"``; the rest
  is kept under ``unverified_suggestions`` so an error can point the seller at it, but it is
  never used without a seller override.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

Record = dict[str, Any]

DATA_DIR = Path(__file__).parent / "data"


def _records(reference: Path, name: str) -> list[Record]:
    with (reference / name).open(encoding="utf-8") as fh:
        records: list[Record] = json.load(fh)["records"]
    return records


def _trusted(records: list[Record]) -> list[Record]:
    return [r for r in records if r.get("confidence") != "low"]


def pair_key(category: str, gender: str) -> str:
    return f"{category.casefold()}/{gender.casefold()}"


def build_conditions(reference: Path) -> dict[str, Any]:
    rows = [
        {
            "note": r["normalized_condition_note"],
            "name": r["normalized_condition"],
            "vinted_status_id": r["vinted_status_id"],
            "ebay_condition": r["ebay_condition_enum"],
            "ebay_condition_id": r["ebay_condition_id"],
            # Kept as a string so Decimal reads it exactly.
            "price_coefficient": str(r["price_coefficient"]),
            "confidence": r["confidence"],
        }
        for r in _trusted(_records(reference, "condition_mapping.json"))
    ]
    return {"source": "condition_mapping.json (non-low rows)", "conditions": rows}


def build_ebay(reference: Path) -> dict[str, Any]:
    marketplaces = {
        r["marketplace_id"]: {"currency": r["currency"], "site_id": r["site_id"]}
        for r in _trusted(_records(reference, "ebay_marketplaces.json"))
    }
    categories: dict[str, dict[str, str]] = defaultdict(dict)
    for r in _trusted(_records(reference, "ebay_category_mapping.json")):
        if r["is_leaf"] and r["available"]:
            key = pair_key(r["normalized_category"], r["normalized_gender"])
            categories[r["marketplace_id"]][key] = r["category_id"]
    aspect_names: dict[str, dict[str, str]] = defaultdict(dict)
    for r in _trusted(_records(reference, "ebay_aspects.json")):
        if r["kind"] == "aspect_name":
            aspect_names[r["marketplace_id"]][r["normalized_key"]] = r["aspect_name"]
    return {
        "source": "ebay_marketplaces.json, ebay_category_mapping.json, ebay_aspects.json (non-low rows)",
        "marketplaces": marketplaces,
        "categories": {k: dict(sorted(v.items())) for k, v in sorted(categories.items())},
        "aspect_names": dict(aspect_names),
    }


def _word_stems(text: str) -> set[str]:
    """Lower-cased words of a name with their plural endings removed ("Dresses" -> "dress")."""
    stems: set[str] = set()
    for word in re.split(r"[^a-z]+", text.casefold()):
        if not word:
            continue
        stems.add(word)
        if word.endswith("s"):
            stems.add(word[:-1])
        if word.endswith("es"):
            stems.add(word[:-2])
    return stems


def _etsy_row_is_verified(row: Record, node: Record | None) -> bool:
    """A suggested row becomes a default only if all of these hold:

    * the node exists with ``high`` confidence (same id and path in the 2025 and 2026 captures),
      is a leaf, and has the path the suggestion names;
    * the gender read from the node's path equals the product gender;
    * the node's own name (last path segment) contains the head noun of the normalized category
      ("jeans" -> "Jeans", "coat" -> "Jackets & Coats", "cargo-pants" -> "Pants"). Rows matched on
      a looser idea (culottes -> Skorts, shirt -> Blouses, bermuda -> Shorts) fail this check.
    """
    if node is None or node["confidence"] != "high" or not node["is_leaf"]:
        return False
    if node["path"] != row["taxonomy_path"] or node["gender"] != row["normalized_gender"]:
        return False
    head_noun = re.split(r"[ -]", row["normalized_category"].casefold())[-1]
    return bool(_word_stems(head_noun) & _word_stems(node["name"]))


def build_etsy(reference: Path) -> dict[str, Any]:
    nodes = {r["taxonomy_id"]: r for r in _records(reference, "etsy_taxonomy.json")}
    verified: dict[str, Any] = {}
    unverified: dict[str, Any] = {}
    for row in _records(reference, "etsy_category_mapping_suggested.json"):
        key = pair_key(row["normalized_category"], row["normalized_gender"])
        entry = {"taxonomy_id": row["taxonomy_id"], "path": row["taxonomy_path"]}
        if _etsy_row_is_verified(row, nodes.get(row["taxonomy_id"])):
            verified[key] = {**entry, "basis": "verified"}
        else:
            unverified[key] = entry
    return {
        "source": "etsy_category_mapping_suggested.json checked against etsy_taxonomy.json",
        "basis": (
            "verified = suggested (low, name match) row whose node is a high-confidence leaf with "
            "the suggested path, the product gender, and a name containing the category's head "
            "noun. unverified_suggestions are never used as defaults."
        ),
        "taxonomy": dict(sorted(verified.items())),
        "unverified_suggestions": dict(sorted(unverified.items())),
    }


def _vinted_brands(reference: Path) -> dict[str, int]:
    claims: dict[str, set[int]] = defaultdict(set)
    for r in _trusted(_records(reference, "vinted_brands.json")):
        for key in r["normalized_keys"]:
            claims[key.casefold()].add(r["brand_id"])
    # Two ids for one name (e.g. near-duplicate brands on Vinted) cannot be resolved offline.
    return {key: next(iter(ids)) for key, ids in sorted(claims.items()) if len(ids) == 1}


def _keyed_ids(records: list[Record], id_field: str, key_fields: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in _trusted(records):
        for field in key_fields:
            for key in r.get(field) or ():
                out.setdefault(key.casefold(), r[id_field])
    return dict(sorted(out.items()))


def build_vinted(reference: Path) -> dict[str, Any]:
    catalogs = {r["catalog_id"]: r for r in _records(reference, "vinted_catalogs.json")}
    rules: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _trusted(_records(reference, "vinted_category_mapping.json")):
        if not r["catalog_is_leaf"]:
            continue
        rules[pair_key(r["normalized_category"], r["normalized_gender"])].append(
            {"catalog_id": r["catalog_id"], "attributes": r["attributes"], "is_default": r["is_default"]}
        )
    used_catalogs = sorted({rule["catalog_id"] for rs in rules.values() for rule in rs})
    sizes = {
        pair_key(r["normalized_size"], r["gender"]): {
            "size_id": r["vinted_size_id"],
            "size_group_id": r["vinted_size_group_id"],
        }
        for r in _trusted(_records(reference, "vinted_size_mapping.json"))
    }
    package_sizes = {
        r["key"]: r["package_size_id"] for r in _trusted(_records(reference, "vinted_package_sizes.json"))
    }
    return {
        "source": "vinted_*.json (non-low rows)",
        "selection_weights": {
            "fit": 10,
            "length": 10,
            "rise": 10,
            "material": 5,
            "pattern": 3,
            "neckline": 3,
            "sleeve_length": 2,
        },
        "catalog_rules": dict(sorted(rules.items())),
        # The 2024 tree's size group per catalogue, for the catalogues the rules can return.
        "catalog_size_groups": {
            str(cid): catalogs[cid]["size_group_id"] if cid in catalogs else None for cid in used_catalogs
        },
        "sizes": dict(sorted(sizes.items())),
        "colors": _keyed_ids(
            _records(reference, "vinted_colors.json"),
            "color_id",
            ("normalized_keys", "normalized_keys_via_parent", "normalized_keys_by_name"),
        ),
        "materials": _keyed_ids(
            _records(reference, "vinted_materials.json"),
            "material_id",
            ("normalized_keys", "normalized_keys_by_name"),
        ),
        "package_sizes": package_sizes,
        # The only catalogue-specific parcel defaults the sources show (vinted.fr form, 2026).
        "catalog_package_sizes": {"221": "small", "156": "medium", "157": "medium"},
    }


def build_vinted_brands(reference: Path) -> dict[str, Any]:
    return {"source": "vinted_brands.json (non-low, unambiguous keys)", "brands": _vinted_brands(reference)}


BUILDERS = {
    "conditions.json": build_conditions,
    "ebay.json": build_ebay,
    "etsy.json": build_etsy,
    "vinted.json": build_vinted,
    "vinted_brands.json": build_vinted_brands,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m stoflow.marketplaces.mapping.build_data <reference/mapping dir>")
        return 2
    reference = Path(argv[0])
    DATA_DIR.mkdir(exist_ok=True)
    for name, build in BUILDERS.items():
        text = json.dumps(build(reference), ensure_ascii=False, indent=1, sort_keys=False)
        (DATA_DIR / name).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {name} ({len(text) // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
